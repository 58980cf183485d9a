import { context, trace } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CatalogError, defineCatalog } from '../../src/catalog/index.js';
import { verifyChain } from '../../src/chain/verify.js';
import { createEmitter } from '../../src/emitter/index.js';
import { formatEventLine } from '../../src/sinks/console/index.js';
import { everySink, otlpJsonProblems } from '../support/every-sink.js';

/*
 * Every input here once broke an event: it threw into the caller, misdated a
 * record, made the Collector reject a whole batch, or made the sinks
 * disagree. Each test asserts the value that must arrive now.
 */

const catalog = defineCatalog(
  {
    'app.job.ran:1': z.looseObject({ n: z.number() }),
    'ledger.entry.posted:1': z.object({ amount_wei: z.number() }),
    'app.list.sent:1': z.object({ items: z.array(z.string()) }),
    'app.note.taken:1': z.object({ reason: z.string() }),
    'app.any.seen:1': z.record(z.string(), z.unknown()),
  },
  { name: 'app' },
);

type Harness = ReturnType<typeof everySink<typeof catalog.entries>>;
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});
const open = (options: Parameters<typeof everySink>[1] = {}): Harness => (h = everySink(catalog, options));

/** Seconds of an exported record's HrTime as an ISO date. */
const isoOf = (hr: [number, number]) => new Date(hr[0] * 1000 + hr[1] / 1e6).toISOString();

describe('times', () => {
  it('exports a 1990 time as 1990, not as 2047: the SDK gets an HrTime, never a bare number', async () => {
    const t = open();
    t.emitter.emit('app.job.ran:1', { n: 1 }, { time: new Date('1990-06-15T12:00:00Z') });
    const [rec] = t.logRecords();
    expect(isoOf(rec!.hrTime)).toBe('1990-06-15T12:00:00.000Z');
    expect(t.recorded[0]!.time).toBe('1990-06-15T12:00:00.000Z');
    expect(JSON.parse(t.otlpLogsJson()).resourceLogs[0].scopeLogs[0].logRecords[0].timeUnixNano).toBe('645451200000000000');
  });

  it.each([
    ['microseconds by mistake (past uint64 nanoseconds)', (): Date | number => Date.now() * 1000, 'invalid_time'],
    ['two days ahead', (): Date | number => Date.now() + 2 * 86_400_000, 'implausible_time'],
    ['an invalid Date', (): Date | number => new Date(''), 'invalid_time'],
    ['Date.parse of a day-first date (NaN)', (): Date | number => Date.parse('31/12/2026'), 'invalid_time'],
    ['1.8e18, past uint64 nanoseconds', (): Date | number => 1.8e18, 'invalid_time'],
    ['before 1970', (): Date | number => new Date('1969-12-31T23:59:59Z'), 'invalid_time'],
  ] as const)('delivers an event given %s with its observed time, flagged %s, keeping the given value', async (_, given, code) => {
    const t = open();
    const value = given();
    expect(() => t.emitter.emit('app.job.ran:1', { n: 1 }, { time: value })).not.toThrow();
    const e = t.recorded[0]!;
    expect(e.time).toBe(e.observed_time);
    expect(e.invalid!.issues).toEqual([
      expect.objectContaining({ code, input: Number.isFinite(+value) ? +value : value instanceof Date ? 'Invalid Date' : expect.any(String) }),
    ]);
    expect(t.problems.map((p) => p.code)).toEqual(['FACTLINE_VALIDATION_FAILED']);
    expect(t.logRecords()[0]!.attributes['factline.valid']).toBe(false);
    expect(otlpJsonProblems(t.otlpLogsJson())).toEqual([]);
    expect(await verifyChain(t.file)).toMatchObject({ ok: true, records: 1 });
  });

  it('throws for a bad time in strict mode, as for any other issue', () => {
    const ev = createEmitter(catalog, { validation: 'strict' });
    expect(() => ev.emit('app.job.ran:1', { n: 1 }, { time: new Date('') })).toThrow(/invalid_time/);
  });
});

