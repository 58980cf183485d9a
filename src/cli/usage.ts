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
  return safeWhole(text, what);
}

/** `text` (digits) as a number, refused when it is past 2^53 - 1: Number() would round it (99999999999999999999 → 1e20) and the limit checked would not be the one typed. */
function safeWhole(text: string, what: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n))
    throw new UsageError(`${what} is too large: ${text} is past ${Number.MAX_SAFE_INTEGER}, the largest whole number the options hold exactly`);
  return n;
}

/** A whole number option that may be 0. */
export function nonNegativeInt(text: string | undefined, what: string, fallback: number): number {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text)) throw new UsageError(`${what} needs a whole number ≥ 0, got ${JSON.stringify(text)}`);
  return safeWhole(text, what);
}
