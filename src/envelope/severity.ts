import { SeverityNumber } from '../otel/severity-number.js';

/** Severity of an event, a subset of OpenTelemetry's severity text. */
export type Severity = 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'FATAL';

export const SEVERITY_NUMBER: Readonly<Record<Severity, SeverityNumber>> = {
  TRACE: SeverityNumber.TRACE,
  DEBUG: SeverityNumber.DEBUG,
  INFO: SeverityNumber.INFO,
  WARN: SeverityNumber.WARN,
  ERROR: SeverityNumber.ERROR,
  FATAL: SeverityNumber.FATAL,
};

/**
 * Actions that mark a failure. An action that is one of these words, or ends
 * in `_<word>` (`login_failed`), is ERROR; see `docs/mapping.md`.
 */
const ERROR_ACTIONS = ['failed', 'error', 'errored', 'crashed', 'rejected', 'aborted', 'timed_out', 'timeout'];
const WARN_ACTIONS = ['retried', 'degraded', 'denied', 'locked', 'expired', 'cancelled', 'canceled'];

function endsWithWord(action: string, words: readonly string[]): boolean {
  return words.some((w) => action === w || action.endsWith(`_${w}`));
}

/**
 * The severity convention: derived from the action of the EventID unless the
 * catalog overrides it. Computed once per event type, when the catalog is defined.
 *
 * @example
 * severityForAction('failed'); // 'ERROR'
 * severityForAction('login');  // 'INFO'
 */
export function severityForAction(action: string): Severity {
  if (endsWithWord(action, ERROR_ACTIONS)) return 'ERROR';
  if (endsWithWord(action, WARN_ACTIONS)) return 'WARN';
  return 'INFO';
}

/** Order used by severity filters. */
export const SEVERITY_RANK: Readonly<Record<Severity, number>> = {
  TRACE: 1,
  DEBUG: 5,
  INFO: 9,
  WARN: 13,
  ERROR: 17,
  FATAL: 21,
};
