import { formatIssues, type ValidationIssue } from './issue.js';

/**
 * Thrown by `emit` in `strict` validation mode only. `issues` says which
 * field failed and why, as data.
 *
 * @example
 * try { emit('auth.user.login:1', { mfa: 'yes' }); }
 * catch (e) { if (e instanceof FactlineValidationError) console.log(e.issues[0].path); }
 */
export class FactlineValidationError extends Error {
  override readonly name = 'FactlineValidationError';
  readonly code = 'FACTLINE_VALIDATION_FAILED';
  constructor(
    readonly eventId: string,
    readonly issues: readonly ValidationIssue[],
  ) {
    super(`Invalid event "${eventId}": ${formatIssues(issues)}`);
  }
}
