import { formatIssues, type ValidationIssue } from './issue.js';

/**
 * Thrown by `emit` in `strict` validation mode only. `issues` says which
 * field failed and why, as data.
 *
 * @example
 * const events = createEmitter(catalog, { validation: 'strict' });
 * try {
 *   // @ts-expect-error: TypeScript refuses the wrong type at compile time, strict validation at run time
 *   events.emit('auth.user.login:1', { user_id: 'u-1', ip: '192.0.2.1', method: 'password', mfa: 'yes' });
 * } catch (e) {
 *   if (e instanceof FactlineValidationError) console.log(e.issues[0]?.path); // ['mfa']
 * }
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
