/**
 * Timeout of a fast-check property test, in milliseconds. A property test runs
 * its predicate thousands of times: under two seconds on an idle machine, and
 * past ten seconds on a shared two-core one (vitest's 5 s default failed there).
 * These tests assert behaviour, never speed, so the timeout only has to catch
 * a hang, not a slow run.
 */
export const PROPERTY_TEST_TIMEOUT_MS = 120_000;
