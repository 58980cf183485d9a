import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineCatalog } from '../../src/catalog/define.js';
import { createEmitter } from '../../src/emitter/emitter.js';
import type { FactlineEvent } from '../../src/envelope/event.js';
import type { RuntimeProblem } from '../../src/problems.js';
import { FactlineValidationError } from '../../src/validation/error.js';
import { issueLocation } from '../../src/validation/issue.js';

// An issue that is not about the payload is located where it is: the EventID, or the emit option at fault.
const catalog = defineCatalog({ 'app.job.ran:1': z.object({ n: z.int() }) });

function setup(validation: 'strict' | 'report') {
  const delivered: FactlineEvent[] = [];
  const problems: RuntimeProblem[] = [];
  const ev = createEmitter(catalog, { sinks: [{ name: 'mem', write: (e) => void delivered.push(e) }], validation, onProblem: (p) => void problems.push(p) });
  return { ev, delivered, problems };
}

function thrown(f: () => unknown): FactlineValidationError {
  try {
    f();
  } catch (e) {
    if (e instanceof FactlineValidationError) return e;
    throw e;
  }
  throw new Error('expected a FactlineValidationError');
}

describe('where an issue is', () => {
  it('locates a bad EventID at (event_id) in a strict throw, with its stable code', () => {
    const { ev } = setup('strict');
    const e = thrown(() => ev.emit('A.b.c:1' as never, { n: 1 } as never));
    expect(e.message).toMatch(/^Invalid event "A\.b\.c:1": \(event_id\): Invalid EventID "A\.b\.c:1"/);
    expect(e.message).toMatch(/\(invalid_event_id\)$/);
    expect(e.issues[0]).toMatchObject({ code: 'invalid_event_id', path: [] });
  });

  it('locates an EventID not in the catalog at (event_id)', () => {
    const { ev } = setup('strict');
    expect(thrown(() => ev.emit('app.job.lost:1' as never, { n: 1 } as never)).message).toMatch(
      /^Invalid event "app\.job\.lost:1": \(event_id\): .*\(unknown_event\)$/,
    );
  });

  it('locates a bad time option at (options.time), in a strict throw and in the report', () => {
    expect(thrown(() => setup('strict').ev.emit('app.job.ran:1', { n: 1 }, { time: new Date('') })).message).toMatch(
      /^Invalid event "app\.job\.ran:1": \(options\.time\): time is not a valid time .*\(invalid_time\)$/,
    );
    const { ev, delivered, problems } = setup('report');
    ev.emit('app.job.ran:1', { n: 1 }, { time: Date.now() + 3 * 86_400_000 });
    expect(delivered[0]!.invalid?.issues[0]).toMatchObject({ code: 'implausible_time', path: [], option: 'time' });
    expect(problems[0]!.message).toMatch(/^"app\.job\.ran:1" delivered flagged invalid: \(options\.time\): time is more than a day ahead/);
  });

  it.each([
    ['causedBy', { causedBy: 12 }, /\(options\.causedBy\): causedBy \(or its id\) is number, not a string/],
    ['causedBy', { causedBy: { id: '' } }, /\(options\.causedBy\): causedBy must be 1 to 256 characters long/],
    ['sessionId', { sessionId: 7 }, /\(options\.sessionId\): sessionId is number, not a string/],
  ] as const)('locates a bad %s option at (options.<name>) in the report', (option, opts, message) => {
    // The id options are left out of the envelope and reported, also under strict (docs/errors.md).
    const { ev, delivered, problems } = setup('report');
    ev.emit('app.job.ran:1', { n: 1 }, opts as never);
    expect(delivered[0]!.invalid?.issues[0]).toMatchObject({ code: 'invalid_envelope_id', path: [], option });
    expect(problems[0]!.message).toMatch(message);
  });

  it('still locates payload issues in the payload', () => {
    expect(thrown(() => setup('strict').ev.emit('app.job.ran:1', { n: 'x' } as never)).message).toMatch(/: n: .*\(invalid_type\)$/);
    expect(thrown(() => setup('strict').ev.emit('app.job.ran:1', 5 as never)).message).toMatch(/: \(payload\): /);
    expect(issueLocation({ code: 'schema', path: [] })).toBe('(payload)');
  });
});
