import { closeSync, fdatasyncSync, fstatSync, ftruncateSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { GENESIS_HASH } from '../../chain/record.js';
import type { RuntimeProblemWithout } from '../../problems.js';
import { acquireFileLock, type FileLock } from '../../delivery/file-lock.js';
import { makeDirectory } from '../../delivery/make-directory.js';
import { dirModeOf } from '../../delivery/spool.js';
import { copyTornBytes, shiftRotated, syncDirectory, writeFully } from './file.js';
import { chainStateOf, chainStateOfFile, readResumeTail } from './resume.js';
import type { ResolvedJsonlOptions } from './options.js';

export function errnoOf(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException | undefined)?.code;
}

export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Where the hash chain stands: the last record's `seq` and `hash`. */
export interface ChainPosition {
  seq: number;
  hash: string;
  /** True once known in memory (after an open or a write). */
  known: boolean;
}

/** The line end the sink writes, appended to a last record that lost it. */
const LINE_END = Buffer.from('\n');

type Report = (p: RuntimeProblemWithout<'sink'>) => void;

/**
 * The events file as the JSONL sink writes it: one locked, O_APPEND
 * descriptor, reopened after a failure at most every `reopenIntervalMs`,
 * recovered on open (a last record that lost its `\n` completed, a torn last
 * line moved aside, the chain position read back), fsync'ed by policy,
 * rotated by size. Knows bytes, not events.
 */
export class JsonlFileWriter {
  /** Size of the file as written through this descriptor. */
  size = 0;
  readonly chain: ChainPosition = { seq: 0, hash: GENESIS_HASH, known: false };
  private fd: number | null = null;
  private dirty = false;
  private opened = false;
  private lastOpenAttempt = -Infinity;
  private reportedUnwritable = false;
  private timer: ReturnType<typeof setInterval> | undefined;
  private lock: FileLock | undefined;

  /**
   * Takes the file's single-writer lock: throws at set-up, naming the
   * holder, when another writer has it. When the lock cannot be made at all
   * (the directory is not writable yet), it is taken at the first open that
   * succeeds, and that failure is reported like any other open failure.
   */
  constructor(
    private readonly o: ResolvedJsonlOptions,
    private readonly problem: Report,
  ) {
    try {
      this.takeLock();
    } catch (e) {
      if (errnoOf(e) === 'ELOCKED') throw e;
    }
  }

  private takeLock(): void {
    this.lock ??= acquireFileLock(
      this.o.path,
      'events file',
      (e) =>
        this.problem({
          code: 'FACTLINE_FILE_NOT_WRITABLE',
          message: `the lock of ${this.o.path} was lost (${e.message}); another writer may append to it`,
          details: { path: this.o.path, op: 'lock' },
          cause: e,
        }),
      undefined,
      this.o.fileMode | ((this.o.fileMode & 0o444) >> 2),
    );
  }

  get isOpen(): boolean {
    return this.fd !== null;
  }

  /** Reports an unusable file once per outage; the sink counts the drops. */
  notWritable(e: unknown, op: string, eventId?: string): void {
    if (this.reportedUnwritable) return;
    this.reportedUnwritable = true;
    this.problem({
      code: 'FACTLINE_FILE_NOT_WRITABLE',
      message: `cannot ${op} ${this.o.path}: ${messageOf(e)}; events are dropped and counted, retrying every ${this.o.reopenIntervalMs} ms`,
      ...(eventId !== undefined ? { event_id: eventId } : {}),
      details: { path: this.o.path, op, errno: errnoOf(e) },
      cause: e,
    });
  }

  /** Opens on the first call; afterwards reopens a failed file at most every `reopenIntervalMs`. */
  ensureOpen(): boolean {
    if (this.fd !== null) return true;
    if (!this.opened) {
      this.opened = true;
      return this.open();
    }
    if (this.o.now() - this.lastOpenAttempt < this.o.reopenIntervalMs) return false;
    return this.open();
  }

  /**
   * Appends whole lines with one write. On failure the partial bytes are cut
   * off again (or found torn on the next open), the file is closed for a
   * reopen later, and false is returned.
   */
  append(buf: Uint8Array, eventId?: string): boolean {
    const at = this.size;
    try {
      writeFully(this.fd!, buf);
    } catch (e) {
      try {
        ftruncateSync(this.fd!, at);
      } catch {
        // the next open finds the torn line and moves it aside
      }
      this.closeQuietly();
      this.lastOpenAttempt = this.o.now();
      this.notWritable(e, 'write to', eventId);
      return false;
    }
    this.size += buf.length;
    this.dirty = true;
    if (this.o.fsync === 'always') this.sync();
    return true;
  }

  sync(): void {
    if (this.fd === null) return;
    try {
      fdatasyncSync(this.fd);
      this.dirty = false;
    } catch (e) {
      this.notWritable(e, 'fsync');
    }
  }

