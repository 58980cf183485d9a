import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineCatalog } from '../../src/catalog/define.js';
import { createEmitter } from '../../src/emitter/emitter.js';
import type { FactlineEvent } from '../../src/envelope/event.js';
import type { RuntimeProblem } from '../../src/problems.js';

const catalog = defineCatalog({ 'app.job.ran:1': z.object({ n: z.int() }) });

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

describe("emit's id options", () => {
  it("carry a causedBy event's id and a session id as given", () => {
    const { ev, delivered } = setup();
    const first = ev.emit('app.job.ran:1', { n: 1 })!;
    ev.emit('app.job.ran:1', { n: 2 }, { causedBy: first, sessionId: 'S-1' });
    expect(delivered[1]).toMatchObject({ causation_id: first.id, session_id: 'S-1' });
    expect(delivered[1]!.invalid).toBeUndefined();
  });

  it.each([
    ['a number id', { causedBy: { id: 12 } }],
    ['an object id', { causedBy: { id: { a: 1 } } }],
    ['a 100 KB id', { causedBy: 'x'.repeat(100_000) }],
    ['an empty id', { causedBy: '' }],
    [
      'an id getter that throws',
      {
        causedBy: {
          get id(): string {
            throw new Error('boom');
          },
        },
      },
    ],
    ['a session id that is a number', { sessionId: 7 }],
  ])('leave out %s and deliver the event flagged invalid_envelope_id', (_what, opts) => {
    const { ev, delivered, problems } = setup();
    expect(() => ev.emit('app.job.ran:1', { n: 1 }, opts as never)).not.toThrow();
    expect(delivered).toHaveLength(1);
    expect(delivered[0]!.causation_id).toBeUndefined();
    expect(delivered[0]!.session_id).toBeUndefined();
    expect(delivered[0]!.payload).toEqual({ n: 1 });
    expect(delivered[0]!.invalid?.issues.map((i) => i.code)).toEqual(['invalid_envelope_id']);
    expect(problems.map((p) => p.code)).toEqual(['FACTLINE_VALIDATION_FAILED']);
  });

  it('never throw into the caller, even for an EventID whose toString throws (plain JavaScript)', () => {
    const { ev, delivered, problems } = setup();
    const hostile = {
      toString() {
        throw new Error('id tostring');
      },
    };
    expect(() => ev.emit(hostile as never, { n: 1 } as never)).not.toThrow();
    expect(delivered).toHaveLength(0);
    expect(problems).toMatchObject([{ code: 'FACTLINE_EVENT_REJECTED', event_id: '[factline: unreadable EventID: id tostring]' }]);
  });
});
