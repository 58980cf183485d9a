import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { acquireFileLock, type FileLock } from './file-lock.js';
import type { OtlpEncoding } from './otlp-protobuf.js';
import { makeDirectory } from './make-directory.js';

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

/**
 * Permissions of the files factline creates that hold payloads (spool
 * files, dead-letter files, the events file): owner read/write only. A
 * directory factline creates for them gets the matching search bits
 * (`0o600` → `0o700`, `0o640` → `0o750`).
 */
export const DEFAULT_FILE_MODE = 0o600;

/** The directory mode matching a file mode: each read bit gets its search bit. */
export function dirModeOf(fileMode: number): number {
  return fileMode | ((fileMode & 0o444) >> 2);
}

export { makeDirectory };

/** One spooled request body. */
export interface SpoolEntry {
  /** Sort key: delivery order. */
  key: string;
  /** Records in the body, from the file's checked header (never from its name). */
  count: number;
  /** Bytes of the request body (without the header). */
  bytes: number;
  file: string;
  /** SHA-256 of the body, hex. */
  sha256: string;
  /** How the body is encoded: sent with this `Content-Type` (a version-1 file holds OTLP JSON). */
  encoding: OtlpEncoding;
}

/** A spool file that failed its own check: what is known of it. */
export interface DamagedSpoolFile {
  key: string;
  file: string;
  /** Why it failed the check. */
  problem: string;
  /** Records its header claims, when the header is readable. */
  count?: number;
  /** What the file holds (possibly cut short). */
  content: Uint8Array;
  /** The body's encoding, when the header is readable. */
  encoding?: OtlpEncoding;
}

/*
 * A file per batch, `<key>.otlp.spool`: one header line, then the OTLP
 * request body exactly as it is sent, in the encoding the header names
 * (`protobuf`: binary protobuf, `application/x-protobuf`; `json`: OTLP
 * JSON, `application/json`).
 *
 *   {"format":"factline-spool","version":2,"encoding":"protobuf","records":1024,"bytes":231337,"sha256":"9f86…"}\n<body>
 *
 * Version 1 (factline before the encoding was recorded) has no `encoding`:
 * its body is OTLP JSON, and it is read and sent as such.
 *
 * The header makes every file self-checking: a file cut short (a crash, a
 * full disk) or altered has the wrong length or digest. Written to a `.tmp`
 * name and renamed, so a crash leaves the whole file or none of it; a
 * `.tmp` that a failed write left is removed at once.
 */
const NAME = /^(\d{12}-[ab]*)\.otlp\.spool$/;
const MAX_HEADER = 512;

interface Header {
  format: string;
  version: number;
  encoding?: string;
  records: number;
  bytes: number;
  sha256: string;
}

function parseHeader(head: Buffer): { header: Header; length: number } | string {
  const nl = head.indexOf(0x0a);
  if (nl < 0) return 'no header line';
  try {
    const h = JSON.parse(head.subarray(0, nl).toString('utf8')) as Header;
    if (h.format !== 'factline-spool' || (h.version !== 1 && h.version !== 2))
      return `not a factline spool file (format ${String(h.format)} version ${String(h.version)})`;
    if (h.version === 1) h.encoding = 'json';
    else if (h.encoding !== 'protobuf' && h.encoding !== 'json') return `unknown body encoding ${String(h.encoding)}`;
    if (!Number.isSafeInteger(h.records) || h.records < 0 || !Number.isSafeInteger(h.bytes) || h.bytes < 0 || !/^[0-9a-f]{64}$/.test(h.sha256))
      return 'header fields out of range';
    return { header: h, length: nl + 1 };
  } catch {
    return 'header is not JSON';
  }
}

const sha256 = (body: Uint8Array) => createHash('sha256').update(body).digest('hex');

/** The error a read of a damaged spool file throws. */
export class SpoolFileDamaged extends Error {
  constructor(readonly damaged: DamagedSpoolFile) {
    super(`spool file ${damaged.file} is damaged: ${damaged.problem}`);
  }
}

/**
 * The disk half of the store-and-forward buffer: whole OTLP request bodies,
 * replayed in key order, also by the next process that opens the directory.
 */
export class Spool {
  readonly dir: string;
  readonly maxBytes: number;
  bytes = 0;
  private lock: FileLock | undefined;

  /** Throws at set-up when the directory cannot be created or another process holds it. */
  constructor(
    options: SpoolOptions,
    private readonly onCompromised: (e: Error) => void,
    private readonly fileMode: number = DEFAULT_FILE_MODE,
  ) {
    this.dir = options.dir;
    this.maxBytes = options.maxBytes ?? DEFAULT_SPOOL_MAX_BYTES;
    makeDirectory(this.dir, dirModeOf(fileMode), 'spool directory');
    this.lock = this.takeLock();
  }

  private takeLock(): FileLock {
    return acquireFileLock(join(this.dir, 'spool'), 'spool directory', (e) => {
      this.lock = undefined;
      this.onCompromised(e);
    });
  }

  /** Whether the lock is held; false after it was lost (a file system that failed). */
  get locked(): boolean {
    return this.lock !== undefined;
  }