  /** Shifts `path` to `path.1` … and opens a fresh file; on failure keeps appending to the old one. */
  rotate(): void {
    this.sync();
    this.closeQuietly();
    try {
      shiftRotated(this.o.path, this.o.maxFiles);
      if (this.o.fsync !== 'never') syncDirectory(dirname(this.o.path));
    } catch (e) {
      // Better a file past maxBytes than lost events: keep appending to it.
      this.problem({
        code: 'FACTLINE_FILE_NOT_WRITABLE',
        message: `cannot rotate ${this.o.path}: ${messageOf(e)}; still appending to it`,
        details: { path: this.o.path, op: 'rotate', errno: errnoOf(e) },
        cause: e,
      });
    }
    this.open();
  }

  /** Syncs, closes and releases the lock. */
  close(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    this.sync();
    this.closeQuietly();
    this.lock?.release();
  }

  private open(): boolean {
    this.lastOpenAttempt = this.o.now();
    if (this.o.fsync === 'interval' && this.timer === undefined) {
      this.timer = setInterval(() => {
        if (this.dirty && this.fd !== null) this.sync();
      }, this.o.fsyncIntervalMs);
      this.timer.unref();
    }
    let wfd: number | null = null;
    try {
      makeDirectory(dirname(this.o.path), dirModeOf(this.o.fileMode), 'events file directory');
      this.takeLock();
      wfd = openSync(this.o.path, 'a', this.o.fileMode);
      this.recover(wfd);
      this.fd = wfd;
      this.reportedUnwritable = false;
      return true;
    } catch (e) {
      if (wfd !== null) {
        try {
          closeSync(wfd);
        } catch {
          // nothing more to do
        }
      }
      this.notWritable(e, 'open');
      return false;
    }
  }

  private closeQuietly(): void {
    if (this.fd === null) return;
    try {
      closeSync(this.fd);
    } catch {
      // already unusable
    }
    this.fd = null;
  }

  /**
   * Completes a last record that lost its `\n`, moves a torn tail aside,
   * and finds where the chain resumes.
   */
  private recover(wfd: number): void {
    const path = this.o.path;
    const rfd = openSync(path, 'r');
    try {
      const fileSize = fstatSync(rfd).size;
      const tail = readResumeTail(rfd, fileSize, this.o.chain);
      const u = tail.unterminated;
      if (u?.complete) {
        // An event, whole and (with the chain) in its place: it stays. Only its line end is missing.
        writeFully(wfd, LINE_END);
        fdatasyncSync(wfd);
        this.problem({
          code: 'FACTLINE_FILE_UNTERMINATED_LINE',
          message:
            `${path} ended with a complete record${u.seq !== undefined ? ` (seq ${u.seq})` : ''} without its \\n, as an editor or a tool that strips the final newline leaves it; ` +
            `appended the \\n, so the record stays in the file${u.seq !== undefined ? ' and the chain continues from it' : ''}. A repair of the file, not an error: nothing was moved or lost`,
          details: { path, bytes: tail.tornBytes, ...(u.seq !== undefined ? { seq: u.seq } : {}), repair: 'line_end_appended' },
        });
        this.size = fileSize + LINE_END.length;
        if (this.o.chain && u.seq !== undefined && u.hash !== undefined) {
          this.chain.seq = u.seq;
          this.chain.hash = u.hash;
          this.chain.known = true;
        }
        return;
      }
      if (u !== undefined) {
        // Copy first, truncate second: the torn bytes are never lost.
        const tornPath = copyTornBytes(rfd, path, tail.completeEnd, fileSize, this.o.now(), this.o.fileMode);
        syncDirectory(dirname(path));
        ftruncateSync(wfd, tail.completeEnd);
        fdatasyncSync(wfd);
        this.problem({
          code: 'FACTLINE_FILE_TORN_LINE',
          message: `${path} ended with a partial line, as a crash mid-write leaves one: ${tail.tornBytes} bytes after the last \\n that are not a complete record (${u.reason}: ${u.message}); moved them to ${tornPath} and truncated the file to its last complete line`,
          details: { path, torn_path: tornPath, bytes: tail.tornBytes, reason: u.reason },
        });
      }
      this.size = tail.completeEnd;
      if (!this.o.chain) return;
      const fromFile = chainStateOf(tail.lastLine);
      if (fromFile) {
        this.chain.seq = fromFile.seq;
        this.chain.hash = fromFile.hash;
      } else if (tail.lastLine !== undefined) {
        // A complete line that is not a chain record: the chain cannot resume
        // from it. Start a new chain; verifyChain will flag the junction.
        this.problem({
          code: 'FACTLINE_CHAIN_RESTARTED',
          message: `the last line of ${path} is not a chain record (no seq/hash); starting a new chain at seq 1 after it`,
          details: { path, reason: 'chain_not_resumable' },
        });
        this.chain.seq = 0;
        this.chain.hash = GENESIS_HASH;
      } else if (!this.chain.known) {
        // Empty file: continue the rotated predecessor (a crash may have hit
        // between a rotation and the first line of the new file).
        const fromPrev = this.o.maxFiles > 0 ? chainStateOfFile(`${path}.1`) : undefined;
        if (fromPrev) {
          this.chain.seq = fromPrev.seq;
          this.chain.hash = fromPrev.hash;
        }
      }
      this.chain.known = true;
    } finally {
      closeSync(rfd);
    }
  }
}