describe('numbers', () => {
  it('sends an integer of 2^63 or more as its decimal string, in the body and on the span event; the file keeps the number', async () => {
    const t = open();
    await t.tracer.startActiveSpan('op', async (span) => {
      t.emitter.emit('ledger.entry.posted:1', { amount_wei: 1e19 });
      t.emitter.emit('app.any.seen:1', { deep: { list: [1, -1e20, 2] }, small: 9007199254740991 });
      span.end();
    });
    const [a, b] = t.logRecords();
    expect(a!.body).toEqual({ amount_wei: '10000000000000000000' });
    expect(b!.body).toEqual({ deep: { list: [1, '-100000000000000000000', 2] }, small: 9007199254740991 });
    expect(t.recorded[0]!.payload).toEqual({ amount_wei: 1e19 });
    expect(t.recorded[0]!.invalid).toBeUndefined();
    const [first] = (await t.fileLines()).map((l) => JSON.parse(l));
    expect(first.payload.amount_wei).toBe(1e19);
    const events = t.pipeline.spans.getFinishedSpans()[0]!.events;
    expect(events[0]!.attributes!['amount_wei']).toBe('10000000000000000000');
    expect(events[1]!.attributes!['deep.list']).toBe('[1,"-100000000000000000000",2]');
    expect(otlpJsonProblems(t.otlpLogsJson())).toEqual([]);
    expect(otlpJsonProblems(t.otlpTracesJson())).toEqual([]);
  });
});

