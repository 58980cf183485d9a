import { totalmem } from 'node:os';
import type { Emitter } from '../emitter/emitter.js';
import type { IntentEntries } from './catalog.js';

export interface HeartbeatOptions {
  /** Period of `system.health`. Default 60000 ms, Intent's heartbeat period. */
  intervalMs?: number;
  /** Active servers as the host application counts them (Intent: MCP servers). Default: 0. */
  serversActive?: () => number;
}

export interface Heartbeat {
  /** Emits one `system.health` now. */
  beat(): void;
  stop(): void;
}

/** Memory in use as a percentage of what the process may use: the cgroup limit when there is one, else the machine's memory. */
export function memoryUsagePercent(): number {
  const limit = (process as { constrainedMemory?: () => number | undefined }).constrainedMemory?.();
  const total = limit !== undefined && limit > 0 && limit < Number.MAX_SAFE_INTEGER ? limit : totalmem();
  return Math.min(100, Math.round((process.memoryUsage.rss() / total) * 1000) / 10);
}

/**
 * Emits `system.health` every `intervalMs` with real figures: active servers
 * (from the host), events emitted since the emitter started, process uptime
 * in seconds, memory use. The timer is `unref()`ed, so it never keeps the
 * process alive; `stop()` (called by `setupIntent`'s shutdown) ends it.
 *
 * @example
 * const hb = startHeartbeat(factline, { serversActive: () => mcp.size });
 */
export function startHeartbeat(emitter: Emitter<IntentEntries>, options: HeartbeatOptions = {}): Heartbeat {
  const intervalMs = options.intervalMs ?? 60_000;
  if (!(intervalMs >= 1)) throw new Error(`heartbeat intervalMs must be at least 1 ms, got ${intervalMs}`);
  const beat = () => {
    let servers = 0;
    try {
      servers = Math.max(0, Math.floor(options.serversActive?.() ?? 0));
    } catch {
      servers = 0;
    }
    emitter.emit('system.health.reported:1', {
      servers_active: Number.isFinite(servers) ? servers : 0,
      event_count: emitter.stats().emitted,
      uptime_seconds: Math.round(process.uptime() * 10) / 10,
      memory_usage_percent: memoryUsagePercent(),
    });
  };
  const timer = setInterval(beat, intervalMs);
  timer.unref();
  return { beat, stop: () => clearInterval(timer) };
}