  /** Takes the lock again after it was lost; throws when it cannot. */
  relock(): void {
    if (!this.lock) this.lock = this.takeLock();
  }

  /**
   * What a previous process left, oldest first, each file's header and
   * length checked; removes `.tmp` files. A file that fails its check is
   * returned in `damaged`, not trusted.
   */
  load(): { entries: SpoolEntry[]; damaged: DamagedSpoolFile[] } {
    const entries: SpoolEntry[] = [];
    const damaged: DamagedSpoolFile[] = [];
    for (const name of readdirSync(this.dir)) {
      if (name.endsWith('.tmp')) {
        rmSync(join(this.dir, name), { force: true });
        continue;
      }
      const m = NAME.exec(name);
      if (!m) continue;
      const file = join(this.dir, name);
      const key = m[1]!;
      const size = statSync(file).size;
      const head = Buffer.alloc(Math.min(size, MAX_HEADER));
      const fd = openSync(file, 'r');
      try {
        readSync(fd, head, 0, head.length, 0);
      } finally {
        closeSync(fd);
      }
      const parsed = parseHeader(head);
      const problem =
        typeof parsed === 'string'
          ? parsed
          : size !== parsed.length + parsed.header.bytes
            ? `${size - parsed.length} body bytes where the header says ${parsed.header.bytes}`
            : undefined;
      if (problem !== undefined) {
        damaged.push({
          key,
          file,
          problem,
          ...(typeof parsed !== 'string' ? { count: parsed.header.records, encoding: parsed.header.encoding as OtlpEncoding } : {}),
          content: readFileSync(file),
        });
        continue;
      }
      const { header } = parsed as { header: Header };
      entries.push({ key, count: header.records, bytes: header.bytes, file, sha256: header.sha256, encoding: header.encoding as OtlpEncoding });
      this.bytes += header.bytes;
    }
    const byKey = (a: { key: string }, b: { key: string }) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
    return { entries: entries.sort(byKey), damaged: damaged.sort(byKey) };
  }

  fits(bytes: number): boolean {
    return this.bytes + bytes <= this.maxBytes;
  }

  /** Writes a batch; throws on an I/O error (the caller keeps it in memory), leaving no `.tmp` behind. */
  write(key: string, count: number, body: Uint8Array, fsync: boolean, encoding: OtlpEncoding): SpoolEntry {
    const file = join(this.dir, `${key}.otlp.spool`);
    const tmp = `${file}.tmp`;
    const digest = sha256(body);
    const header = Buffer.from(
      JSON.stringify({ format: 'factline-spool', version: 2, encoding, records: count, bytes: body.byteLength, sha256: digest }) + '\n',
      'utf8',
    );
    try {
      const fd = openSync(tmp, 'w', this.fileMode);
      try {
        for (const part of [header, body]) {
          let off = 0;
          while (off < part.byteLength) off += writeSync(fd, part, off, part.byteLength - off);
        }
        if (fsync) fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, file);
    } catch (e) {
      // A full disk must not keep what it could write of a batch that is not spooled.
      rmSync(tmp, { force: true });
      throw e;
    }
    this.bytes += body.byteLength;
    return { key, count, bytes: body.byteLength, file, sha256: digest, encoding };
  }

  /** The request body, checked against its header; throws `SpoolFileDamaged` when it fails. */
  read(entry: SpoolEntry): Uint8Array {
    const content = readFileSync(entry.file);
    const parsed = parseHeader(content.subarray(0, MAX_HEADER));
    const fail = (problem: string) =>
      new SpoolFileDamaged({ key: entry.key, file: entry.file, problem, count: entry.count, content, encoding: entry.encoding });
    if (typeof parsed === 'string') throw fail(parsed);
    const body = content.subarray(parsed.length);
    if (body.byteLength !== entry.bytes || parsed.header.bytes !== entry.bytes)
      throw fail(`${body.byteLength} body bytes where the header says ${entry.bytes}`);
    if (sha256(body) !== entry.sha256 || parsed.header.sha256 !== entry.sha256) throw fail('SHA-256 of the body does not match its header');
    return body;
  }

  remove(entry: SpoolEntry): void {
    rmSync(entry.file, { force: true });
    this.bytes -= entry.bytes;
  }

  /** Writes and removes a small file: throws when the spool cannot be written (`ENOSPC`, `EROFS`). */
  checkWritable(): void {
    const probe = join(this.dir, '.writable.tmp');
    try {
      const fd = openSync(probe, 'w', this.fileMode);
      try {
        writeSync(fd, Buffer.alloc(4096));
      } finally {
        closeSync(fd);
      }
    } finally {
      rmSync(probe, { force: true });
    }
  }

  /** Moves a damaged file out of the spool's names (when it cannot be copied to a dead-letter file). */
  rename(file: string, to: string): void {
    renameSync(file, to);
  }

  /** Removes a damaged file once its content is kept elsewhere (the dead-letter file). */
  discard(file: string): void {
    rmSync(file, { force: true });
  }

  close(): void {
    this.lock?.release();
    this.lock = undefined;
  }
}
