import { closeSync, openSync, statSync } from 'node:fs';

/**
 * Why the events file `file` cannot be read by a command, or undefined when it
 * can. Every command that reads a FILE argument asks this first and exits 2
 * with `factline <command>: <file>: <reason>`, so a directory, a device or a
 * missing file gets the same answer everywhere.
 *
 * Only regular files are read: a directory has no lines, and a character
 * device or FIFO (`/dev/zero`, a named pipe) may never end, which would leave
 * `verify` or `stats` reading forever.
 *
 * @returns 'no such file' | 'is a directory' | 'is not a regular file (…)' |
 *   'permission denied' | the system's message; undefined when readable.
 * @example inputFileProblem('/tmp') // 'is a directory'
 */
export function inputFileProblem(file: string): string | undefined {
  try {
    const s = statSync(file);
    if (s.isDirectory()) return 'is a directory';
    if (!s.isFile()) {
      const kind = s.isCharacterDevice()
        ? 'a character device'
        : s.isBlockDevice()
          ? 'a block device'
          : s.isFIFO()
            ? 'a FIFO'
            : s.isSocket()
              ? 'a socket'
              : 'not a file';
      return `is not a regular file (${kind}); events files are read as regular files only`;
    }
    closeSync(openSync(file, 'r'));
    return undefined;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return 'no such file';
    if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
    return (e as Error).message;
  }
}
