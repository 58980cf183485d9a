import type { EventTypeInfo } from '../../catalog/types.js';
import type { FactlineEvent } from '../../envelope/event.js';
import { createWarnOnceHandler, type RuntimeProblem } from '../../problems.js';
import type { Sink, SinkContext, SinkStats } from '../sink.js';
import { resolveJsonlOptions, type JsonlSinkOptions } from './options.js';
import { chainedLine, envelopeRecord } from './record.js';
import { JsonlFileWriter, messageOf } from './writer.js';

/**
 * Counters of a JSONL sink: `delivered` is `written` (a line in the file);
 * `dropped` lines were reported (`FACTLINE_FILE_NOT_WRITABLE`,
 * `FACTLINE_SINK_FAILED`).
 */
export interface JsonlSinkStats extends SinkStats {
  /** The events file being written. */
  path: string;
  /** Lines written since the sink was created. */
  written: number;
  /** Events not written: file not writable, unserialisable payload, write after shutdown. */
  dropped: number;
  /** `seq` of the last record of the chain (0 before the first; always 0 with `chain: false`). */
  seq: number;
  /** Size of the current file in bytes, as this sink knows it. */
  bytes: number;
  /** Whether the file is open for writing right now. */
  open: boolean;
}

export interface JsonlSink extends Sink {
  stats(): JsonlSinkStats;
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

/**
 * A sink that appends each event to a JSON Lines file, one line per event,
 * hash-chained (see `src/chain/`), rotated by size.
 *
 * Each line is built whole in memory, then written with one `write(2)` on an
 * O_APPEND descriptor (looping on short writes), so a reader never sees half
 * a record unless the process dies inside that call; a torn last line found
 * on open is moved to `<path>.torn-<timestamp>` and reported. `write` never
 * throws: failures are reported through the emitter's handler and counted in
 * `stats().dropped`.
 *
 * @example
 * const sink = createJsonlSink({ path: '.factline/events.jsonl', fsync: 'interval' });
 * const events = createEmitter(catalog, { sinks: [sink] });
 * events.emit('auth.user.login:1', { user_id: '550e8400-…' });
 * await sink.shutdown();
 */
export function createJsonlSink(options: JsonlSinkOptions = {}): JsonlSink {
  const o = resolveJsonlOptions(options);
  const path = o.path;
  let report: (p: RuntimeProblem) => void = createWarnOnceHandler();
  const problem = (p: Omit<RuntimeProblem, 'sink'>): void => {
    try {
      report({ ...p, sink: o.name });
    } catch {
      // The handler is the emitter's and does not throw; a bare one might.
    }
  };
  const file = new JsonlFileWriter(o, problem);
  const chain = file.chain;
  const counts = { written: 0, dropped: 0 };
  let closed = false;
  let reportedAfterShutdown = false;

  const build = (event: FactlineEvent, type: EventTypeInfo): { line: string; hash: string } => {
    const record = o.format ? { ...o.format(event, type) } : envelopeRecord(event);
    if (!o.chain) return { line: JSON.stringify(record) + '\n', hash: chain.hash };
    return chainedLine(record, chain.seq + 1, chain.hash);
  };

  const afterShutdown = (event: FactlineEvent): void => {
    counts.dropped++;
    if (reportedAfterShutdown) return;
    reportedAfterShutdown = true;
    problem({
      code: 'FACTLINE_SINK_FAILED',
      message: `event written to sink "${o.name}" after shutdown; dropped (further ones are counted in stats().dropped)`,
      event_id: event.event_id,
      details: { path, instance_id: event.id, reason: 'after_shutdown' },
    });
  };

  /** The line of an event, or undefined (reported) when it cannot be serialised. */
  const serialise = (event: FactlineEvent, type: EventTypeInfo): { buf: Buffer; hash: string } | undefined => {
    try {
      const built = build(event, type);
      return { buf: Buffer.from(built.line, 'utf8'), hash: built.hash };
    } catch (e) {
      // BigInt, a cycle, a throwing toJSON or format: possible when validation is 'off'.
      problem({
        code: 'FACTLINE_SINK_FAILED',
        message: `cannot serialise event ${event.event_id} (${event.id}) for ${path}: ${messageOf(e)}; not written`,
        event_id: event.event_id,
        details: { path, instance_id: event.id, reason: 'unserialisable' },
        cause: e,
      });
      return undefined;
    }
  };

  return {
    name: o.name,

    start(ctx: SinkContext): void {
      report = (p) => ctx.report(p);
      if (!closed) file.ensureOpen();
    },

    write(event: FactlineEvent, type: EventTypeInfo): void {
      if (closed) return afterShutdown(event);
      if (!file.ensureOpen()) {
        counts.dropped++;
        return;
      }
      let line = serialise(event, type);
      if (line === undefined) {
        counts.dropped++;
        return;
      }
      if (o.maxBytes > 0 && file.size > 0 && file.size + line.buf.length > o.maxBytes) {
        const before = chain.seq;
        const beforeHash = chain.hash;
        file.rotate();
        if (!file.isOpen) {
          counts.dropped++;
          return;
        }
        if (chain.seq !== before || chain.hash !== beforeHash) {
          // The new file already held records: chain on from them.
          line = serialise(event, type)!;
        }
      }
      if (!file.append(line.buf, event.event_id)) {
        counts.dropped++;
        return;
      }
      counts.written++;
      if (o.chain) {
        chain.seq++;
        chain.hash = line.hash;
        chain.known = true;
      }
    },

    flush(): Promise<void> {
      file.sync();
      return Promise.resolve();
    },

    shutdown(): Promise<void> {
      if (!closed) {
        closed = true;
        file.close();
      }
      return Promise.resolve();
    },

    stats(): JsonlSinkStats {
      const { written, dropped } = counts;
      return { path, written, dropped, seq: chain.seq, bytes: file.size, open: file.isOpen, emitted: written + dropped, delivered: written, pending: 0, spooled: 0, deadLettered: 0 };
    },
  };
}
