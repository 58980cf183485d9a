import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/*
 * Loki's answer, saved by test/integration/loki-backfill.test.ts
 * (FACTLINE_LOKI_SAVE=1) against a real Loki 3.7.6 with the shipped
 * loki.yaml: the 15 Intent examples dated 2026-03-30, read by the Collector's
 * file_log, each stored once. Kept so the promise can be checked without Loki.
 */
interface Streams {
  data: { result: { stream: Record<string, string>; values: [string, string][] }[] };
}

describe('the saved Loki answer for the Intent examples of 2026-03-30', () => {
  const answer = JSON.parse(readFileSync(new URL('../fixtures/loki/backfill-seed-examples.json', import.meta.url), 'utf8')) as Streams;
  const seed = readFileSync(new URL('../fixtures/intent/seed-examples.jsonl', import.meta.url), 'utf8')
    .trim()
    .split('\n');

  it('holds each of the 15 examples exactly once, at its own timestamp', () => {
    const got = answer.data.result.flatMap((s) => s.values.map(([ns]) => new Date(Number(BigInt(ns) / 1_000_000n)).toISOString()));
    const want = seed.map((l) => new Date((JSON.parse(l) as { timestamp: string }).timestamp).toISOString());
    expect(got.sort()).toEqual(want.sort());
    expect(new Set(answer.data.result.map((s) => s.stream.event_name)).size).toBe(15);
    for (const s of answer.data.result) expect(s.stream).toMatchObject({ factline_catalog: 'intent', log_file_name: 'intent-events.jsonl' });
  });
});