describe('limits', () => {
  it('keeps every envelope attribute on a span event of 130 payload fields, dropping payload fields and counting them', async () => {
    const t = open();
    const payload = Object.fromEntries(Array.from({ length: 130 }, (_, i) => [`f${i}`, i]));
    await t.tracer.startActiveSpan('op', async (span) => {
      t.emitter.emit('app.any.seen:1', payload);
      span.end();
    });
    const [ev] = t.pipeline.spans.getFinishedSpans()[0]!.events;
    const attrs = ev!.attributes!;
    expect(Object.keys(attrs)).toHaveLength(128);
    expect(ev!.droppedAttributesCount).toBe(0);
    expect(attrs['factline.event.id']).toBe('app.any.seen:1');
    expect(attrs['factline.event.instance_id']).toBe(t.recorded[0]!.id);
    const kept = Object.keys(attrs).filter((k) => /^f\d+$/.test(k)).length;
    expect(attrs['factline.span_event.dropped_payload_fields']).toBe(130 - kept);
    expect(kept).toBeGreaterThan(100);
  });

  it('carries the first 10 of 5,000 issues and their total, so the record stays small', async () => {
    const t = open();
    t.emitter.emit('app.list.sent:1', { items: Array.from({ length: 5000 }, (_, i) => i) } as never);
    const e = t.recorded[0]!;
    expect(e.invalid!.issues).toHaveLength(10);
    expect(e.invalid!.issues_total).toBe(5000);
    const attrs = t.logRecords()[0]!.attributes;
    expect(attrs['factline.validation.issues_total']).toBe(5000);
    expect((attrs['factline.validation.issues'] as string).length).toBeLessThan(4096);
    const [line] = await t.fileLines();
    expect(Buffer.byteLength(line!)).toBeLessThan(64 * 1024 + 16 * 1024);
  });

  it('bounds the line of a 50 KB payload of NaNs by the size limit, markers and issues included', async () => {
    const t = open();
    t.emitter.emit('app.any.seen:1', { xs: Array.from({ length: 10_000 }, () => NaN) });
    const e = t.recorded[0]!;
    expect(e.payload).toMatchObject({ $factline_truncated: true, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(e.invalid!.issues[0]!.code).toBe('payload_too_large');
    expect(e.invalid!.issues_total).toBe(10_001);
    const [line] = await t.fileLines();
    expect(Buffer.byteLength(line!)).toBeLessThan(16 * 1024);
    expect(await verifyChain(t.file)).toMatchObject({ ok: true });
  });
});

describe('hostile payloads in report mode', () => {
  it.each([
    [
      'a throwing getter',
      (): unknown => ({
        n: 1,
        get x(): number {
          throw new Error('boom');
        },
      }),
      { n: 1, x: '[factline: unreadable: boom]' },
    ],
    [
      'a proxy whose get trap throws',
      (): unknown =>
        new Proxy(
          { n: 1 },
          {
            get() {
              throw new Error('trap');
            },
          },
        ),
      { n: '[factline: unreadable: trap]' },
    ],
    [
      'a revoked proxy',
      (): unknown => ({
        n: 1,
        p: (() => {
          const r = Proxy.revocable({}, {});
          r.revoke();
          return r.proxy;
        })(),
      }),
      { n: 1, p: expect.stringMatching(/^\[factline: unreadable: .*revoked/) },
    ],
    [
      'a toJSON that throws',
      (): unknown => ({
        n: 1,
        m: new (class {
          toJSON(): never {
            throw new Error('x');
          }
        })(),
      }),
      { n: 1, m: '[factline: unreadable: x]' },
    ],
  ])('delivers %s flagged, with what could be read, to every sink, and reports it', async (_, make, expected) => {
    const t = open();
    expect(() => t.emitter.emit('app.job.ran:1', make() as never)).not.toThrow();
    expect(t.recorded[0]!.payload).toEqual(expected);
    expect(t.recorded[0]!.invalid!.issues[0]!.code).toBe('unreadable_value');
    expect(t.logRecords()[0]!.body).toEqual(expected);
    expect(JSON.parse((await t.fileLines())[0]!).payload).toEqual(expected);
    expect(t.consoleLines).toHaveLength(1);
    expect(t.problems.map((p) => p.code)).toEqual(['FACTLINE_VALIDATION_FAILED']);
  });

  it('reads a getter once, so the file verifies and every sink has the same value', async () => {
    const t = open();
    let k = 0;
    t.emitter.emit('app.job.ran:1', {
      get n() {
        return k++;
      },
    });
    expect(k).toBe(1);
    expect(await verifyChain(t.file)).toMatchObject({ ok: true, records: 1 });
    expect(JSON.parse((await t.fileLines())[0]!).payload).toEqual({ n: 0 });
    expect(t.logRecords()[0]!.body).toEqual({ n: 0 });
  });

  it('is not changed by the caller after emit: file and OTLP body both say ["apple"]', async () => {
    const t = open();
    const items = ['apple'];
    t.emitter.emit('app.list.sent:1', { items });
    items.push('pear');
    expect(JSON.parse((await t.fileLines())[0]!).payload).toEqual({ items: ['apple'] });
    expect(t.logRecords()[0]!.body).toEqual({ items: ['apple'] });
    expect(JSON.parse(t.otlpLogsJson()).resourceLogs[0].scopeLogs[0].logRecords[0].body.kvlistValue.values[0].value.arrayValue.values).toEqual([
      { stringValue: 'apple' },
    ]);
  });
});

describe('a payload that is not a JSON value at all', () => {
  it.each([
    ['undefined', (): unknown => undefined, '[factline: undefined]', 'unsupported_value', 'the payload is undefined, which JSON cannot carry'],
    [
      'a toJSON that returns undefined',
      (): unknown => ({ toJSON: () => undefined }),
      '[factline: undefined]',
      'unsupported_value',
      "the payload's toJSON returned undefined",
    ],
    ['a function', (): unknown => function named() {}, '[factline: function named]', 'function', 'a function cannot be written as JSON'],
    ['a symbol', (): unknown => Symbol('s'), '[factline: Symbol(s)]', 'symbol', 'a symbol cannot be written as JSON'],
    ['a BigInt', (): unknown => 10n, '[factline: BigInt 10n]', 'bigint', 'BigInt 10n cannot be written as JSON'],
  ])('names %s by what it is (not "received null"), marked alike in every sink', async (_, make, marker, code, named) => {
    const t = open();
    expect(() => t.emitter.emit('app.job.ran:1', make() as never)).not.toThrow();
    const issues = t.recorded[0]!.invalid!.issues;
    expect(issues).toEqual([{ code, path: [], message: expect.stringContaining(named) }]);
    expect(JSON.stringify(issues)).not.toContain('received null');
    expect(t.recorded[0]!.payload).toBe(marker);
    expect(t.logRecords()[0]!.body).toBe(marker);
    expect(JSON.parse((await t.fileLines())[0]!).payload).toBe(marker);
    expect(t.problems).toEqual([expect.objectContaining({ code: 'FACTLINE_VALIDATION_FAILED', message: expect.stringContaining(named) })]);
    expect(() => createEmitter(catalog, { validation: 'strict' }).emit('app.job.ran:1', make() as never)).toThrow(named);
  });
});

describe('strings', () => {
  it('writes a lone surrogate as U+FFFD in the file and the OTLP body alike, flagged', async () => {
    const t = open();
    t.emitter.emit('app.note.taken:1', { reason: 'a\uD800b' });
    expect(t.recorded[0]!.payload).toEqual({ reason: 'a\uFFFDb' });
    expect(t.recorded[0]!.invalid!.issues.map((i) => [i.code, i.path])).toEqual([['lone_surrogate', ['reason']]]);
    expect(JSON.parse((await t.fileLines())[0]!).payload.reason).toBe('a\uFFFDb');
    expect(t.logRecords()[0]!.body).toEqual({ reason: 'a\uFFFDb' });
  });

  it('throws for a lone surrogate in strict mode', () => {
    expect(() => createEmitter(catalog, { validation: 'strict' }).emit('app.note.taken:1', { reason: 'a\uD800b' })).toThrow(/lone_surrogate/);
  });

  it('escapes U+0085, U+2028, U+2029 and U+202E in the console line, so one event is one line', () => {
    const t = open();
    t.emitter.emit('app.note.taken:1', { reason: 'a\u0085b\u2028c\u2029d\u202Ee' });
    const [line] = t.consoleLines;
    expect(line).toContain('reason="a\\u0085b\\u2028c\\u2029d\\u202ee"');
    expect(line!.slice(0, -1)).not.toMatch(/[\u0085\u2028\u2029\u202E\n\r]/);
    expect(formatEventLine(t.recorded[0]!, { time: false })).toBe('app.note.taken:1 reason="a\\u0085b\\u2028c\\u2029d\\u202ee"');
  });
});

describe('span-event flattening', () => {
  it('keeps both values when a dotted key and a nested object flatten alike', async () => {
    const t = open();
    await t.tracer.startActiveSpan('op', async (span) => {
      t.emitter.emit('app.any.seen:1', { 'http.status': 200, http: { status: 503 } });
      span.end();
    });
    const attrs = t.pipeline.spans.getFinishedSpans()[0]!.events[0]!.attributes!;
    expect(attrs['http.status']).toBe(200);
    expect(attrs['http.status#2']).toBe(503);
  });

  it('keeps a payload field named like an envelope attribute under #2, never overwriting the envelope', async () => {
    const t = open();
    await t.tracer.startActiveSpan('op', async (span) => {
      t.emitter.emit('app.any.seen:1', { 'factline.event.id': 'forged' });
      span.end();
    });
    const attrs = t.pipeline.spans.getFinishedSpans()[0]!.events[0]!.attributes!;
    expect(attrs['factline.event.id']).toBe('app.any.seen:1');
    expect(attrs['factline.event.id#2']).toBe('forged');
  });

  it('keeps a payload field named __proto__ under __proto__#2, which an attribute map can hold as its own key', async () => {
    const t = open();
    await t.tracer.startActiveSpan('op', async (span) => {
      t.emitter.emit('app.any.seen:1', JSON.parse('{"__proto__": "x", "constructor": 1, "a": {"__proto__": 5}}'));
      span.end();
    });
    const attrs = t.pipeline.spans.getFinishedSpans()[0]!.events[0]!.attributes!;
    expect(Object.hasOwn(attrs, '__proto__#2')).toBe(true);
    expect(attrs['__proto__#2']).toBe('x');
    expect(attrs['constructor']).toBe(1);
    expect(attrs['a.__proto__']).toBe(5);
    expect(Object.getPrototypeOf(attrs)).toBe(Object.prototype);
  });

  it('keeps a payload key "" (which the SDK drops: no attribute key is empty) under #2, and the fields of an object under "" as .field', async () => {
    const t = open();
    const payloads = [
      JSON.parse('{"": "top", "b": 1}'),
      // An object under "" would flatten to its fields' own names and overwrite "b"; a literal "#2" key would overwrite the renamed "".
      JSON.parse('{"b": 1, "": {"b": 2, "": 3}, "c": {"": 4}}'),
      JSON.parse('{"#2": "literal", "": "empty"}'),
      JSON.parse('{"": "empty", "#2": "literal"}'),
    ];
    await t.tracer.startActiveSpan('op', async (span) => {
      for (const p of payloads) t.emitter.emit('app.any.seen:1', p);
      span.end();
    });
    const events = t.pipeline.spans.getFinishedSpans()[0]!.events;
    const payloadPart = (i: number) => Object.fromEntries(Object.entries(events[i]!.attributes!).filter(([k]) => !k.startsWith('factline.')));
    expect(payloadPart(0)).toEqual({ '#2': 'top', b: 1 });
    expect(payloadPart(1)).toEqual({ b: 1, '.b': 2, '.': 3, 'c.': 4 });
    expect(payloadPart(2)).toEqual({ '#2': 'literal', '#3': 'empty' });
    expect(payloadPart(3)).toEqual({ '#2': 'empty', '#2#2': 'literal' });
    // The span events as the OTLP exporter sends them carry the same keys; the body and the file keep "" as it was.
    expect(t.otlpTracesJson()).toContain('{"key":"#2","value":{"stringValue":"top"}}');
    expect(t.logRecords().map((r) => r.body)).toEqual(payloads);
    expect((await t.fileLines()).map((l) => JSON.parse(l).payload)).toEqual(payloads);
    expect(t.problems).toEqual([]);
  });

  it('builds span-event attributes only when a span is recording', () => {
    const t = open();
    context.with(trace.setSpan(context.active(), trace.wrapSpanContext({ traceId: '1'.repeat(32), spanId: '2'.repeat(16), traceFlags: 1 })), () => {
      t.emitter.emit('app.job.ran:1', { n: 1 });
    });
    expect(t.pipeline.spans.getFinishedSpans()).toEqual([]);
    expect(t.logRecords()).toHaveLength(1);
  });
});

describe('catalog types JSON cannot carry', () => {
  it('refuses z.bigint() at definition, naming the field and the fix', () => {
    expect(() => defineCatalog({ 'ledger.entry.posted:1': z.object({ amount: z.bigint() }) })).toThrow(CatalogError);
    expect(() => defineCatalog({ 'ledger.entry.posted:1': z.object({ amount: z.bigint() }) })).toThrow(
      /"ledger\.entry\.posted:1" at amount: z\.bigint\(\): .*use z\.int\(\)/,
    );
  });

  it.each([
    ['z.symbol()', z.symbol(), 'z.string()'],
    ['z.map()', z.map(z.string(), z.number()), 'z.record'],
    ['z.set()', z.set(z.string()), 'z.array'],
    ['z.date()', z.date(), 'z.iso.datetime()'],
    ['z.undefined()', z.undefined(), '.optional()'],
    ['z.void()', z.void(), '.optional()'],
    ['z.nan()', z.nan(), 'z.null()'],
    ['z.promise()', z.promise(z.string()), 'await it'],
    ['z.literal(1n)', z.literal(1n), 'a string, number'],
  ] as const)('refuses %s, deep inside wrappers too, with the fix in the message', (_, type, fix) => {
    const deep = z.object({ a: z.array(z.union([z.string(), z.object({ b: type.optional() })])) });
    expect(() => defineCatalog({ 'x.thing.happened:1': deep })).toThrow(fix);
  });

  it('accepts every zod type with a JSON form', () => {
    expect(() =>
      defineCatalog({
        'x.thing.happened:1': z.object({
          s: z.string(),
          n: z.number(),
          i: z.int(),
          b: z.boolean(),
          nul: z.null(),
          e: z.enum(['a']),
          l: z.literal('x'),
          at: z.iso.datetime(),
          arr: z.array(z.string()),
          t: z.tuple([z.string(), z.number()]),
          r: z.record(z.string(), z.number()),
          u: z.union([z.string(), z.number()]),
          o: z.string().optional(),
          d: z.number().default(1),
          p: z.string().transform((x) => x.length),
          any: z.any(),
          unk: z.unknown(),
          lazy: z.lazy(() => z.string()),
        }),
      }),
    ).not.toThrow();
  });
});

describe('unknown keys follow the schema', () => {
  const c = defineCatalog({
    'k.strip.seen:1': z.object({ a: z.number(), nested: z.object({ b: z.number() }).optional() }),
    'k.loose.seen:1': z.looseObject({ a: z.number() }),
    'k.strict.seen:1': z.strictObject({ a: z.number() }),
  });
  const recorded = () => {
    const events: { payload: unknown; invalid?: { issues: { code: string; path: unknown[] }[] } }[] = [];
    return { events, ev: createEmitter(c, { validation: 'report', onProblem: () => {}, sinks: [{ name: 'r', write: (e) => void events.push(e) }] }) };
  };

  it('z.object (strip): keeps the key and flags it unknown_key, at any depth', () => {
    const { events, ev } = recorded();
    ev.emit('k.strip.seen:1', { a: 1, extra: 1, nested: { b: 2, more: 3 } } as never);
    expect(events[0]!.payload).toEqual({ a: 1, extra: 1, nested: { b: 2, more: 3 } });
    expect(events[0]!.invalid!.issues.map((i) => [i.code, i.path])).toEqual([
      ['unknown_key', ['extra']],
      ['unknown_key', ['nested', 'more']],
    ]);
  });

  it('z.looseObject: passes the key unflagged', () => {
    const { events, ev } = recorded();
    ev.emit('k.loose.seen:1', { a: 1, extra: 1 });
    expect(events[0]).toMatchObject({ payload: { a: 1, extra: 1 } });
    expect(events[0]!.invalid).toBeUndefined();
  });

  it('z.strictObject: zod itself fails with unrecognized_keys', () => {
    const { events, ev } = recorded();
    ev.emit('k.strict.seen:1', { a: 1, extra: 1 } as never);
    expect(events[0]!.invalid!.issues).toEqual([expect.objectContaining({ code: 'schema', schemaCode: 'unrecognized_keys' })]);
  });

  it('strict mode throws for an unknown key of a z.object', () => {
    expect(() => createEmitter(c, { validation: 'strict' }).emit('k.strip.seen:1', { a: 1, extra: 1 } as never)).toThrow(/unknown_key/);
  });
});
