import { checkOptionNames, optionNames } from '../../option-names.js';
import type { FactlineEvent } from '../../envelope/event.js';
import type { EventTypeInfo } from '../../catalog/types.js';
import { checkFileMode, checkPathOption, describeValue } from '../../delivery/delivery-options.js';

/**
 * When the file sink asks the kernel to put written lines on disk.
 *
 * The lines emitted in one tick (the synchronous code around the `emit`
 * calls, up to the next microtask) are written together with one `write(2)`
 * on an O_APPEND descriptor at the end of that tick (a burst past 1 MiB in
 * pieces of whole lines as it goes), or earlier by `flush()`,
 * `shutdown()`, a rotation, or process exit (`process.exit()`, an uncaught
 * exception, the event loop running dry). So a *process* crash that lets
 * 'exit' run loses nothing; one that does not (`kill -9`, an OOM kill, a
 * native crash) loses at most the lines of the tick in progress, which were
 * not in the file yet. A batch is written whole or not at all; a crash in the
 * middle of the `write(2)` leaves a torn last line, which the next open moves
 * aside (a complete last record that only lacks its `\n` is kept instead). The policies differ on *power loss or kernel crash*:
 *
 * - `always`: `fdatasync(2)` after every batch (a group commit: one disk
 *   flush makes every line written before it durable). A line is durable
 *   when the batch holding it has been synced: by the end of the tick it was
 *   emitted in, and always before the emitter's `flush()` resolves. `emit`
 *   returning no longer means the line is on disk; await `flush()` for that.
 * - `interval`: `fdatasync(2)` every `fsyncIntervalMs` when something was
 *   written. Loses at most the last interval of events (plus a torn tail).
 * - `never`: left to the OS's write-back (about 30 s on Linux by default),
 *   except on `flush()`, `shutdown()` and rotation, which always sync.
 */
export type FsyncPolicy = 'always' | 'interval' | 'never';

/** Turns an event into the object written on its line, in place of the envelope. */
export type JsonlFormat = (event: FactlineEvent, type: EventTypeInfo) => Record<string, unknown>;

export interface JsonlSinkOptions {
  /**
   * The events file. Default: env `FACTLINE_EVENTS_FILE` when set and not
   * empty, else `./events.jsonl` (relative to the working directory). The
   * parent directory is created when missing. One writing process per file:
   * two writers would interleave their chains.
   */
  path?: string;
  /** Durability policy, see {@link FsyncPolicy}. Default `'interval'`. */
  fsync?: FsyncPolicy;
  /** Period of the `'interval'` fsync timer (the timer is `unref()`ed). Default `1000` ms. */
  fsyncIntervalMs?: number;
  /**
   * Rotate before a line would take the file past this size. Default
   * `67108864` (64 MiB); `0` never rotates. A single line larger than this
   * is still written, alone in its file.
   */
  maxBytes?: number;
  /** Rotated files kept (`events.jsonl.1` … `.maxFiles`); older ones are deleted. Default `5`. */
  maxFiles?: number;
  /** After the file could not be opened or written, wait this long before trying again. Default `5000` ms. */
  reopenIntervalMs?: number;
  /**
   * Add the hash chain fields `seq`, `prev_hash`, `hash` to every line.
   * Default `true`. Set it to `false` for a foreign flat format that has no chain.
   */
  chain?: boolean;
  /**
   * Replaces the envelope object of each line (Intent's flat format, for
   * example). The chain fields, when `chain` is on, are added after the
   * object's own keys and override keys of the same name. Default: the
   * envelope, fields in `FactlineEvent` order.
   */
  format?: JsonlFormat;
  /**
   * Permissions of the events file (and of a torn tail moved beside it)
   * when factline creates it: it holds payloads. Default `0o600` (owner
   * only); a directory factline creates for it gets the matching search
   * bits (`0o700`). An existing file keeps its permissions.
   */
  fileMode?: number;
  /** Sink name in problems and stats. Default `'jsonl'`. */
  name?: string;
  /** Clock in epoch milliseconds, for the reopen back-off and torn-file names. Default `Date.now`. */
  now?: () => number;
}

