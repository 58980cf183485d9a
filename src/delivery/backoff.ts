/**
 * Exponential backoff with jitter, as the Collector's exporterhelper paces
 * retries (`initial_interval`, `multiplier`, `max_interval`,
 * `randomization_factor`), without its `max_elapsed_time`: factline gives up
 * on nothing; the spool's size is the bound instead.
 */
export interface BackoffOptions {
  /** Delay after the first failure, in ms. Default 1000. */
  initialMillis?: number;
  /** Growth per consecutive failure. Default 2. */
  multiplier?: number;
  /**
   * Longest delay, in ms. Default 10000: while the endpoint is down, one
   * probe request every 5–10 s costs little, and the spool starts draining
   * within 10 s of its return (the Collector's exporterhelper uses 30 s).
   */
  maxMillis?: number;
  /** Spread: the delay is drawn from `d × [1 − f, 1 + f]`, so that many clients do not retry in step. Default 0.5. */
  randomizationFactor?: number;
}

/**
 * The delay before retry number `failures` (1 for the first), in ms.
 *
 * @example
 * nextBackoffMs(1); // 500…1500
 * nextBackoffMs(10, { maxMillis: 5000 }); // 2500…5000 (capped at 5000)
 */
export function nextBackoffMs(failures: number, options: BackoffOptions = {}, random: () => number = Math.random): number {
  const initial = options.initialMillis ?? 1000;
  const max = options.maxMillis ?? 10_000;
  const f = options.randomizationFactor ?? 0.5;
  const base = Math.min(max, initial * (options.multiplier ?? 2) ** Math.max(0, failures - 1));
  return Math.min(max, base * (1 - f + 2 * f * random()));
}
