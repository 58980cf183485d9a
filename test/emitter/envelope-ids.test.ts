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

describe("emit's per-call source option", () => {
  it('carries a valid source as a copy: a later change to the caller object reaches no sink', () => {
    const { ev, delivered } = setup();
    const source = { type: 'child_agent' as const, model: 'claude-sonnet-4', name: 'fixer' };
    ev.emit('app.job.ran:1', { n: 1 }, { source });
    source.model = 'changed';
    expect(delivered[0]!.source).toEqual({ type: 'child_agent', model: 'claude-sonnet-4', name: 'fixer' });
    expect(delivered[0]!.invalid).toBeUndefined();
  });

  it.each([
    ['an unknown type', { type: 'alien' }, 'source.type: "alien" is not one of the source types'],
    ['a child_agent without model', { type: 'child_agent' }, 'source.model is missing; a child_agent source needs model'],
    ['a member the type has not', { type: 'runtime', model: 'm' }, 'source.model is not a member of a runtime source'],
    ['an empty name', { type: 'tool', name: ' ' }, 'source.name: " " is not allowed; pass a non-empty string'],
    ['a string', 'user', 'source: "user" is not a source'],
    [
      'a getter that throws',
      {
        get type(): string {
          throw new Error('boom');
        },
      },
      'reading source threw: boom',
    ],
  ])('flags %s as invalid_source at (options.source) and carries the emitter source', (_what, source, message) => {
    const { ev, delivered, problems } = setup();
    expect(() => ev.emit('app.job.ran:1', { n: 1 }, { source } as never)).not.toThrow();
    expect(delivered).toHaveLength(1);
    expect(delivered[0]!.source).toEqual({ type: 'runtime' });
    expect(delivered[0]!.invalid?.issues).toEqual([
      { code: 'invalid_source', path: [], option: 'source', message: expect.stringContaining(message) as unknown as string },
    ]);
    expect(problems.map((p) => p.code)).toEqual(['FACTLINE_VALIDATION_FAILED']);
    expect(problems[0]!.message).toContain('(options.source)');
  });

  it("is refused by 'strict' with the same issue", () => {
    const ev = createEmitter(catalog, { sinks: [], validation: 'strict' });
    expect(() => ev.emit('app.job.ran:1', { n: 1 }, { source: { type: 'alien' } } as never)).toThrow(/\(options\.source\): source\.type: "alien"/);
  });
});
