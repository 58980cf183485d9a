import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineCatalog } from '../../src/catalog/index.js';
import { rangeFrom, UsageError } from '../../src/cli/options.js';
import { isLogQuery, parseDuration, parseStep, parseTime, refusedStep } from '../../src/history/range.js';
import { inMemoryMcpClient } from '../mcp/in-memory.js';
import { createLocalBackend } from '../../src/query/index.js';
import type { QueryBackend } from '../../src/query/types.js';
import { envelope, tempDir, writeLines } from '../query/support.js';

/*
 * The command line (`--since`, `--from`, `--to`) and the MCP tools (`since`,
 * `start`, `end`) read a range with one rule, and choose a range or an
 * instant query with one rule: the same inputs are taken, with the same
 * nanoseconds, or refused by both.
 */
const NOW = 1_774_879_200_000_000_000n; // 2026-03-30T14:00:00Z
const H = 3_600_000_000_000n;

const durations: [string, bigint | undefined][] = [
  ['30s', 30_000_000_000n],
  ['15m', 15n * 60_000_000_000n],
  ['1h', H],
  ['7d', 7n * 24n * H],
  ['2w', 14n * 24n * H],
  ['500ms', 500_000_000n],
  ['1h30m', H + 30n * 60_000_000_000n],
  ['1d12h', 36n * H],
  ['1 hour', undefined],
  ['1.5h', undefined],
  ['-1h', undefined],
  ['1H', undefined],
  ['h', undefined],
  ['', undefined],
];

const times: [string, bigint | undefined][] = [
  ['2026-03-30T13:00:00Z', NOW - H],
  ['2026-03-30T15:00:00+02:00', NOW - H],
  ['2026-03-30t13:00:00z', NOW - H],
  ['2026-03-30T13:00:00.123456789Z', NOW - H + 123_456_789n],
  ['1774875600', NOW - H],
  ['1774875600.5', NOW - H + 500_000_000n],
  ['2026-03-30T13:00Z', NOW - H],
  ['2026-03-30', undefined],
  ['1774875600000', undefined],
  ['2026-03-30T13:00:00', undefined],
  ['yesterday', undefined],
  ['2026-13-30T13:00:00Z', undefined],
  ['', undefined],
  // Dates and times that do not exist are refused, not rolled over (Date.parse reads 2026-02-30 as 2 March).
  ['2024-02-29T00:00:00Z', 1_709_164_800_000_000_000n],
  ['2000-02-29T00:00:00Z', 951_782_400_000_000_000n],
  ['2026-02-28T23:59:59Z', 1_772_323_199_000_000_000n],
  ['2026-02-29T00:00:00Z', undefined],
  ['2100-02-29T00:00:00Z', undefined],
  ['2026-02-30T00:00:00Z', undefined],
  ['2026-04-31T00:00:00Z', undefined],
  ['2026-06-31T00:00:00+02:00', undefined],
  ['2026-01-00T00:00:00Z', undefined],
  ['2026-00-10T00:00:00Z', undefined],
  ['2026-03-30T24:00:00Z', undefined],
  ['2026-03-30T24:61:00Z', undefined],
  ['2026-03-30T23:60:00Z', undefined],
  ['2026-03-30T23:59:60Z', undefined],
  ['2026-03-30T13:00:00+24:00', undefined],
  ['2026-03-30T13:00:00+02:60', undefined],
];

/** The local engine over one line, with the requests it was asked. */
let client: Client;
const asked: { kind: 'range' | 'instant'; start?: bigint; end?: bigint; time?: bigint }[] = [];

beforeAll(async () => {
  const file = writeLines(join(tempDir(), 'events.jsonl'), [envelope({ event_id: 'agent.code.generated:1', time: '2026-03-30T13:30:00Z', payload: {} })]);
  const local = createLocalBackend({ files: [file] });
  const backend: QueryBackend = {
    ...local,
    kind: 'local',
    query: (r) => {
      asked.push({ kind: 'instant', ...(r.time !== undefined ? { time: r.time } : {}) });
      return local.query(r);
    },
    queryRange: (r) => {
      asked.push({ kind: 'range', start: r.start, end: r.end });
      return local.queryRange(r);
    },
  };
  const catalog = defineCatalog({ 'agent.code.generated:1': z.looseObject({}) }, { name: 'a' });
  client = await inMemoryMcpClient({ catalog, backend, now: () => NOW });
});

