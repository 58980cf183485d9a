import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { combineCatalogs, defineCatalog } from '../../src/catalog/define.js';
import type { EventTypeInfo } from '../../src/catalog/types.js';
import { createEmitter } from '../../src/emitter/emitter.js';
import type { FactlineEvent } from '../../src/envelope/event.js';
import { INTENT_FIELD_ORDER, intentCatalog } from '../../src/intent/catalog.js';
import {
  createIntentFileSink,
  importIntentEvents,
  intentTimestamp,
  parseIntentLine,
  readIntentFile,
  toIntentFlat,
  type IntentLineResult,
} from '../../src/intent/flat.js';
import type { Sink } from '../../src/sinks/sink.js';

const FIXTURE = new URL('../fixtures/intent/seed-examples.jsonl', import.meta.url);
const seedLines = readFileSync(FIXTURE, 'utf8')
  .split('\n')
  .filter((l) => l !== '');

/** A sink that keeps what it is given. */
function recordingSink(): Sink & { got: [FactlineEvent, EventTypeInfo][] } {
  const got: [FactlineEvent, EventTypeInfo][] = [];
  return { name: 'recording', got, write: (e, t) => void got.push([e, t]) };
}

function recordingEmitter() {
  const sink = recordingSink();
  return { sink, events: createEmitter(intentCatalog, { sinks: [sink], validation: 'strict' }) };
}

/** Seed line → parse → emit (with the parsed time) → toIntentFlat → JSON. */
function roundTrip(line: string): string {
  const r = parseIntentLine(line);
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  const { sink, events } = recordingEmitter();
  events.emit(r.eventId, r.payload as never, { time: new Date(r.time) });
  const [event, type] = sink.got[0]!;
  return JSON.stringify(toIntentFlat(event, type));
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'factline-intent-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const ok = (r: IntentLineResult) => {
  if (!r.ok) throw new Error(`expected a valid line: ${JSON.stringify(r.issues)}`);
  return r;
};
const issuesOf = (r: IntentLineResult) => {
  if (r.ok) throw new Error('expected an invalid line');
  return r.issues;
};

describe('the seed examples fixture', () => {
  it("holds all 15 JSON examples of Intent's reference, one type each", () => {
    const types = seedLines.map((l) => (JSON.parse(l) as { event_type: string }).event_type);
    expect(types).toHaveLength(15);
    expect(new Set(types)).toEqual(new Set(intentCatalog.list().map((t) => t.wireName)));
  });

  it('parses every example as a valid Intent event', () => {
    for (const line of seedLines) expect(parseIntentLine(line).ok, line).toBe(true);
  });
});

describe('the flat round trip: Intent line → factline event → Intent line', () => {
  // `"completeness_score": 1.0` (spec.approved) is written `1` by
  // JSON.stringify, like any JavaScript number: the text cannot survive
  // byte for byte, so each line is compared in its JSON.stringify(JSON.parse())
  // form. Every other example does come back byte for byte (next test).
  it.each(seedLines.map((l) => [(JSON.parse(l) as { event_type: string }).event_type, l]))('gives back the %s example, key order included', (_type, line) => {
    expect(roundTrip(line)).toBe(JSON.stringify(JSON.parse(line)));
  });

  it('gives back the example text exactly, except the 1.0 that JSON.stringify writes 1', () => {
    const differing = seedLines.filter((l) => roundTrip(l) !== l);
    expect(differing).toHaveLength(1);
    expect(roundTrip(differing[0]!)).toBe(differing[0]!.replace('"completeness_score":1.0', '"completeness_score":1'));
  });
});

