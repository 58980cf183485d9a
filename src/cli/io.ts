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