afterAll(async () => {
  await client?.close();
});

const cli = (values: { since?: string; from?: string; to?: string }) => {
  try {
    return rangeFrom(values, '1h', NOW);
  } catch (e) {
    if (e instanceof UsageError) return 'refused';
    throw e;
  }
};

/** The range query_events ran a log query over, or 'refused'. */
async function mcp(args: { since?: string; start?: string; end?: string }): Promise<{ start: bigint; end: bigint } | 'refused'> {
  asked.length = 0;
  const r = await client.callTool({ name: 'query_events', arguments: { query: '{service_name=~".+"}', ...args } });
  if (r.isError) return 'refused';
  const first = asked[0]!;
  return { start: first.start!, end: first.end! };
}

describe('one reading of a range for the command line and the MCP tools', () => {
  it.each(durations)('since %j', async (since, ns) => {
    expect(parseDuration(since)).toBe(ns);
    const expected = ns === undefined ? 'refused' : { start: NOW - ns, end: NOW };
    expect(cli({ since })).toEqual(expected);
    expect(await mcp({ since })).toEqual(expected);
  });

  it.each(times)('start / --from %j', async (at, ns) => {
    expect(parseTime(at)).toBe(ns);
    const expected = ns === undefined ? 'refused' : { start: ns, end: NOW };
    expect(cli({ from: at })).toEqual(expected);
    expect(await mcp({ start: at })).toEqual(expected);
    const ended = ns === undefined ? 'refused' : { start: ns - H, end: ns };
    expect(cli({ to: at, since: '1h' })).toEqual(ended);
    expect(await mcp({ end: at, since: '1h' })).toEqual(ended);
  });

  it('refuses since with start, and a start after the end, on both', async () => {
    expect(cli({ since: '1h', from: '2026-03-30T13:00:00Z' })).toBe('refused');
    expect(await mcp({ since: '1h', start: '2026-03-30T13:00:00Z' })).toBe('refused');
    expect(cli({ from: '2026-03-30T15:00:00Z' })).toBe('refused');
    expect(await mcp({ start: '2026-03-30T15:00:00Z' })).toBe('refused');
    expect(cli({ from: '2026-03-30T12:00:00Z', to: '2026-03-30T13:00:00Z' })).toEqual({ start: NOW - 2n * H, end: NOW - H });
    expect(await mcp({ start: '2026-03-30T12:00:00Z', end: '2026-03-30T13:00:00Z' })).toEqual({ start: NOW - 2n * H, end: NOW - H });
  });
});

describe('a date or time that does not exist', () => {
  const refusal = (values: { from?: string; to?: string }) => {
    try {
      rangeFrom(values, '1h', NOW);
    } catch (e) {
      return (e as Error).message;
    }
    return 'accepted';
  };

  it.each([
    ['2026-02-30T00:00:00Z', 'February 2026 has 28 days, not 30'],
    ['2026-02-29T00:00:00Z', 'February 2026 has 28 days, not 29'],
    ['2100-02-29T00:00:00Z', 'February 2100 has 28 days, not 29'],
    ['2026-04-31T00:00:00Z', 'April 2026 has 30 days, not 31'],
    ['2026-03-30T24:61:00Z', 'hour 24 is past 23'],
    ['2026-03-30T23:61:00Z', 'minute 61 is past 59'],
    ['2026-03-30T23:59:60Z', 'second 60 is past 59'],
    ['2026-13-01T00:00:00Z', 'month 13 is not 01-12'],
    ['2026-02-30', 'February 2026 has 28 days, not 30'],
  ])('--from %j is refused naming the value and the field: %s', async (at, why) => {
    expect(refusal({ from: at })).toBe(`--from names a time that does not exist, got ${JSON.stringify(at)}: ${why}`);
    expect(refusal({ to: at })).toBe(`--to names a time that does not exist, got ${JSON.stringify(at)}: ${why}`);
    const r = await client.callTool({ name: 'query_events', arguments: { query: '{service_name=~".+"}', start: at } });
    expect(r.isError).toBe(true);
    expect(JSON.stringify(r.content)).toContain(`start names a time that does not exist, got ${JSON.stringify(JSON.stringify(at)).slice(1, -1)}: ${why}`);
  });

  it('February 29 exists in leap years only (every 4th year, not every 100th, but every 400th)', () => {
    for (const [year, leap] of [
      [2024, true],
      [2025, false],
      [2000, true],
      [1900, false],
      [2400, true],
    ] as const) {
      expect(parseTime(`${year}-02-29T12:00:00Z`) !== undefined).toBe(leap);
    }
  });
});

