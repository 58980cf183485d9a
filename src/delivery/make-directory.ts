import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Creates `dir` and its missing parents with `mode`, one directory at a
 * time from the nearest existing ancestor down. Node's recursive mkdir is
 * not used: it reports a read-only file system as `ENOENT` for the path,
 * and under `/proc` it never returns (it spins at full CPU). When a
 * directory cannot be made, the error names `what`, the directory asked
 * for, the one that failed and the file system's own reason (`EROFS`,
 * `EACCES`, `ENOSPC`, `ENOENT`, `ENOTDIR`), with `code` set to it.
 *
 * @throws Error with `code` when a directory cannot be created.
 * @example
 * makeDirectory('/var/lib/app/spool', 0o700, 'spool directory');
 */
export function makeDirectory(dir: string, mode: number, what: string): void {
  const missing: string[] = [];
  for (let d = dir; !existsSync(d); d = dirname(d)) {
    missing.push(d);
    if (dirname(d) === d) break;
  }
  for (const d of missing.reverse()) {
    try {
      mkdirSync(d, { mode });
    } catch (e) {
      const cause = e as NodeJS.ErrnoException;
      if (cause.code === 'EEXIST') continue;
      const hint =
        cause.code === 'EROFS'
          ? 'the file system is read-only'
          : cause.code === 'EACCES' || cause.code === 'EPERM'
            ? 'permission denied'
            : cause.code === 'ENOSPC'
              ? 'the disk is full'
              : cause.code === 'ENOTDIR'
                ? 'a parent is not a directory'
                : cause.message;
      throw Object.assign(
        new Error(`factline: cannot create the ${what} ${dir}: ${cause.code ?? 'error'} at ${d} (${hint}). Give it a writable directory.`, { cause }),
        {
          code: cause.code,
        },
      );
    }
  }
}
