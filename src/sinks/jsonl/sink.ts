import { closeSync, fdatasyncSync, fstatSync, ftruncateSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import type { EventTypeInfo } from '../../catalog/types.js';
import type { FactlineEvent } from '../../envelope/event.js';
import { GENESIS_HASH } from '../../chain/record.js';
import { createWarnOnceHandler, type RuntimeProblem } from '../../problems.js';
import type { Sink, SinkContext, SinkStats } from '../sink.js';
import { chainStateOf, chainStateOfFile, copyTornBytes, readTail, shiftRotated, syncDirectory, writeFully } from './file.js';
import { resolveJsonlOptions, type JsonlSinkOptions } from './options.js';
import { chainedLine, envelopeRecord } from './record.js';

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

function errnoOf(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException | undefined)?.code;
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
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
  let fd: number | null = null;
  let size = 0;
  let seq = 0;
  let lastHash = GENESIS_HASH;
  /** True once a chain position is known in memory (after an open or a write). */
  let chainKnown = false;
  let written = 0;
  let dropped = 0;
  let dirty = false;
  let opened = false;
  let closed = false;
  let reportedUnwritable = false;
  let reportedAfterShutdown = false;
  let lastOpenAttempt = -Infinity;
  let timer: ReturnType<typeof setInterval> | undefined;

  const problem = (p: Omit<RuntimeProblem, 'sink'>): void => {
    try {
      report({ ...p, sink: o.name });
    } catch {
      // The handler is the emitter's and does not throw; a bare one might.
    }
  };

  const notWritable = (e: unknown, op: string, eventId?: string): void => {
    if (reportedUnwritable) return; // once per outage; drops are counted
    reportedUnwritable = true;
    problem({
      code: 'FACTLINE_FILE_NOT_WRITABLE',
      message: `cannot ${op} ${path}: ${messageOf(e)}; events are dropped and counted, retrying every ${o.reopenIntervalMs} ms`,
      ...(eventId !== undefined ? { event_id: eventId } : {}),
      details: { path, op, errno: errnoOf(e) },
      cause: e,
    });
  };

  const closeQuietly = (): void => {
    if (fd === null) return;
    try {
      closeSync(fd);
    } catch {
      // already unusable
    }
    fd = null;
  };

  /** Moves a torn tail aside and finds where the chain resumes. */
  const recover = (wfd: number): void => {
    const rfd = openSync(path, 'r');
    try {
      const fileSize = fstatSync(rfd).size;
      const tail = readTail(rfd, fileSize);
      if (tail.tornBytes > 0) {
        // Copy first, truncate second: the torn bytes are never lost.
        const tornPath = copyTornBytes(rfd, path, tail.completeEnd, fileSize, o.now());
        syncDirectory(dirname(path));
        ftruncateSync(wfd, tail.completeEnd);
        fdatasyncSync(wfd);
        problem({
          code: 'FACTLINE_FILE_TORN_LINE',
          message: `${path} ended with a partial line (${tail.tornBytes} bytes, from a crash); moved it to ${tornPath} and truncated the file to its last complete line`,
          details: { path, torn_path: tornPath, bytes: tail.tornBytes },
        });
      }
      size = tail.completeEnd;
      if (!o.chain) return;
      const fromFile = chainStateOf(tail.lastLine);
      if (fromFile) {
        seq = fromFile.seq;
        lastHash = fromFile.hash;
      } else if (tail.lastLine !== undefined) {
        // A complete line that is not a chain record: the chain cannot resume
        // from it. Start a new chain; verifyChain will flag the junction.
        problem({
          code: 'FACTLINE_SINK_FAILED',
          message: `the last line of ${path} is not a chain record (no seq/hash); starting a new chain at seq 1 after it`,
          details: { path, reason: 'chain_not_resumable' },
        });
        seq = 0;
        lastHash = GENESIS_HASH;
      } else if (!chainKnown) {
        // Empty file: continue the rotated predecessor (a crash may have hit
        // between a rotation and the first line of the new file).
        const fromPrev = o.maxFiles > 0 ? chainStateOfFile(`${path}.1`) : undefined;
        if (fromPrev) {
          seq = fromPrev.seq;
          lastHash = fromPrev.hash;
        }
      }
      chainKnown = true;
    } finally {
      closeSync(rfd);
    }
  };

  const open = (): boolean => {
    lastOpenAttempt = o.now();
    if (o.fsync === 'interval' && timer === undefined) {
      timer = setInterval(syncIfDirty, o.fsyncIntervalMs);
      timer.unref();
    }
    let wfd: number | null = null;
    try {
      mkdirSync(dirname(path), { recursive: true });
      wfd = openSync(path, 'a');
      recover(wfd);
      fd = wfd;
      reportedUnwritable = false;
      return true;
    } catch (e) {
      if (wfd !== null) {
        try {
          closeSync(wfd);
        } catch {
          // nothing more to do
        }
      }
      notWritable(e, 'open');
      return false;
    }
  };

  const ensureOpen = (): boolean => {
    if (fd !== null) return true;
    if (!opened) {
      opened = true;
      return open();
    }
    if (o.now() - lastOpenAttempt < o.reopenIntervalMs) return false;
    return open();
  };

  function syncIfDirty(): void {
    if (!dirty || fd === null) return;
    sync();
  }

  const sync = (): void => {
    if (fd === null) return;
    try {
      fdatasyncSync(fd);
      dirty = false;
    } catch (e) {
      notWritable(e, 'fsync');
    }
  };

  const rotate = (): void => {
    sync();
    closeQuietly();
    try {
      shiftRotated(path, o.maxFiles);
      if (o.fsync !== 'never') syncDirectory(dirname(path));
    } catch (e) {
      // Better a file past maxBytes than lost events: keep appending to it.
      problem({
        code: 'FACTLINE_FILE_NOT_WRITABLE',
        message: `cannot rotate ${path}: ${messageOf(e)}; still appending to it`,
        details: { path, op: 'rotate', errno: errnoOf(e) },
        cause: e,
      });
    }
    open();
  };

  const build = (event: FactlineEvent, type: EventTypeInfo): { line: string; hash: string } => {
    const record = o.format ? { ...o.format(event, type) } : envelopeRecord(event);
    if (!o.chain) return { line: JSON.stringify(record) + '\n', hash: lastHash };
    return chainedLine(record, seq + 1, lastHash);
  };

  const drop = (): void => {
    dropped++;
  };

  return {
    name: o.name,

    start(ctx: SinkContext): void {
      report = (p) => ctx.report(p);
      if (!opened && !closed) ensureOpen();
    },

    write(event: FactlineEvent, type: EventTypeInfo): void {
      if (closed) {
        drop();
        if (!reportedAfterShutdown) {
          reportedAfterShutdown = true;
          problem({
            code: 'FACTLINE_SINK_FAILED',
            message: `event written to sink "${o.name}" after shutdown; dropped (further ones are counted in stats().dropped)`,
            event_id: event.event_id,
            details: { path, instance_id: event.id, reason: 'after_shutdown' },
          });
        }
        return;
      }
      if (!ensureOpen()) return drop();

      let built: { line: string; hash: string };
      let buf: Buffer;
      try {
        built = build(event, type);
        buf = Buffer.from(built.line, 'utf8');
      } catch (e) {
        // BigInt, a cycle, a throwing toJSON or format: possible when validation is 'off'.
        problem({
          code: 'FACTLINE_SINK_FAILED',
          message: `cannot serialise event ${event.event_id} (${event.id}) for ${path}: ${messageOf(e)}; not written`,
          event_id: event.event_id,
          details: { path, instance_id: event.id, reason: 'unserialisable' },
          cause: e,
        });
        return drop();
      }

      if (o.maxBytes > 0 && size > 0 && size + buf.length > o.maxBytes) {
        const before = seq;
        const beforeHash = lastHash;
        rotate();
        if (fd === null) return drop();
        if (seq !== before || lastHash !== beforeHash) {
          // The new file already held records (another writer?): chain on from them.
          built = build(event, type);
          buf = Buffer.from(built.line, 'utf8');
        }
      }

      const at = size;
      try {
        writeFully(fd!, buf);
      } catch (e) {
        // Undo a partial line so the file stays whole; if that fails too, the
        // next open finds the torn line and moves it aside.
        try {
          ftruncateSync(fd!, at);
        } catch {
          // see above
        }
        closeQuietly();
        lastOpenAttempt = o.now();
        notWritable(e, 'write to', event.event_id);
        return drop();
      }
      size += buf.length;
      written++;
      if (o.chain) {
        seq++;
        lastHash = built.hash;
      }
      dirty = true;
      if (o.fsync === 'always') sync();
    },

    flush(): Promise<void> {
      sync();
      return Promise.resolve();
    },

    shutdown(): Promise<void> {
      if (!closed) {
        closed = true;
        if (timer !== undefined) clearInterval(timer);
        timer = undefined;
        sync();
        closeQuietly();
      }
      return Promise.resolve();
    },

    stats(): JsonlSinkStats {
      return { path, written, dropped, seq, bytes: size, open: fd !== null, emitted: written + dropped, delivered: written, pending: 0, spooled: 0, deadLettered: 0 };
    },
  };
}