describe("a metric query's step, read as Loki reads query_range's step", () => {
  // Loki's parseSecondsOrDuration: strconv.ParseFloat seconds, else Prometheus' model.ParseDuration.
  const steps: [string, number | undefined][] = [
    ['60', 60],
    ['0.5', 0.5],
    ['1e2', 100],
    ['30s', 30],
    ['5m', 300],
    ['1h', 3600],
    ['1m30s', 90],
    ['1h30m15s', 5415],
    ['500ms', 0.5],
    ['1d', 86_400],
    ['1w', 604_800],
    ['1y', 31_536_000],
    ['0', 0],
    ['0s', 0],
    ['-5', -5],
    ['30s1m', undefined], // Prometheus: units largest first
    ['1m1m', undefined],
    ['1.5m', undefined],
    ['1 min', undefined],
    ['5M', undefined],
    ['1us', undefined],
    ['-1m', undefined],
    ['', undefined],
  ];

  it.each(steps)('%j is %s s', (text, seconds) => {
    expect(parseStep(text)).toBe(seconds);
  });

  it('takes and refuses the steps real Loki 3.7.6 takes and refuses (its answers, saved in test/fixtures/loki)', () => {
    const saved = JSON.parse(readFileSync(new URL('../fixtures/loki/query-range-step.json', import.meta.url), 'utf8')) as {
      answers: { step: string; status: number; error: string | null }[];
    };
    expect(saved.answers.length).toBeGreaterThan(20);
    for (const a of saved.answers) {
      const loki = a.error?.startsWith('cannot parse') ? 'no duration' : a.error?.startsWith('zero or negative') ? 'not positive' : 'taken';
      const step = parseStep(a.step);
      const ours = step === undefined ? 'no duration' : step > 0 ? 'taken' : 'not positive';
      expect(ours, a.step).toBe(loki);
    }
  });

  it('refuses a step that does not parse, and one of 0 or less, naming the value', () => {
    expect(refusedStep('--step', '1m30s')).toBeUndefined();
    expect(refusedStep('--step', '1 min')).toBe('--step needs a duration like 30s, 5m, 1h or 1m30s, or a number of seconds (60, 0.5), got "1 min"');
    expect(refusedStep('--step', '0s')).toBe('--step must be more than 0 (Loki refuses a zero or negative step), got "0s"');
    expect(refusedStep('--step', '-5')).toBe('--step must be more than 0 (Loki refuses a zero or negative step), got "-5"');
  });
});

describe('one rule for "is this a log query"', () => {
  const cases: [string, boolean][] = [
    ['{service_name="api"}', true],
    ['  \n{service_name="api"} |= "x"', true],
    ['( {service_name="api"} | json )', true],
    ['# the failures\n{service_name="api"}', true],
    ['count_over_time({service_name="api"} [5m])', false],
    ['(sum(count_over_time({service_name="api"} [5m])))', false],
    ['vector(1)', false],
    ['# only a comment', false],
  ];

  it.each(cases)('%j is a log query: %s', async (query, log) => {
    expect(isLogQuery(query)).toBe(log);
    asked.length = 0;
    await client.callTool({ name: 'query_events', arguments: { query } });
    // query_events runs a log query over the range and a metric query once, at end.
    expect(asked[0]?.kind).toBe(log ? 'range' : 'instant');
  });
});
