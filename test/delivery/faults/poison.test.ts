import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { OtlpEndpoint } from '../support/otlp-endpoint.js';
import { deadLetterIds, emitAtRate, expectNothingLostUnreported, factlineTo, sampleRss, tempDir } from '../support/drive.js';

const endpoint = await new OtlpEndpoint().start();
afterAll(() => endpoint.stop());

describe('one poisoned record per batch (400 naming the record)', () => {
  it('delivers every other record and dead-letters only the poisoned ones, with the endpoint reason', async () => {
    const dir = tempDir('poison');
    const deadLetterPath = join(dir, 'dead-letters.jsonl');
    endpoint.mode = { kind: 'poison', marker: 'POISON' };
    const rss = sampleRss();
    const { sdk, problems, emitOne } = factlineTo(endpoint, { delivery: { deadLetterPath } });
    const started = Date.now();
    // 5 batches of 1024; one record of each carries the marker.
    const ids = await emitAtRate((i) => emitOne(i, i % 1024 === 500 ? `POISON ${i}` : `fine ${i}`), 5 * 1024, 20_000);
    await sdk.flush();
    const drainMs = Date.now() - started;
    const stats = sdk.stats().sinks.otel!;
    await sdk.shutdown();
    const dead = deadLetterIds(deadLetterPath);
    const verdict = expectNothingLostUnreported(ids, endpoint, dead, problems, stats);
    expect(verdict.lost).toBe(0);
    // Up to four requests are in flight, so the file's order is the order of the answers.
    expect([...dead].sort()).toEqual([500, 1524, 2548, 3572, 4596].map((i) => ids[i]!).sort());
    const lines = readFileSync(deadLetterPath, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { status: number; reason: string; instance_id: string; record: unknown });
    const first = lines.find((l) => l.instance_id === ids[500])!;
    expect(first).toMatchObject({ status: 400, reason: `400 log record ${ids[500]} is poisoned`, instance_id: ids[500] });
    expect(JSON.stringify(first.record)).toContain('POISON 500');
    expect(problems.filter((p) => p.code === 'FACTLINE_DEAD_LETTERED')).toHaveLength(5);
    const peak = rss.stop();
    expect(peak).toBeLessThan(600 * 1024 * 1024);
    console.log(
      `[faults] poison: ${ids.length} events, ${dead.length} dead-lettered, ${endpoint.requests} requests, drained in ${drainMs} ms, peak RSS ${Math.round(peak / 2 ** 20)} MiB`,
    );
  });
});