describe('toIntentFlat', () => {
  const created = intentCatalog.get('signal.signal.created:1')!;
  const event = (payload: unknown, time = '2026-03-30T14:23:45.000Z'): FactlineEvent => ({
    schema_version: 1,
    id: '019de9a0-0000-7000-8000-000000000001',
    event_id: 'signal.signal.created:1',
    time,
    observed_time: time,
    service_name: 'test-service',
    catalog: 'intent',
    source: { type: 'runtime' },
    severity: 'INFO',
    payload,
  });

  it.each(intentCatalog.list().map((t) => [t.wireName, t] as const))('writes %s fields in INTENT_FIELD_ORDER', (wire, type) => {
    const line = seedLines.find((l) => (JSON.parse(l) as { event_type: string }).event_type === wire)!;
    const { event_type: _e, timestamp: _t, ...payload } = JSON.parse(line) as Record<string, unknown>;
    // Payload keys reversed: the output order must come from the catalog, not from the caller.
    const shuffled = Object.fromEntries(Object.entries(payload).reverse());
    const keys = Object.keys(toIntentFlat(event(shuffled), type));
    expect(keys).toEqual(INTENT_FIELD_ORDER[wire]!.filter((k) => k === 'event_type' || k === 'timestamp' || k in payload));
  });

  it('puts timestamp right after event_type for system.health, as the seed example does', () => {
    const flat = toIntentFlat(
      event({ servers_active: 3, event_count: 1, uptime_seconds: 1, memory_usage_percent: 1 }),
      intentCatalog.get('system.health.reported:1')!,
    );
    expect(Object.keys(flat).slice(0, 2)).toEqual(['event_type', 'timestamp']);
  });

  it('leaves absent optional fields absent (system.error without stack)', () => {
    const flat = toIntentFlat(event({ error_type: 'X', error_code: 'E1', message: 'm', context: {} }), intentCatalog.get('system.error.raised:1')!);
    expect(Object.keys(flat)).toEqual(['event_type', 'error_type', 'error_code', 'message', 'context', 'timestamp']);
  });

  it('writes the envelope time without .000, and keeps other milliseconds', () => {
    expect(toIntentFlat(event({}), created).timestamp).toBe('2026-03-30T14:23:45Z');
    expect(toIntentFlat(event({}, '2026-03-30T14:23:45.120Z'), created).timestamp).toBe('2026-03-30T14:23:45.120Z');
    expect(intentTimestamp('2026-03-30T14:23:45.001Z')).toBe('2026-03-30T14:23:45.001Z');
  });

  it('keeps keys the catalog does not know (an event delivered flagged invalid), after the known ones', () => {
    const flat = toIntentFlat(event({ extra: 1, signal_id: 'SIG-1' }), created);
    expect(Object.keys(flat)).toEqual(['event_type', 'signal_id', 'timestamp', 'extra']);
  });

  it('never lets a payload override event_type or timestamp, nor set a prototype', () => {
    const payload = JSON.parse('{"event_type":"x","timestamp":"y","__proto__":{"polluted":true}}') as unknown;
    const flat = toIntentFlat(event(payload), created);
    expect(flat.event_type).toBe('signal.created');
    expect(flat.timestamp).toBe('2026-03-30T14:23:45Z');
    expect(Object.getPrototypeOf(flat)).toBe(Object.prototype);
    expect(JSON.stringify(flat)).toContain('"__proto__":{"polluted":true}');
  });

  it('writes a type outside the Intent catalog with its payload order, between event_type and timestamp', () => {
    const other = defineCatalog({ 'app.order.placed:1': z.object({ b: z.number(), a: z.number() }) }, { name: 'app' }).get('app.order.placed:1')!;
    expect(Object.keys(toIntentFlat(event({ b: 1, a: 2 }), other))).toEqual(['event_type', 'b', 'a', 'timestamp']);
  });

  it.each(['constructor', 'toString', '__proto__'])(
    'writes a type whose wireName is %s with its payload order, not the field order of an Object.prototype member',
    (wireName) => {
      const other = defineCatalog({ 'app.order.placed:1': { schema: z.object({ b: z.number(), a: z.number() }), wireName } }, { name: 'app' }).get(
        'app.order.placed:1',
      )!;
      const flat = toIntentFlat(event({ b: 1, a: 2 }), other);
      expect(Object.keys(flat)).toEqual(['event_type', 'b', 'a', 'timestamp']);
      expect(flat.event_type).toBe(wireName);
    },
  );
});

