import type { EventTypeInfo } from '../../catalog/types.js';
import type { FactlineEvent } from '../../envelope/event.js';
import { createWarnOnceHandler, type RuntimeProblem, type RuntimeProblemWithout } from '../../problems.js';
import type { Sink, SinkContext, SinkStats } from '../sink.js';
import { resolveJsonlOptions, type FsyncPolicy, type JsonlSinkOptions } from './options.js';
import { chainedHead, envelopeJson } from './record.js';
import { LineBuffer } from './line-buffer.js';
import { V2_UNHASHED_LENGTH, chainHeadOf } from '../../chain/record.js';
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
 * Each line is built whole in memory (one `JSON.stringify`, encoded once
 * into the batch's buffer, its chain hash taken over those bytes); the lines of one tick are written together at its end with one `write(2)`
 * on an O_APPEND descriptor (looping on short writes), so a reader never
 * sees half a record unless the process dies inside that call. On open, a
 * last line without its `\n` that is a complete record following the line
 * before it gets its `\n` back and the chain continues from it
 * (`FACTLINE_FILE_UNTERMINATED_LINE`); any other, torn, is moved to
 * `<path>.torn-<timestamp>` and reported (`FACTLINE_FILE_TORN_LINE`).
 * Until then they are `stats().pending`; `flush()`, `shutdown()`, a rotation
 * and process exit write them at once (see {@link FsyncPolicy}). `write`
 * never throws: failures are reported through the emitter's handler and
 * counted in `stats().dropped`.
 *
 * @example
 * const sink = createJsonlSink({ path: '.factline/events.jsonl', fsync: 'interval' });
 * const events = createEmitter(catalog, { sinks: [sink] });
 * events.emit('auth.user.login:1', { user_id: '550e8400-…', ip: '192.0.2.1', method: 'password', mfa: true });
 * await sink.shutdown();
 */
export function createJsonlSink(options: JsonlSinkOptions = {}): JsonlSink {
  const o = resolveJsonlOptions(options);
  const path = o.path;
  let report: (p: RuntimeProblem) => void = createWarnOnceHandler();
  const problem = (p: RuntimeProblemWithout<'sink'>): void => {
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

  /**
   * The text of an event's line: with the chain, the part its hash covers
   * (the line ends once it is hashed, in the batch); without, the whole line.
   */
  const build = (event: FactlineEvent, type: EventTypeInfo): string => {
    if (o.format) {
      const record = { ...o.format(event, type) };
      return o.chain ? chainedHead(record, chain.seq + 1, chain.hash) : JSON.stringify(record) + '\n';
    }
    const body = envelopeJson(event);
    return o.chain ? chainHeadOf(body, chain.seq + 1, chain.hash) : body + '\n';
  };
  /** Bytes a line has after its built text: `,"hash":"<64 hex>"}` and `\n`. */
  const tailBytes = o.chain ? V2_UNHASHED_LENGTH + 1 : 0;

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

  /** The text of an event's line, or undefined (reported) when it cannot be serialised. */
  const serialise = (event: FactlineEvent, type: EventTypeInfo): string | undefined => {
    try {
      return build(event, type);
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
  const lines = new LineBuffer();
  const batch = { startSeq: 0, startHash: chain.hash, firstEventId: undefined as string | undefined };
  let scheduled = false;

  /**
   * Writes the batch with one `write(2)` (then, with `fsync: 'always'`, one
   * `fdatasync(2)`: a group commit). All its lines are written or none: on a
   * failure the file is cut back, every line is counted as dropped and the
   * chain resumes from before the batch.
   */
  const writeBatch = (): void => {
    const n = lines.lines;
    if (n === 0) return;
    // Nothing left for the process's exit to write (and no reference kept to an idle sink).
    unregisterBatch(writeBatch);
    // The write is synchronous: the buffer is free again when it returns.
    const written = file.isOpen && file.append(lines.bytes(), batch.firstEventId);
    lines.clear();
    if (written) {
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
      let text = serialise(event, type);
      if (text === undefined) {
        counts.dropped++;
        return;
      }
      const size = file.size + lines.used;
      // A UTF-16 unit is at most 3 bytes: the exact size is counted only near the limit.
      if (o.maxBytes > 0 && size > 0 && size + text.length * 3 + tailBytes > o.maxBytes && size + Buffer.byteLength(text, 'utf8') + tailBytes > o.maxBytes) {
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
          text = serialise(event, type);
          if (text === undefined) {
            counts.dropped++;
            return;
          }
        }
      }
      if (lines.lines === 0) {
        batch.startSeq = chain.seq;
        batch.startHash = chain.hash;
        batch.firstEventId = event.event_id;
        schedule();
      }
      if (o.chain) {
        // The next line of the batch chains on this one.
        chain.hash = lines.appendChained(text).hash;
        chain.seq++;
        chain.known = true;
      } else {
        lines.appendLine(text);
      }
      // A long synchronous burst is written in pieces, not held whole in memory.
      if (lines.used >= BATCH_MAX_BYTES) writeBatch();
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
      const pending = lines.lines;
      return {
        path,
        written,
        dropped,
        seq: chain.seq,
        bytes: file.size,
        open: file.isOpen,
        emitted: written + dropped + pending,
        delivered: written,
        pending,
        spooled: 0,
        deadLettered: 0,
      };
    },
  };
}