export const DEFAULT_EVENTS_FILE = './events.jsonl';
/** Environment variable naming the events file. */
export const EVENTS_FILE_ENV = 'FACTLINE_EVENTS_FILE';
export const DEFAULT_FSYNC_INTERVAL_MS = 1000;
export const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;
export const DEFAULT_MAX_FILES = 5;
export const DEFAULT_REOPEN_INTERVAL_MS = 5000;

export interface ResolvedJsonlOptions {
  path: string;
  fsync: FsyncPolicy;
  fsyncIntervalMs: number;
  maxBytes: number;
  maxFiles: number;
  reopenIntervalMs: number;
  chain: boolean;
  format: JsonlFormat | undefined;
  fileMode: number;
  name: string;
  now: () => number;
}

function nonNegative(name: string, v: number | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
    throw new RangeError(`createJsonlSink: ${name} must be a finite number ≥ 0, got ${String(v)}`);
  }
  return v;
}

function positive(name: string, v: number | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
    throw new RangeError(`createJsonlSink: ${name} must be a finite number > 0, got ${String(v)}`);
  }
  return v;
}

const JSONL_OPTION_NAMES = optionNames<JsonlSinkOptions>()([
  'path',
  'fsync',
  'fsyncIntervalMs',
  'maxBytes',
  'maxFiles',
  'reopenIntervalMs',
  'chain',
  'format',
  'fileMode',
  'name',
  'now',
]);

/**
 * Fills in defaults. Throws at set-up, with the option's name, on a bad
 * value: a `path` or `name` that is empty or only whitespace, a number out
 * of range or not a number, an unknown `fsync`, a `fileMode` past `0o777`,
 * and on a name that is not an option (`pth`).
 */
export function resolveJsonlOptions(o: JsonlSinkOptions, env: NodeJS.ProcessEnv = process.env): ResolvedJsonlOptions {
  checkOptionNames(o, JSONL_OPTION_NAMES, 'createJsonlSink: ', 'createJsonlSink');
  const fsync = o.fsync ?? 'interval';
  if (fsync !== 'always' && fsync !== 'interval' && fsync !== 'never') {
    throw new RangeError(`createJsonlSink: fsync must be 'always', 'interval' or 'never', got ${JSON.stringify(fsync)}`);
  }
  if (o.path !== undefined) checkPathOption('createJsonlSink: path', o.path);
  if (o.name !== undefined && (typeof o.name !== 'string' || o.name.trim() === '')) {
    throw new TypeError(`createJsonlSink: name: ${describeValue(o.name)} is not allowed; pass a non-empty string`);
  }
  if (o.chain !== undefined && typeof o.chain !== 'boolean') {
    throw new TypeError(`createJsonlSink: chain: ${describeValue(o.chain)} is not allowed; pass true or false`);
  }
  for (const key of ['format', 'now'] as const) {
    if (o[key] !== undefined && typeof o[key] !== 'function') {
      throw new TypeError(`createJsonlSink: ${key}: ${describeValue(o[key])} is not allowed; pass a function`);
    }
  }
  if (o.fileMode !== undefined) checkFileMode('createJsonlSink: fileMode', o.fileMode);
  const fromEnv = env[EVENTS_FILE_ENV];
  return {
    path: o.path ?? (fromEnv !== undefined && fromEnv.trim() !== '' ? fromEnv : DEFAULT_EVENTS_FILE),
    fsync,
    fsyncIntervalMs: positive('fsyncIntervalMs', o.fsyncIntervalMs, DEFAULT_FSYNC_INTERVAL_MS),
    maxBytes: nonNegative('maxBytes', o.maxBytes, DEFAULT_MAX_BYTES),
    maxFiles: Math.floor(nonNegative('maxFiles', o.maxFiles, DEFAULT_MAX_FILES)),
    reopenIntervalMs: nonNegative('reopenIntervalMs', o.reopenIntervalMs, DEFAULT_REOPEN_INTERVAL_MS),
    chain: o.chain ?? true,
    format: o.format,
    fileMode: o.fileMode ?? 0o600,
    name: o.name ?? 'jsonl',
    now: o.now ?? Date.now,
  };
}