describe('parseIntentLine', () => {
  const valid = seedLines[0]!;

  it('returns the EventID, type, payload without event_type and timestamp, and the time as written', () => {
    const r = ok(parseIntentLine(valid, 4));
    expect(r.line).toBe(4);
    expect(r.eventId).toBe('signal.signal.created:1');
    expect(r.type).toBe(intentCatalog.get('signal.signal.created:1'));
    expect(r.payload).toEqual({ signal_id: 'SIG-042', source: 'cli', content: 'API latency p99 > 2s in production', confidence: 0.75 });
    expect(r.time).toBe('2026-03-30T14:23:45Z');
  });

  it('reports a line that is not JSON with the parser message, at (line)', () => {
    const [issue, ...rest] = issuesOf(parseIntentLine('{"event_type": "signal.created",', 5));
    expect(rest).toEqual([]);
    expect(issue).toMatchObject({ line: 5, field: '(line)', code: 'not_json' });
    expect(issue!.message).toMatch(/^not JSON: /);
    let parserMessage = '';
    try {
      JSON.parse('{"event_type": "signal.created",');
    } catch (e) {
      parserMessage = (e as Error).message;
    }
    expect(issue!.message).toBe(`not JSON: ${parserMessage}`);
  });

  it('reports JSON that is not an object', () => {
    for (const text of ['[1,2]', '42', 'null', '"signal.created"']) {
      expect(issuesOf(parseIntentLine(text))).toMatchObject([{ line: 1, field: '(line)', code: 'not_an_object' }]);
    }
  });

  it('reports an unknown event_type and lists the known ones, in the seed order', () => {
    const issues = issuesOf(parseIntentLine('{"event_type":"signal.exploded","timestamp":"2026-03-30T14:23:45Z"}', 7));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ line: 7, field: 'event_type', code: 'unknown_event_type' });
    expect(issues[0]!.message).toMatch(/^unknown event type "signal\.exploded"; known: signal\.created, signal\.enriched, .*, system\.error$/);
  });

  it('reports a missing or non-string event_type the same way', () => {
    expect(issuesOf(parseIntentLine('{"timestamp":"2026-03-30T14:23:45Z"}'))[0]).toMatchObject({
      field: 'event_type',
      code: 'unknown_event_type',
      message: expect.stringMatching(/^missing event_type; known: signal\.created/),
    });
    expect(issuesOf(parseIntentLine('{"event_type":3,"timestamp":"2026-03-30T14:23:45Z"}'))[0]).toMatchObject({
      field: 'event_type',
      code: 'unknown_event_type',
      message: expect.stringMatching(/^event_type must be a string, found number 3; known:/),
    });
  });

  it('reports a missing timestamp, and one that is not ISO 8601 with Z or an offset', () => {
    const line = (ts: unknown) => {
      const r = JSON.parse(valid) as Record<string, unknown>;
      if (ts === undefined) delete r.timestamp;
      else r.timestamp = ts;
      return JSON.stringify(r);
    };
    expect(issuesOf(parseIntentLine(line(undefined)))).toMatchObject([
      { field: 'timestamp', code: 'invalid_timestamp', message: 'missing; expected an ISO 8601 date-time like 2026-03-30T14:23:45Z' },
    ]);
    for (const bad of ['2026-03-30 14:23:45Z', '2026-03-30T14:23:45', '30/03/2026', 1774880625000, '2026-02-30T14:23:45Z']) {
      expect(issuesOf(parseIntentLine(line(bad))), String(bad)).toMatchObject([{ field: 'timestamp', code: 'invalid_timestamp' }]);
    }
    expect(ok(parseIntentLine(line('2026-03-30T16:23:45+02:00'))).time).toBe('2026-03-30T16:23:45+02:00');
  });

  it('reports one issue per payload problem, with the field path and zod reason', () => {
    const issues = issuesOf(
      parseIntentLine(
        '{"event_type":"signal.enriched","signal_id":"SIG42","trust_score":1.5,"tags":["a",""],"references":["SIG-1"],"timestamp":"2026-03-30T14:24:12Z"}',
        3,
      ),
    );
    expect(issues).toEqual([
      { line: 3, field: 'signal_id', code: 'schema', schemaCode: 'invalid_format', message: 'expected a signal id like SIG-042' },
      { line: 3, field: 'trust_score', code: 'schema', schemaCode: 'too_big', message: 'Too big: expected number to be <=1' },
      { line: 3, field: 'tags[1]', code: 'schema', schemaCode: 'too_small', message: 'Too small: expected string to have >=1 characters' },
    ]);
  });

  it('says plainly that a required field is missing', () => {
    const issues = issuesOf(parseIntentLine('{"event_type":"intent.accepted","intent_id":"INT-015","confidence":0.9,"timestamp":"2026-03-30T14:30:00Z"}'));
    expect(issues).toEqual([
      {
        line: 1,
        field: 'accepted_by',
        code: 'schema',
        schemaCode: 'invalid_type',
        message: 'missing required field; Invalid input: expected string, received undefined',
      },
    ]);
  });

  it('reports an unknown extra key at (line): the schemas are strict', () => {
    const issues = issuesOf(
      parseIntentLine(
        '{"event_type":"intent.accepted","intent_id":"INT-015","accepted_by":"auto","confidence":0.9,"priority":"high","timestamp":"2026-03-30T14:30:00Z"}',
      ),
    );
    expect(issues).toEqual([{ line: 1, field: '(line)', code: 'schema', schemaCode: 'unrecognized_keys', message: 'Unrecognized key: "priority"' }]);
  });

  it('reports a prototype-polluting key rather than following it', () => {
    const issues = issuesOf(
      parseIntentLine(
        '{"event_type":"system.error","error_type":"X","error_code":"E","message":"m","context":{"__proto__":{"admin":true}},"timestamp":"2026-03-30T14:30:00Z"}',
      ),
    );
    expect(issues).toMatchObject([{ field: 'context.__proto__', code: 'forbidden_key' }]);
  });

  it('reports every problem of a line at once: event_type, timestamp', () => {
    expect(issuesOf(parseIntentLine('{"event_type":"nope","timestamp":"soon"}')).map((i) => i.field)).toEqual(['event_type', 'timestamp']);
  });

  it('never throws, whatever the input', () => {
    for (const text of [
      '',
      ' ',
      '\u0000',
      '{',
      '{"event_type":{}}',
      '{"event_type":"system.health","timestamp":"2026-03-30T14:30:00Z","servers_active":1e999}',
      'x'.repeat(10_000),
    ]) {
      expect(() => parseIntentLine(text)).not.toThrow();
      expect(parseIntentLine(text).ok).toBe(false);
    }
  });
});

