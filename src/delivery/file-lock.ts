import { readFileSync, rmSync, writeFileSync, rmdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import lockfile from 'proper-lockfile';
import { makeDirectory } from './make-directory.js';

/** Who holds a lock, as written beside it by the holder. */
export interface LockHolder {
  pid: number;
  hostname: string;
  /** ISO 8601 time the lock was taken. */
  since: string;
  /** The holder's start time in clock ticks since boot (`/proc/<pid>/stat` field 22), where the OS tells it. */
  start?: string;
  /** The kernel's boot id (`/proc/sys/kernel/random/boot_id`), where the OS tells it. */
  boot?: string;
}

/** Start time of a process in clock ticks since boot (Linux), or undefined. */
function startTimeOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 2 (comm) may hold spaces and parentheses: count from the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function bootId(): string | undefined {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return undefined;
  }
}

/**
 * Whether the holder is a process that is still running: its pid exists,
 * and, where the holder recorded them, with the same start time since the
 * same boot. A container restarted in place gets the same pid (often 1)
 * and hostname, but a new start time (or boot id): its old lock is stale.
 */
function holderRunning(holder: LockHolder, ownerPath: string): boolean {
  if (holder.boot !== undefined && bootId() !== undefined && holder.boot !== bootId()) return false;
  if (holder.start !== undefined) {
    const now = startTimeOf(holder.pid);
    if (now !== undefined) return now === holder.start;
  }
  // Without a recorded start time, this process is the holder only if it took the lock itself.
  if (holder.pid === process.pid) return heldHere.has(ownerPath);
  return alive(holder.pid);
}

/** The owner files of the locks this process holds. */
const heldHere = new Set<string>();

/** A held lock; `release` is idempotent. */
export interface FileLock {
  readonly path: string;
  release(): void;
}

/*
 * proper-lockfile removes its lock directories when the process exits; the
 * owner files beside them are removed here, so a clean exit leaves nothing.
 */
const ownerFiles = new Set<string>();
let exitHook = false;
function removeOwnerFilesAtExit(path: string): void {
  ownerFiles.add(path);
  if (exitHook) return;
  exitHook = true;
  process.once('exit', () => {
    for (const f of ownerFiles) rmSync(f, { force: true });
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readHolder(ownerPath: string): LockHolder | undefined {
  try {
    const h = JSON.parse(readFileSync(ownerPath, 'utf8')) as LockHolder;
    return typeof h.pid === 'number' ? h : undefined;
  } catch {
    return undefined;
  }
}

function describe(holder: LockHolder | undefined, ownerPath: string): string {
  if (!holder) return 'another writer (holder unknown)';
  const self = holder.pid === process.pid && holder.hostname === hostname() && holderRunning(holder, ownerPath);
  return `${self ? 'this process' : 'process'} ${holder.pid} on ${holder.hostname} since ${holder.since}`;
}

/**
 * Takes the single-writer lock of `path` (an events file or a spool
 * directory): `proper-lockfile`'s `<path>.lock` directory, which works
 * across processes and on network file systems, plus a `<path>.lock-owner`
 * file naming the holder so that a refused writer can say who holds it.
 *
 * A lock left by a process that was killed on this host is taken over at
 * once: its pid is gone, or the pid is running but is not the holder (a
 * different start time or boot id, as when a container restarts in place
 * with the same pid and hostname). A lock of another host is only taken
 * over once `proper-lockfile` finds it stale (not refreshed for `staleMs`).
 *
 * A missing parent directory is created with `dirMode` (default `0o700`).
 *
 * `onCompromised` is called (instead of proper-lockfile's default, which
 * throws from a timer into the host) when the lock could not be refreshed.
 *
 * Throws when the lock is held (an error with `code: 'ELOCKED'` and a
 * message naming the path, the holder and the fix), or the file system's
 * error when the lock cannot be made at all.
 *
 * @example
 * const lock = acquireFileLock('/var/lib/app/events.jsonl', 'events file');
 * // ... write ...
 * lock.release();
 */
export function acquireFileLock(path: string, what: string, onCompromised: (e: Error) => void = () => undefined, staleMs = 10_000, dirMode = 0o700): FileLock {
  const lockPath = `${path}.lock`;
  const ownerPath = `${path}.lock-owner`;
  makeDirectory(dirname(path), dirMode, `directory of the ${what}`);
  const take = () => lockfile.lockSync(path, { realpath: false, lockfilePath: lockPath, stale: staleMs, update: Math.min(5_000, staleMs / 2), onCompromised });
  let unlock: () => void;
  try {
    unlock = take();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ELOCKED') throw e;
    const holder = readHolder(ownerPath);
    if (holder && holder.hostname === hostname() && !holderRunning(holder, ownerPath)) {
      // The holder was killed (SIGKILL, OOM, a container restarted in place): its lock cannot be refreshed any more.
      try {
        rmdirSync(lockPath);
      } catch {
        // raced with another taker; the second attempt decides
      }
      unlock = take();
    } else {
      throw Object.assign(
        new Error(
          `factline: the ${what} ${path} is locked by ${describe(holder, ownerPath)}: one writer per ${what}. ` +
            `Give this process its own path, or stop the other writer (a lock left by a crashed process on another host expires after ${staleMs} ms).`,
          { cause: e },
        ),
        { code: 'ELOCKED' },
      );
    }
  }
  const start = startTimeOf(process.pid);
  const boot = bootId();
  const holder: LockHolder = {
    pid: process.pid,
    hostname: hostname(),
    since: new Date().toISOString(),
    ...(start !== undefined ? { start } : {}),
    ...(boot !== undefined ? { boot } : {}),
  };
  heldHere.add(ownerPath);
  writeFileSync(ownerPath, JSON.stringify(holder) + '\n');
  removeOwnerFilesAtExit(ownerPath);
  let released = false;
  return {
    path,
    release() {
      if (released) return;
      released = true;
      heldHere.delete(ownerPath);
      ownerFiles.delete(ownerPath);
      rmSync(ownerPath, { force: true });
      try {
        unlock();
      } catch {
        // already compromised or removed; nothing left to release
      }
    },
  };
}
