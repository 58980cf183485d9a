import { z } from 'zod';

/*
 * Intent's identifiers (docs/intent.md): a family prefix, a dash, then an
 * alphanumeric tail (`SIG-042`, `TRACE-015`). Intent's reference writes only `SIG-*`;
 * we accept letters, digits, `_` and `-` after the dash, first one alphanumeric,
 * so that `SIG-042` and `SIG-2026-03-30-a` are both valid and `SIG-` is not.
 */
function prefixed(prefix: string, what: string) {
  // The example reaches the JSON Schema (`examples`) and the Weaver registry (docs/catalog.md).
  return z
    .string()
    .regex(new RegExp(`^${prefix}-[A-Za-z0-9][A-Za-z0-9_-]*$`), { message: `expected ${what} id like ${prefix}-042` })
    .meta({ examples: [`${prefix}-042`] });
}

export const SignalId = prefixed('SIG', 'a signal');
export const ClusterId = prefixed('CL', 'a cluster');
export const IntentId = prefixed('INT', 'an intent');
export const TraceKey = prefixed('TRACE', 'a trace');
export const SpecId = prefixed('SPEC', 'a spec');
export const ContractId = prefixed('CON', 'a contract');

/** 0.0–1.0, inclusive: scores, confidences, similarities. */
export const Unit = z.number().min(0).max(1);
/** ISO 8601 date-time with `Z` or an offset (`2026-03-30T14:23:45Z`). */
export const Timestamp = z.iso.datetime({ offset: true }).meta({ examples: ['2026-03-30T14:23:45Z'] });
/** A count: a non-negative integer. */
export const Count = z.int().nonnegative();
/** A duration in seconds: non-negative, fractions allowed (`18.45`). */
export const Seconds = z.number().nonnegative();
/** Free text that must say something. */
export const NonEmptyText = z.string().min(1);