describe('readIntentFile', () => {
  it('yields one result per non-blank line, with physical line numbers', async () => {
    const path = join(dir, 'events.jsonl');
    writeFileSync(path, `\uFEFF${seedLines[0]}\n\n   \n${seedLines[1]}\r\nnot json\n${seedLines[2]}`);
    const got: [number, boolean][] = [];
    for await (const r of readIntentFile(path)) got.push([r.line, r.ok]);
    expect(got).toEqual([
      [1, true],
      [4, true],
      [5, false],
      [6, true],
    ]);
  });

  it('rejects when the file cannot be read', async () => {
    const iterate = async () => {
      for await (const _ of readIntentFile(join(dir, 'missing.jsonl'))) void _;
    };
    await expect(iterate()).rejects.toThrow(/ENOENT/);
  });
});

describe('importIntentEvents', () => {
  it('emits each valid line with its timestamp as time, and returns the invalid ones with line numbers', async () => {
    const path = join(dir, 'events.jsonl');
    const lines = [
      seedLines[0]!,
      '{"event_type":"signal.created","signal_id":"SIG-1","source":"cli","content":"x","confidence":7,"timestamp":"2026-03-30T14:23:45Z"}',
      '',
      seedLines[5]!,
      '{oops',
      '{"event_type":"signal.exploded","timestamp":"2026-03-30T14:23:45Z"}',
      seedLines[13]!,
    ];
    writeFileSync(path, lines.join('\n') + '\n');
    const { sink, events } = recordingEmitter();
    const r = await importIntentEvents(path, events);
    expect(r).toMatchObject({ imported: 3, invalid: 3, notEmitted: 0 });
    expect(r.issues.map((i) => [i.line, i.field, i.code])).toEqual([
      [2, 'confidence', 'schema'],
      [5, '(line)', 'not_json'],
      [6, 'event_type', 'unknown_event_type'],
    ]);
    expect(sink.got.map(([e]) => [e.event_id, e.time])).toEqual([
      ['signal.signal.created:1', '2026-03-30T14:23:45.000Z'],
      ['intent.intent.proposed:1', '2026-03-30T14:26:30.000Z'],
      ['system.health.reported:1', '2026-03-30T15:05:00.000Z'],
    ]);
    expect(sink.got[1]![0].trace_key).toBe('TRACE-015');
  });

  it('converts a timestamp with an offset to the UTC instant', async () => {
    const path = join(dir, 'events.jsonl');
    writeFileSync(path, seedLines[0]!.replace('2026-03-30T14:23:45Z', '2026-03-30T16:23:45+02:00'));
    const { sink, events } = recordingEmitter();
    await importIntentEvents(path, events);
    expect(sink.got[0]![0].time).toBe('2026-03-30T14:23:45.000Z');
  });

  it('counts valid lines that no sink wanted as not emitted, and lines the emitter itself rejects as invalid', async () => {
    const path = join(dir, 'events.jsonl');
    writeFileSync(path, seedLines.join('\n'));
    const filtered = createEmitter(intentCatalog, { sinks: [recordingSink()], validation: 'strict', filter: { include: ['signal.%'] } });
    expect(await importIntentEvents(path, filtered)).toMatchObject({ imported: 5, notEmitted: 10, invalid: 0 });
    const tiny = createEmitter(intentCatalog, { sinks: [recordingSink()], validation: 'strict', maxPayloadBytes: 100 });
    const r = await importIntentEvents(path, tiny);
    expect(r.imported + r.invalid).toBe(15);
    expect(r.invalid).toBeGreaterThan(0);
    expect(r.issues.every((i) => i.code === 'payload_too_large' && i.field === '(line)')).toBe(true);
  });

  it('imports into an emitter of a catalog combined with the Intent catalog', async () => {
    const path = join(dir, 'events.jsonl');
    writeFileSync(path, seedLines.join('\n'));
    const app = defineCatalog({ 'app.order.placed:1': z.object({ a: z.string() }) }, { name: 'app' });
    const sink = recordingSink();
    const events = createEmitter(combineCatalogs('all', app, intentCatalog), { sinks: [sink], validation: 'strict' });
    expect(await importIntentEvents(path, events)).toMatchObject({ imported: 15, invalid: 0 });
  });
});

