import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FactlineEvent } from '../../src/envelope/event.js';
import { envelopeJson, envelopeRecord } from '../../src/sinks/jsonl/record.js';
import { makeEvent } from './fixtures.js';
import { PROPERTY_TEST_TIMEOUT_MS } from '../support/timeouts.js';

/** What the line's object is by definition: JSON.stringify of the envelope record. */
const reference = (e: FactlineEvent): string => JSON.stringify(envelopeRecord(e));

const optionalValue = fc.oneof(fc.constant(undefined), fc.string(), fc.integer(), fc.constant(null));

describe('envelopeJson', () => {
  it(
    'prints JSON.stringify(envelopeRecord(event)) byte for byte, for any payload and optional fields',
    () => {
      fc.assert(
        fc.property(
          fc.jsonValue(),
          fc.record({ trace_id: optionalValue, span_id: optionalValue, trace_key: optionalValue, causation_id: optionalValue, session_id: optionalValue }),
          fc.string(),
          fc.string(),
          fc.oneof(fc.constant(undefined), fc.jsonValue()),
          (payload, optional, service, time, invalid) => {
            const e = makeEvent(payload, { service_name: service, time, observed_time: time }) as unknown as Record<string, unknown>;
            for (const [k, v] of Object.entries(optional)) if (v !== undefined) e[k] = v;
            if (invalid !== undefined) e.invalid = invalid;
            const ev = e as unknown as FactlineEvent;
            expect(envelopeJson(ev)).toBe(reference(ev));
            // Twice: the remembered quoted strings give the same text.
            expect(envelopeJson(ev)).toBe(reference(ev));
          },
        ),
        { numRuns: 400 },
      );
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );

  it('matches on the shapes that take the general path: toJSON on the payload or source, odd field types, lone surrogates, undefined payload', () => {
    const events: FactlineEvent[] = [
      makeEvent({ toJSON: (key: string) => ({ key }) }),
      makeEvent({ a: 1 }, { source: { toJSON: (key: string) => key } as never }),
      makeEvent({ nested: { toJSON: (key: string) => `at ${key}` } }),
      makeEvent(undefined),
      makeEvent(() => 1),
      makeEvent({ s: '\ud800 lone \u2028 sep "q" \\ b' }, { service_name: 'svc \udfff', event_id: 'a"b' }),
      makeEvent({ when: new Date(0), n: new Number(3) }),
      makeEvent({ a: 1 }, { schema_version: -0, id: 7 as never, time: undefined as never }),
      makeEvent({ a: 1 }, { schema_version: Infinity }),
      makeEvent({ a: 1 }, { invalid: (() => 1) as never }),
    ];
    for (const e of events) expect(envelopeJson(e)).toBe(reference(e));
  });

  it('throws a TypeError for a BigInt or a cycle, as JSON.stringify does', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => envelopeJson(makeEvent({ n: 1n }))).toThrow(TypeError);
    expect(() => envelopeJson(makeEvent(cyclic))).toThrow(TypeError);
  });

  it('reads each field of the event once', () => {
    const reads = new Map<string, number>();
    const e = makeEvent({ a: 1 }, { trace_id: '0af7651916cd43dd8448eb211c80319c' });
    const counted = new Proxy(e, {
      get(target, key, receiver) {
        if (typeof key === 'string') reads.set(key, (reads.get(key) ?? 0) + 1);
        return Reflect.get(target, key, receiver) as unknown;
      },
    });
    expect(envelopeJson(counted)).toBe(reference(e));
    for (const [k, n] of reads) expect(n, k).toBe(1);
  });
});
