import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineCatalog } from '../../src/catalog/define.js';
import { createEmitter } from '../../src/emitter/emitter.js';
import type { FactlineEvent } from '../../src/envelope/event.js';
import type { RuntimeProblem } from '../../src/problems.js';

const catalog = defineCatalog({ 'misc.blob.stored:1': z.object({ data: z.array(z.unknown()) }) });

function setup() {
  const delivered: FactlineEvent[] = [];
  const problems: RuntimeProblem[] = [];
  const ev = createEmitter(catalog, {
    sinks: [{ name: 'mem', write: (e) => void delivered.push(e) }],
    validation: 'report',
    onProblem: (p) => void problems.push(p),
  });
  return { ev, delivered, problems };
}

describe('the work one emit spends on a payload', () => {
  it('stays bounded for a sparse array of 1e9 holes: the event is delivered as the oversize stub, marked partial', () => {
    const { ev, delivered, problems } = setup();
    expect(() => ev.emit('misc.blob.stored:1', { data: new Array(1e9) })).not.toThrow();
    expect(delivered).toHaveLength(1);
    const stub = delivered[0]!.payload as Record<string, unknown>;
    expect(stub).toMatchObject({ $factline_truncated: true, partial: true });
    expect(stub.bytes).toBeGreaterThan(65536);
    expect(delivered[0]!.invalid?.issues[0]).toMatchObject({ code: 'payload_too_large' });
    expect(delivered[0]!.invalid?.issues[0]?.message).toMatch(/^payload is more than \d+ bytes of JSON \(reading stopped there\); the limit is 65536/);
    expect(problems.map((p) => p.code)).toEqual(['FACTLINE_VALIDATION_FAILED']);
  });

  it('stays bounded for a proxy that claims a length of 1e9', () => {
    const { ev, delivered } = setup();
    const liar = new Proxy([], { get: (t, k) => (k === 'length' ? 1e9 : Reflect.get(t, k)) });
    ev.emit('misc.blob.stored:1', { data: liar });
    expect(delivered[0]!.payload).toMatchObject({ $factline_truncated: true, partial: true });
  });

  it('still measures a payload just past the limit exactly (not partial)', () => {
    const { ev, delivered } = setup();
    ev.emit('misc.blob.stored:1', { data: ['x'.repeat(70_000)] });
    const stub = delivered[0]!.payload as Record<string, unknown>;
    expect(stub).toMatchObject({ $factline_truncated: true, bytes: 70_000 + '{"data":[""]}'.length });
    expect(stub.partial).toBeUndefined();
  });
});
