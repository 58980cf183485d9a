import type { CliIo } from '../../src/cli/io.js';

/** An io that keeps what a command prints; not a terminal unless told. */
export function capture(tty = false): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, outIsTTY: tty, errIsTTY: tty, out: (l) => void stdout.push(l), err: (l) => void stderr.push(l) };
}
