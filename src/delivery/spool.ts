import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { acquireFileLock, type FileLock } from './file-lock.js';

/** Options of the on-disk spool. */
export interface SpoolOptions {
  /** Directory of the spool; created if missing; one process at a time (locked). */
  dir: string;
  /**
   * Most bytes of request bodies kept on disk. When a batch does not fit,
   * that batch (the newest) is dropped, counted and reported as
   * `FACTLINE_SPOOL_FULL`; what is already spooled is kept. Default 1 GiB.
   */
  maxBytes?: number;
}

export const DEFAULT_SPOOL_MAX_BYTES = 1024 * 1024 * 1024;

/** One spooled request body. */
export interface SpoolEntry {
  /** Sort key: delivery order. */
  key: string;
  count: number;
  bytes: number;
  file: string;
}

/*
 * A file per batch, named `<key>.<records>.otlp.json`: the key orders
 * replay, the record count lets a restart count what it holds without
 * reading it. Written to a `.tmp` name and renamed, so a crash leaves either
 * the whole batch or none of it.
 */
const NAME = /^(\d{12}-[ab]*)\.(\d+)\.otlp\.json$/;

/**
 * The disk half of the store-and-forward buffer: whole OTLP request bodies,
 * replayed in key order, also by the next process that opens the directory.
 */
export class Spool {
  readonly dir: string;
  readonly maxBytes: number;
  bytes = 0;
  private readonly lock: FileLock;

  /** Throws at set-up when the directory cannot be created or another process holds it. */
  constructor(options: SpoolOptions, onCompromised: (e: Error) => void) {
    this.dir = options.dir;
    this.maxBytes = options.maxBytes ?? DEFAULT_SPOOL_MAX_BYTES;
    mkdirSync(this.dir, { recursive: true });
    this.lock = acquireFileLock(join(this.dir, 'spool'), 'spool directory', onCompromised);
  }

  /** What a previous process left, oldest first; removes half-written `.tmp` files. */
  load(): SpoolEntry[] {
    const entries: SpoolEntry[] = [];
    for (const name of readdirSync(this.dir)) {
      if (name.endsWith('.tmp')) {
        rmSync(join(this.dir, name), { force: true });
        continue;
      }
      const m = NAME.exec(name);
      if (!m) continue;
      const file = join(this.dir, name);
      const bytes = statSync(file).size;
      entries.push({ key: m[1]!, count: Number(m[2]), bytes, file });
      this.bytes += bytes;
    }
    return entries.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  fits(bytes: number): boolean {
    return this.bytes + bytes <= this.maxBytes;
  }

  /** Writes a batch; throws on an I/O error (the caller keeps it in memory). */
  write(key: string, count: number, body: Uint8Array, fsync: boolean): SpoolEntry {
    const file = join(this.dir, `${key}.${count}.otlp.json`);
    const tmp = `${file}.tmp`;
    const fd = openSync(tmp, 'w');
    try {
      let off = 0;
      while (off < body.byteLength) off += writeSync(fd, body, off, body.byteLength - off);
      if (fsync) fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
    this.bytes += body.byteLength;
    return { key, count, bytes: body.byteLength, file };
  }

  read(entry: SpoolEntry): Uint8Array {
    return readFileSync(entry.file);
  }

  remove(entry: SpoolEntry): void {
    rmSync(entry.file, { force: true });
    this.bytes -= entry.bytes;
  }

  close(): void {
    this.lock.release();
  }
}
