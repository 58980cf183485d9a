import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createLocalBackend, QueryError } from '../../src/query/index.js';
import { BOTH_FORMATS, envelope, ns, tempDir, writeLines } from './support.js';

/*
 * Keys and label names that are also members of Object.prototype
 * (`__proto__`, `constructor`, `toString`, `hasOwnProperty`) are ordinary
 * names to Loki. The expected answers are those real Loki 3.7.6 gave for the
 * same lines and queries (pushed with its push API): `| json` on
 * `{"__proto__":"x","constructor":"y","toString":"z","hasOwnProperty":"h","a":{"__proto__":"n"}}`
 * gives the labels `__proto__="x"`, `constructor="y"`, `toString="z"`,
 * `hasOwnProperty="h"` and `a___proto__="n"`.
 */

const START = ns('2026-11-30T09:00:00.000Z');
const END = ns('2026-11-30T11:00:00.000Z');
const HOSTILE = '{"__proto__":"x","constructor":"y","toString":"z","hasOwnProperty":"h","a":{"__proto__":"n"}}';

let file: string;

beforeAll(() => {
  file = writeLines(join(tempDir(), 'events.jsonl'), [
    envelope({ event_id: 'agent.code.generated:1', time: '2026-11-30T10:00:00.000Z', service_name: 'json', payload: JSON.parse(HOSTILE) }),
    envelope({ event_id: 'agent.code.generated:1', time: '2026-11-30T10:00:01.000Z', service_name: 'logfmt', payload: '__proto__=x constructor=y toString=z' }),
    envelope({ event_id: 'agent.code.generated:1', time: '2026-11-30T10:00:02.000Z', service_name: 'odd', severity: 'constructor', payload: { n: 1 } }),
    '{"event_type":"signal.created","__proto__":{"k":"x"},"constructor":"y","timestamp":"2026-11-30T10:00:03Z"}',
  ]);
});

async function streams(query: string) {
  const res = await createLocalBackend({ files: [file], formats: BOTH_FORMATS }).queryRange({ query, start: START, end: END });
  if (res.data.resultType !== 'streams') throw new Error(`expected streams, got ${res.data.resultType}`);
  return res.data.result;
}

async function matrix(query: string): Promise<{ metric: Record<string, string> }[]> {
  const res = await createLocalBackend({ files: [file], formats: BOTH_FORMATS }).queryRange({ query, start: START, end: END, step: 3600 });
  if (res.data.resultType !== 'matrix') throw new Error(`expected a matrix, got ${res.data.resultType}`);
  return res.data.result;
}

describe('label names that are Object.prototype members', () => {
  it('| json gives __proto__, constructor, toString and hasOwnProperty as labels with their values, as Loki does', async () => {
    const [s] = await streams('{service_name="json"} | json');
    const labels = s!.stream;
    expect(Object.getPrototypeOf(labels)).toBe(Object.prototype);
    expect(Object.hasOwn(labels, '__proto__')).toBe(true);
    expect(labels['__proto__']).toBe('x');
    expect(labels).toMatchObject({ constructor: 'y', toString: 'z', hasOwnProperty: 'h', a___proto__: 'n' });
    expect(Object.keys(labels)).toEqual([...Object.keys(labels)].sort());
  });

  it('| logfmt gives them too', async () => {
    const [s] = await streams('{service_name="logfmt"} | logfmt');
    expect(Object.hasOwn(s!.stream, '__proto__')).toBe(true);
    expect(s!.stream['__proto__']).toBe('x');
    expect(s!.stream).toMatchObject({ constructor: 'y', toString: 'z' });
  });

  it('parses them as label names wherever a label name goes: by, keep, drop, label_format', async () => {
    const kept = await streams('{service_name="json"} | json | keep __proto__, constructor');
    expect(Object.entries(kept[0]!.stream)).toEqual([
      ['__proto__', 'x'],
      ['constructor', 'y'],
    ]);
    const dropped = await streams('{service_name="json"} | json | drop __proto__, constructor');
    expect(Object.hasOwn(dropped[0]!.stream, '__proto__')).toBe(false);
    expect(Object.hasOwn(dropped[0]!.stream, 'constructor')).toBe(false);
    expect(dropped[0]!.stream.toString).toBe('z');
    const formatted = await streams('{service_name="json"} | label_format constructor="c", __proto__="{{.service_name}}"');
    expect(formatted[0]!.stream.constructor).toBe('c');
    expect(Object.hasOwn(formatted[0]!.stream, '__proto__')).toBe(true);
    expect(formatted[0]!.stream['__proto__']).toBe('json');
    const renamed = await streams('{service_name="json"} | json | label_format p=__proto__');
    expect(renamed[0]!.stream.p).toBe('x');
    expect(Object.hasOwn(renamed[0]!.stream, '__proto__')).toBe(false);
  });

  it('groups by them: a series without the label groups under {}, never under an inherited member', async () => {
    for (const name of ['__proto__', 'constructor', 'toString']) {
      const none = await matrix(`sum by (${name}) (count_over_time({service_name="odd"}[1h]))`);
      expect(
        none.map((s) => ({ ...s.metric })),
        name,
      ).toEqual([{}]);
      const found = await matrix(`sum by (${name}) (count_over_time({service_name="json"} | json [1h]))`);
      expect(found.length, name).toBe(1);
      const metric = found[0]!.metric;
      expect(Object.hasOwn(metric, name), name).toBe(true);
    }
  });

  it('absent_over_time keeps a __proto__ matcher as a label of its series', async () => {
    const [s] = await matrix('absent_over_time({service_name="nothing", __proto__="x"}[1h])');
    const metric = s!.metric;
    expect(Object.hasOwn(metric, '__proto__')).toBe(true);
    expect(metric['__proto__']).toBe('x');
  });

  it('line_format renders a missing label as "" even when Object.prototype has a member of that name', async () => {
    const [withLabels] = await streams('{service_name="json"} | json | line_format "[{{.constructor}}|{{.toString}}|{{.__proto__}}|{{.valueOf}}|{{.nope}}]"');
    expect(withLabels!.values[0]![1]).toBe('[y|z|x||]');
    const [without] = await streams('{service_name="odd"} | line_format "[{{.constructor}}|{{.toString}}|{{.__proto__}}]"');
    expect(without!.values[0]![1]).toBe('[||]');
  });

  it('refuses a template function named constructor, as Loki does', async () => {
    await expect(streams('{service_name="json"} | line_format "{{ .service_name | constructor }}"')).rejects.toBeInstanceOf(QueryError);
  });

  it('a bytes label filter on a value whose unit is constructor is a LabelFilterErr, not a number', async () => {
    const [e] = await streams('{service_name="logfmt"} | label_format size="5constructor" | size > 1KB');
    expect(e!.stream.__error__).toBe('LabelFilterErr');
  });

  it('a severity named constructor gives no severity_number', async () => {
    const [s] = await streams('{service_name="odd"}');
    expect(s!.stream.severity_text).toBe('constructor');
    expect(Object.hasOwn(s!.stream, 'severity_number')).toBe(false);
  });

  it("keeps an Intent line's __proto__ field in the line", async () => {
    const [s] = await streams('{service_name="factline"} | factline_catalog="intent"');
    expect(JSON.parse(s!.values[0]![1]) as unknown).toEqual(JSON.parse('{"__proto__":{"k":"x"},"constructor":"y"}'));
    const [j] = await streams('{service_name="factline"} | factline_catalog="intent" | json');
    expect(j!.stream['__proto___k']).toBe('x');
  });
});
