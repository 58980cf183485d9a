/*
 * Synchronous file primitives of the JSONL sink. They are synchronous on
 * purpose: a batch of lines must be in the kernel when the sink's `flush()`
 * returns and when the process's 'exit' listeners run (see FsyncPolicy), and
 * opening, recovery and rotation must not interleave with writes.
 */
import { closeSync, existsSync, fsyncSync, openSync, readSync, renameSync, unlinkSync, writeSync } from 'node:fs';

const CHUNK = 64 * 1024;
const NL = 0x0a;

/**
 * Writes all of `buf` at the end of an O_APPEND descriptor, looping on short
 * writes (a pipe, a full disk that frees up, a signal can cut one short).
 */
export function writeFully(fd: number, buf: Uint8Array): void {
  let off = 0;
  while (off < buf.length) {
    off += writeSync(fd, buf, off, buf.length - off);
  }
}

/** Index of the last `\n` strictly before `end`, or -1. Reads backwards, one chunk at a time. */
export function lastNewlineBefore(fd: number, end: number): number {
  const buf = Buffer.allocUnsafe(CHUNK);
  let hi = end;
  while (hi > 0) {
    const lo = Math.max(0, hi - CHUNK);
    const n = readFullyAt(fd, buf, hi - lo, lo);
    const i = buf.subarray(0, n).lastIndexOf(NL);
    if (i >= 0) return lo + i;
    hi = lo;
  }
  return -1;
}

/** Bytes `[from, to)` of the file open on `fd` (fewer when the file is shorter). */
export function readRange(fd: number, from: number, to: number): Buffer {
  const buf = Buffer.allocUnsafe(to - from);
  return buf.subarray(0, readFullyAt(fd, buf, buf.length, from));
}

function readFullyAt(fd: number, buf: Buffer, length: number, position: number): number {
  let got = 0;
  while (got < length) {
    const n = readSync(fd, buf, got, length - got, position + got);
    if (n === 0) break;
    got += n;
  }
  return got;
}

/** What the end of an existing file looks like. */
export interface FileTail {
  /** Length of the file up to and including its last `\n` (0 if it has none). */
  completeEnd: number;
  /** Bytes after `completeEnd`: a line cut short by a crash. 0 when the file ends with `\n`. */
  tornBytes: number;
  /** The last complete line, without its `\n`; undefined when there is none. */
  lastLine: string | undefined;
}

/**
 * Reads only the end of a file: the torn tail, if any, and the last complete
 * line. Cost is proportional to those two lines, not to the file.
 */
export function readTail(fd: number, size: number): FileTail {
  if (size === 0) return { completeEnd: 0, tornBytes: 0, lastLine: undefined };
  const last = Buffer.alloc(1);
  readFullyAt(fd, last, 1, size - 1);
  const completeEnd = last[0] === NL ? size : lastNewlineBefore(fd, size) + 1;
  if (completeEnd === 0) return { completeEnd: 0, tornBytes: size, lastLine: undefined };
  const start = lastNewlineBefore(fd, completeEnd - 1) + 1;
  const line = Buffer.allocUnsafe(completeEnd - 1 - start);
  readFullyAt(fd, line, line.length, start);
  return { completeEnd, tornBytes: size - completeEnd, lastLine: line.toString('utf8') };
}

/**
 * Copies bytes `[from, to)` of the file open on `fd` into a new file next to
 * it, `<path>.torn-<UTC timestamp>`, and syncs it. Never overwrites: a name
 * that exists gets a `-<n>` suffix. Returns the new file's path.
 */
export function copyTornBytes(fd: number, path: string, from: number, to: number, nowMs: number, mode = 0o600): string {
  const stamp = new Date(nowMs).toISOString().replace(/[-:.]/g, '');
  let tornPath = `${path}.torn-${stamp}`;
  let out = -1;
  for (let n = 1; out < 0; n++) {
    try {
      out = openSync(tornPath, 'wx', mode);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || n > 1000) throw e;
      tornPath = `${path}.torn-${stamp}-${n}`;
    }
  }
  try {
    const buf = Buffer.allocUnsafe(CHUNK);
    for (let pos = from; pos < to; ) {
      const n = readFullyAt(fd, buf, Math.min(CHUNK, to - pos), pos);
      if (n === 0) break;
      writeFully(out, buf.subarray(0, n));
      pos += n;
    }
    fsyncSync(out);
  } finally {
    closeSync(out);
  }
  return tornPath;
}

/**
 * Shifts the rotated set one place: `<path>.(n-1)` → `<path>.n` down to
 * `<path>` → `<path>.1`, deleting what would fall past `maxFiles` (and any
 * higher-numbered leftovers of an earlier, larger `maxFiles`). With
 * `maxFiles` 0 the current file is deleted. The caller has closed `path`.
 */
export function shiftRotated(path: string, maxFiles: number): void {
  if (maxFiles === 0) {
    unlinkSync(path);
    return;
  }
  for (let n = maxFiles; existsSync(`${path}.${n}`); n++) unlinkSync(`${path}.${n}`);
  for (let n = maxFiles - 1; n >= 1; n--) {
    if (existsSync(`${path}.${n}`)) renameSync(`${path}.${n}`, `${path}.${n + 1}`);
  }
  renameSync(path, `${path}.1`);
}

/** fsync of a directory, so that renames and new names in it survive a power loss. Best effort. */
export function syncDirectory(dir: string): void {
  let fd = -1;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Some platforms and file systems refuse to open or sync a directory; the data itself is synced.
  } finally {
    if (fd >= 0) closeSync(fd);
  }
}
