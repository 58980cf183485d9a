/**
 * Usage errors and the option values every command reads, apart from the
 * query backend and time options (options.ts): a command that needs only
 * these (`validate`) does not load the Loki client at start-up.
 */

/** A usage error: the command prints it with its help and exits 2. */
export class UsageError extends Error {}

/** A whole number option. */
export function positiveInt(text: string | undefined, what: string, fallback: number): number {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new UsageError(`${what} needs a whole number ≥ 1, got ${JSON.stringify(text)}`);
  return Number(text);
}

/** A whole number option that may be 0. */
export function nonNegativeInt(text: string | undefined, what: string, fallback: number): number {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text)) throw new UsageError(`${what} needs a whole number ≥ 0, got ${JSON.stringify(text)}`);
  return Number(text);
}