describe('createIntentFileSink', () => {
  it('writes Intent flat lines, without chain fields, for Intent events only', async () => {
    const path = join(dir, 'intent', 'events.jsonl');
    const app = defineCatalog({ 'app.order.placed:1': z.object({ a: z.string() }) }, { name: 'app' });
    const sink = createIntentFileSink({ path, fsync: 'never' });
    const events = createEmitter(combineCatalogs('all', app, intentCatalog), { sinks: [sink], validation: 'strict' });
    for (const line of seedLines) {
      const r = ok(parseIntentLine(line));
      events.emit(r.eventId, r.payload as never, { time: new Date(r.time) });
    }
    events.emit('app.order.placed:1', { a: 'not for Intent' });
    await events.shutdown();
    const written = readFileSync(path, 'utf8').split('\n').slice(0, -1);
    expect(written).toEqual(seedLines.map((l) => JSON.stringify(JSON.parse(l))));
    expect(sink.stats()).toMatchObject({ written: 15, seq: 0 });
    expect(sink.name).toBe('intent-jsonl');
  });

  it('accepts only types of the Intent catalog', () => {
    const sink = createIntentFileSink({ path: join(dir, 'e.jsonl') });
    expect(sink.accepts!(intentCatalog.get('system.error.raised:1')!)).toBe(true);
    expect(sink.accepts!({ ...intentCatalog.get('system.error.raised:1')!, catalog: 'app' })).toBe(false);
  });

  it('defaults to events.jsonl in the working directory, not FACTLINE_EVENTS_FILE', async () => {
    const before = process.env.FACTLINE_EVENTS_FILE;
    process.env.FACTLINE_EVENTS_FILE = join(dir, 'factline.jsonl');
    try {
      // One writer per file: each sink releases the file's lock before the next takes it.
      const first = createIntentFileSink();
      expect(first.stats().path).toBe('events.jsonl');
      await first.shutdown();
      const second = createIntentFileSink({ path: undefined });
      expect(second.stats().path).toBe('events.jsonl');
      await second.shutdown();
    } finally {
      if (before === undefined) delete process.env.FACTLINE_EVENTS_FILE;
      else process.env.FACTLINE_EVENTS_FILE = before;
    }
  });
});
