import { writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** Where a command writes; the tests pass their own. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  /** Whether stdout is a terminal (tables, colour). Default: the process's, when `out` is the process's. */
  outIsTTY?: boolean;
  /** Whether stderr is a terminal (progress). Default: the process's, when `err` is the process's. */
  errIsTTY?: boolean;
}

export const processIo: CliIo = {
  out: (l) => process.stdout.write(l + '\n'),
  err: (l) => process.stderr.write(l + '\n'),
};

/** Whether stdout is a terminal: colour and tables only then (and never with `NO_COLOR` set, for colour). */
export function outIsTTY(io: CliIo): boolean {
  return io.outIsTTY ?? (io.out === processIo.out && process.stdout.isTTY === true);
}

/** Whether stderr is a terminal: progress lines only then. */
export function errIsTTY(io: CliIo): boolean {
  return io.errIsTTY ?? (io.err === processIo.err && process.stderr.isTTY === true);
}

/** Colour on a terminal only, and never when `NO_COLOR` is set (https://no-color.org). */
export function useColor(io: CliIo): boolean {
  return outIsTTY(io) && !process.env.NO_COLOR;
}

/**
 * Whether `--json` is among `args` (before a `--`), known before they are
 * parsed, so that a parse error is printed as JSON too.
 */
export function wantsJson(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end < 0 ? args : args.slice(0, end)).includes('--json');
}

/**
 * An error as `--json` prints it: one line on stdout,
 * `{"ok":false,"error":{"code","message"}}` (and `position` for a LogQL
 * syntax error), the form every command with `--json` uses.
 *
 * @example
 * jsonError('usage', 'missing FILE'); // '{"ok":false,"error":{"code":"usage","message":"missing FILE"}}'
 */
export function jsonError(code: string, message: string, position?: number): string {
  return JSON.stringify({ ok: false, error: { code, message, ...(position !== undefined ? { position } : {}) } });
}

/** Why the file system refused, in plain words, with the system's code: `the directory /x does not exist (ENOENT)`. */
function plainCause(file: string, e: unknown): string {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  const words: Record<string, string> = {
    ENOENT: `the directory ${dirname(file)} does not exist`,
    ENOTDIR: `a part of the path ${dirname(file)} is not a directory`,
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    EISDIR: `${file} is a directory`,
    EROFS: 'the file system is read-only',
    ENOSPC: 'no space is left on the device',
    EDQUOT: 'the disk quota is used up',
  };
  const said = code !== undefined && Object.hasOwn(words, code) ? words[code]! : (e as Error).message;
  return code !== undefined ? `${said} (${code})` : said;
}

/**
 * A file a command was to write that could not be written. The command
 * prints `factline <command>: <message>` (with `--json`, the error code
 * `unwritable_file`) and exits 2, as for a file it cannot read.
 */
export class OutputFileError extends Error {
  constructor(
    /** The file (or directory) that could not be written. */
    readonly file: string,
    cause: unknown,
    what = 'write',
  ) {
    super(`cannot ${what} ${file}: ${plainCause(file, cause)}`, { cause });
    this.name = 'OutputFileError';
  }
}

/**
 * Writes `text` to `file`, or throws {@link OutputFileError} naming the file
 * and the cause in plain words.
 *
 * @example
 * writeOutputFile('/nonexistent/dir/x.json', '{}');
 * // throws OutputFileError: cannot write /nonexistent/dir/x.json: the directory /nonexistent/dir does not exist (ENOENT)
 */
export function writeOutputFile(file: string, text: string): void {
  try {
    writeFileSync(file, text);
  } catch (e) {
    throw new OutputFileError(file, e);
  }
}
