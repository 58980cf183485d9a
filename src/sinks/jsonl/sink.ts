import type { EventTypeInfo } from '../../catalog/types.js';
import type { FactlineEvent } from '../../envelope/event.js';
import { createWarnOnceHandler, type RuntimeProblem } from '../../problems.js';
import type { Sink, SinkContext, SinkStats } from '../sink.js';
import { resolveJsonlOptions, type FsyncPolicy, type JsonlSinkOptions } from './options.js';
import { chainedLine, envelopeRecord } from './record.js';
import { registerBatch, unregisterBatch } from './batch.js';
import { JsonlFileWriter, messageOf } from './writer.js';

/** A batch this large is written at once rather than at the end of the tick: 1 MiB. */
const BATCH_MAX_BYTES = 1024 * 1024;

/**
 * Counters of a JSONL sink: `delivered` is `written` (a line in the file);
 * `dropped` lines were reported (`FACTLINE_FILE_NOT_WRITABLE`,
 * `FACTLINE_SINK_CLOSED`, `FACTLINE_EVENT_UNSERIALISABLE`).
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
 * Each line is built whole in memory (serialised and hashed in one pass);
 * the lines of one tick are written together at its end with one `write(2)`
 * on an O_APPEND descriptor (looping on short writes), so a reader never
 * sees half a record unless the process dies inside that call; a torn last
 * line found on open is moved to `<path>.torn-<timestamp>` and reported.
 * Until then they are `stats().pending`; `flush()`, `shutdown()`, a rotation
 * and process exit write them at once (see {@link FsyncPolicy}). `write`
 * never throws: failures are reported through the emitter's handler and
 * counted in `stats().dropped`.
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
      code: 'FACTLINE_SINK_CLOSED',
      message: `event written to sink "${o.name}" after shutdown; dropped (further ones are counted in stats().dropped)`,
      event_id: event.event_id,
      details: { path, instance_id: event.id, reason: 'after_shutdown' },
    });
  };

  /** The line of an event, or undefined (reported) when it cannot be serialised. */
  const serialise = (event: FactlineEvent, type: EventTypeInfo): { text: string; bytes: number; hash: string } | undefined => {
    try {
      const built = build(event, type);
      return { text: built.line, bytes: Buffer.byteLength(built.line, 'utf8'), hash: built.hash };
    } catch (e) {
      // BigInt, a cycle, a throwing toJSON or format: possible when validation is 'off'.
      problem({
        code: 'FACTLINE_EVENT_UNSERIALISABLE',
        message: `cannot serialise event ${event.event_id} (${event.id}) for ${path}: ${messageOf(e)}; not written`,
        event_id: event.event_id,
        details: { path, instance_id: event.id, reason: 'unserialisable' },
        cause: e,
      });
      return undefined;
    }
  };

  /**
   * The lines of the current tick, not yet written, and where the chain
   * stood before the first of them (restored if the batch cannot be written).
   */
  const batch = { lines: [] as string[], bytes: 0, startSeq: 0, startHash: chain.hash, firstEventId: undefined as string | undefined };
  let scheduled = false;

  /**
   * Writes the batch with one `write(2)` (then, with `fsync: 'always'`, one
   * `fdatasync(2)`: a group commit). All its lines are written or none: on a
   * failure the file is cut back, every line is counted as dropped and the
   * chain resumes from before the batch.
   */
  const writeBatch = (): void => {
    const n = batch.lines.length;
    if (n === 0) return;
    const buf = Buffer.from(n === 1 ? batch.lines[0]! : batch.lines.join(''), 'utf8');
    batch.lines = [];
    batch.bytes = 0;
    // Nothing left for the process's exit to write (and no reference kept to an idle sink).
    unregisterBatch(writeBatch);
    if (file.isOpen && file.append(buf, batch.firstEventId)) {
      counts.written += n;
      return;
    }
    counts.dropped += n;
    if (o.chain) {
      chain.seq = batch.startSeq;
      chain.hash = batch.startHash;
    }
  };

  const schedule = (): void => {
    registerBatch(writeBatch);
    if (scheduled) return;
    scheduled = true;
    queueMicrotask(() => {
      scheduled = false;
      writeBatch();
    });
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
      const size = file.size + batch.bytes;
      if (o.maxBytes > 0 && size > 0 && size + line.bytes > o.maxBytes) {
        // The batch belongs to the file being closed: write it first.
        writeBatch();
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
      if (batch.lines.length === 0) {
        batch.startSeq = chain.seq;
        batch.startHash = chain.hash;
        batch.firstEventId = event.event_id;
        schedule();
      }
      batch.lines.push(line.text);
      batch.bytes += line.bytes;
      if (o.chain) {
        // The next line of the batch chains on this one.
        chain.seq++;
        chain.hash = line.hash;
        chain.known = true;
      }
      // A long synchronous burst is written in pieces, not held whole in memory.
      if (batch.bytes >= BATCH_MAX_BYTES) writeBatch();
    },

    flush(): Promise<void> {
      writeBatch();
      file.sync();
      return Promise.resolve();
    },

    shutdown(): Promise<void> {
      if (!closed) {
        closed = true;
        writeBatch();
        file.close();
      }
      return Promise.resolve();
    },

    stats(): JsonlSinkStats {
      const { written, dropped } = counts;
      const pending = batch.lines.length;
      return { path, written, dropped, seq: chain.seq, bytes: file.size, open: file.isOpen, emitted: written + dropped + pending, delivered: written, pending, spooled: 0, deadLettered: 0 };
    },
  };
}
