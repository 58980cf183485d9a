import { afterEach, describe, expect, it, vi } from 'vitest';
import { createEmitter } from '../../src/emitter/index.js';
import type { FactlineEvent } from '../../src/envelope/event.js';
import { intentCatalog } from '../../src/intent/catalog.js';
import { memoryUsagePercent, startHeartbeat } from '../../src/intent/heartbeat.js';
import { emitSystemErrors } from '../../src/intent/system-errors.js';
import type { Sink } from '../../src/sinks/sink.js';

function recorder(): Sink & { events: FactlineEvent[] } {
  const events: FactlineEvent[] = [];
  return { name: 'rec', events, write: (e) => events.push(e) };
}

describe('the system.health heartbeat', () => {
  afterEach(() => vi.useRealTimers());

  it("emits every interval with the host's server count, events emitted so far, uptime and memory", () => {
    vi.useFakeTimers();
    const sink = recorder();
    const ev = createEmitter(intentCatalog, { sinks: [sink], validation: 'strict' });
    ev.emit('intent.intent.accepted:1', { intent_id: 'INT-1', accepted_by: 'auto', confidence: 1 });
    let servers = 2;
    const hb = startHeartbeat(ev, { intervalMs: 60_000, serversActive: () => servers });
    vi.advanceTimersByTime(59_999);
    expect(sink.events).toHaveLength(1);
    vi.advanceTimersByTime(1);
    servers = 4;
    vi.advanceTimersByTime(60_000);
    hb.stop();
    vi.advanceTimersByTime(600_000);
    const beats = sink.events.filter((e) => e.event_id === 'system.health.reported:1');
    expect(beats.map((e) => (e.payload as { servers_active: number }).servers_active)).toEqual([2, 4]);
    expect(beats.map((e) => (e.payload as { event_count: number }).event_count)).toEqual([1, 2]);
    for (const b of beats) expect(b.invalid).toBeUndefined();
  });

  it('never keeps the process alive', () => {
    const spy = vi.spyOn(globalThis, 'setInterval');
    const hb = startHeartbeat(createEmitter(intentCatalog, { sinks: [recorder()] }));
    const timer = spy.mock.results[0]!.value as NodeJS.Timeout;
    expect(timer.hasRef()).toBe(false);
    hb.stop();
    spy.mockRestore();
  });

  it("reports 0 servers when the host's counter throws, instead of throwing from a timer", () => {
    const sink = recorder();
    const hb = startHeartbeat(createEmitter(intentCatalog, { sinks: [sink], validation: 'strict' }), {
      serversActive: () => {
        throw new Error('mcp registry down');
      },
    });
    hb.beat();
    hb.stop();
    expect((sink.events[0]!.payload as { servers_active: number }).servers_active).toBe(0);
  });

  it('measures memory as a percentage between 0 and 100', () => {
    const m = memoryUsagePercent();
    expect(m).toBeGreaterThan(0);
    expect(m).toBeLessThanOrEqual(100);
  });

  it('refuses an interval below 1 ms at set-up', () => {
    expect(() => startHeartbeat(createEmitter(intentCatalog), { intervalMs: 0 })).toThrow(/at least 1 ms/);
  });
});

describe("system.error for factline's own failures", () => {
  it('turns a validation problem in report mode into a system.error with a stable code, at most once per interval', () => {
    const sink = recorder();
    let now = 0;
    const ev = createEmitter(intentCatalog, { sinks: [sink], validation: 'report', onProblem: () => {} });
    emitSystemErrors(ev, 10_000, () => now);
    ev.emit('intent.intent.accepted:1', { intent_id: 'nope', accepted_by: 'auto', confidence: 2 });
    ev.emit('intent.intent.accepted:1', { intent_id: 'nope', accepted_by: 'auto', confidence: 2 });
    now = 10_000;
    ev.emit('intent.intent.accepted:1', { intent_id: 'nope', accepted_by: 'auto', confidence: 2 });
    const errors = sink.events.filter((e) => e.event_id === 'system.error.raised:1');
    expect(errors).toHaveLength(2);
    expect(errors[0]!.payload).toMatchObject({
      error_type: 'VALIDATION_ERROR',
      error_code: 'FACTLINE_VALIDATION_FAILED',
      context: { event_id: 'intent.intent.accepted:1', instance_id: expect.any(String), issues: expect.any(Array) },
    });
    expect(errors[0]!.severity).toBe('ERROR');
    expect(errors[0]!.invalid).toBeUndefined();
  });

  it('reports a sink failure and does not recurse when the system.error itself fails', () => {
    const seen: string[] = [];
    const flaky: Sink = {
      name: 'flaky',
      write: (e) => {
        seen.push(e.event_id);
        throw new Error('disk full');
      },
    };
    const ev = createEmitter(intentCatalog, { sinks: [flaky], validation: 'report', onProblem: () => {} });
    emitSystemErrors(ev);
    ev.emit('intent.intent.accepted:1', { intent_id: 'INT-1', accepted_by: 'auto', confidence: 1 });
    expect(seen).toEqual(['intent.intent.accepted:1', 'system.error.raised:1']);
    expect(ev.stats().problems.FACTLINE_SINK_FAILED).toBe(2);
  });
});

describe('the documented system.error classification', () => {
  it('lists every problem code with the error_type the code emits', async () => {
    const { readFileSync } = await import('node:fs');
    const { SYSTEM_ERROR_TYPES } = await import('../../src/intent/system-errors.js');
    const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
    const table = doc.slice(doc.indexOf('## `system.error` events'));
    const documented: Record<string, string> = {};
    for (const m of table.matchAll(/^\| `([A-Z_]+)` \| (.+) \|$/gm)) for (const c of m[2]!.matchAll(/`(FACTLINE_\w+)`/g)) documented[c[1]!] = m[1]!;
    expect(documented).toEqual(SYSTEM_ERROR_TYPES);
  });
});
