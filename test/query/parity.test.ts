import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createLocalBackend, QueryError, type LokiQueryResponse } from '../../src/query/index.js';
import type { ParityCase } from './parity-cases.js';
import { difference } from './compare.js';
import { BOTH_FORMATS } from './support.js';

/*
 * Parity with real Loki: every case of parity-cases.ts, answered by Loki 3.7.6
 * over the events in test/fixtures/query/events/ (shipped by the real
 * Collector with the shipped config) and saved by parity.record.test.ts, is
 * answered by the local engine over the same files. Compared: result type,
 * labels, values, timestamps and order.
 *
 * Loki picks among equal values in no fixed order (sort, sort_desc, topk,
 * bottomk build on Go's unstable sort over a map): for those queries samples
 * of equal value are compared as sets, and only the values where a tie
 * decides which series are in.
 *
 * One label cannot agree and is left out of the comparison:
 * `observed_timestamp` of a tailed line is when the Collector read it, which
 * a file does not record (the engine uses the envelope's `observed_time`).
 * Where it splits Loki's streams, entries are compared as a sorted list
 * instead of stream by stream.
 */

const FIXTURES = fileURLToPath(new URL('../fixtures/query/', import.meta.url));
const PARITY = join(FIXTURES, 'parity.json');

interface Recorded extends ParityCase {
  status: number;
  response: LokiQueryResponse | string;
}

interface Fixture {
  files: string[];
  logRange: { start: string; end: string };
  metricRange: { start: string; end: string };
  time: string;
  cases: Recorded[];
}

const fixture: Fixture | undefined = existsSync(PARITY) ? (JSON.parse(readFileSync(PARITY, 'utf8')) as Fixture) : undefined;

describe('parity with real Loki on the recorded corpus', () => {
  it('has the recorded fixtures (record them with parity.record.test.ts)', () => {
    expect(fixture, `${PARITY} is missing`).toBeDefined();
    expect(fixture!.cases.length).toBeGreaterThanOrEqual(100);
  });
  if (fixture === undefined) return;
  const backend = createLocalBackend({ files: fixture.files.map((f) => join(FIXTURES, 'events', f)), formats: BOTH_FORMATS });

  async function local(c: Recorded): Promise<LokiQueryResponse | QueryError> {
    try {
      if (c.kind === 'instant') return await backend.query({ query: c.query, time: BigInt(fixture!.time) });
      const isLog = c.step === undefined;
      const range = isLog ? fixture!.logRange : fixture!.metricRange;
      return await backend.queryRange({
        query: c.query,
        start: BigInt(range.start),
        end: BigInt(range.end),
        ...(c.step !== undefined ? { step: c.step } : {}),
        ...(c.limit !== undefined ? { limit: c.limit } : {}),
        ...(c.direction !== undefined ? { direction: c.direction } : {}),
      });
    } catch (e) {
      if (e instanceof QueryError) return e;
      throw e;
    }
  }

  const outcomes: { name: string; agree: boolean; why?: string }[] = [];

  for (const c of fixture.cases) {
    it(`${c.name}: ${c.query}`, async () => {
      const mine = await local(c);
      let why: string | undefined;
      if (c.status !== 200) {
        // Loki refused it: the local engine refuses it too, with Loki's reason where it is Loki's error.
        if (!(mine instanceof QueryError)) why = `Loki refused (${c.status}: ${String(c.response).slice(0, 200)}), the local engine answered`;
        else if (mine.code === 'unsupported') why = `unsupported locally: ${mine.message}`;
        else {
          // Loki's own words, up to the series it names (the first of a map: any one of them).
          const head = (m: string) => m.trim().split(' for series:')[0];
          if (head(mine.message) !== head(String(c.response)))
            why = `local error ${JSON.stringify(head(mine.message))}, Loki ${JSON.stringify(head(String(c.response)))}`;
        }
      } else if (mine instanceof QueryError) why = `local ${mine.code}: ${mine.message}`;
      else why = difference((c.response as LokiQueryResponse).data, mine.data, c.query);
      outcomes.push({ name: c.name, agree: why === undefined, ...(why !== undefined ? { why } : {}) });
      expect(why, c.query).toBeUndefined();
    });
  }

  it('reports how many cases agree', () => {
    const agree = outcomes.filter((o) => o.agree).length;
    process.stderr.write(`parity with Loki: ${agree} of ${outcomes.length} cases agree\n`);
    expect(outcomes.length).toBe(fixture.cases.length);
  });
});
