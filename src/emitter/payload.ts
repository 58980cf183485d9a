import { createHash, createHmac } from 'node:crypto';
import { EVERY_ELEMENT, type PiiRule } from '../catalog/pii.js';
import { canonicalJson } from '../chain/canonical.js';
import type { ValidationIssue } from '../validation/issue.js';
import { readJsonValue, type JsonRead } from '../validation/json-value.js';

/** The payload as `emit` read it once, before the schema. */
export interface ReadPayload {
  /** A plain JSON value; the oversize stub when the payload is too large. */
  value: unknown;
  /** What could not be carried as given (markers in `value`), or the size issue. */
  issues: ValidationIssue[];
  /** `value` holds an integer outside int64. */
  wideIntegers: boolean;
  /** True when `value` is the oversize stub: the schema is not checked against it. */
  stub: boolean;
  /** An upper bound of `value`'s JSON size in bytes, or its exact size when measured. */
  maxBytes: number;
  /** With `stub`: the whole payload as read, its personal data already protected, for the problem handler. */
  full?: unknown;
  /** With `stub` and personal-data rules: the clear values the rules replaced (see {@link PiiApplier}). */
  clear?: string[];
  /** With a checking reader (`compileCheckedRead`), its verdict: true when the schema checks would find no issue in `value`. */
  accepted?: boolean;
}

/** The least a payload's JSON is read to before `emit` gives up on it: 1 MiB (or 4 × `maxPayloadBytes`). */
const READ_BUDGET_MIN_BYTES = 1024 * 1024;

/** How much of an oversized payload's JSON the stub previews, in UTF-16 units. */
const PREVIEW_CHARS = 1024;

function preview(json: string): string {
  if (json.length <= PREVIEW_CHARS) return json;
  // Never end on half a surrogate pair: the preview must stay well-formed.
  const c = json.charCodeAt(PREVIEW_CHARS - 1);
  return json.slice(0, c >= 0xd800 && c <= 0xdbff ? PREVIEW_CHARS - 1 : PREVIEW_CHARS);
}

/**
 * Step 2 of `emit`: read the payload once into a plain JSON value, and keep
 * the record within `maxBytes`. A payload whose JSON (markers included) is
 * larger becomes `{ $factline_truncated, bytes, sha256, preview }`. Never throws.
 */
export function readPayload(
  payload: unknown,
  maxBytes: number,
  pii?: { rules: readonly PiiRule[]; apply: PiiApplier },
  reader: (value: unknown, budgetBytes: number) => JsonRead & { accepted?: boolean } = readJsonValue,
): ReadPayload {
  // Reading stops once the JSON is certainly past the limit (with room for
  // the stub's preview and digest to cover a good part of it): the work and
  // memory one emit spends stay bounded whatever the payload. `reader` is
  // the type's compiled read (`compileRead`), the same result, faster; or
  // its checking read (`compileCheckedRead`), which also gives the schema's verdict.
  const read = reader(payload, Math.max(READ_BUDGET_MIN_BYTES, 4 * maxBytes));
  if (!read.partial && read.maxBytes <= maxBytes)
    return { value: read.value, issues: read.issues, wideIntegers: read.wideIntegers, stub: false, maxBytes: read.maxBytes, accepted: read.accepted };
  let json = JSON.stringify(read.value) ?? 'null';
  const bytes = read.partial ? read.minBytes : Buffer.byteLength(json, 'utf8');
  if (!read.partial && bytes <= maxBytes)
    return { value: read.value, issues: read.issues, wideIntegers: read.wideIntegers, stub: false, maxBytes: bytes, accepted: read.accepted };
  // The stub previews and digests the payload's JSON: its personal data goes first.
  // Without rules the handler gets the caller's payload itself, markers and all unread.
  let full = payload;
  let clear: string[] | undefined;
  if (pii !== undefined) {
    clear = [];
    full = pii.apply(pii.rules, read.value, clear);
    // `bytes` stays the size as given (the limit applies to it); preview and sha256 are of the protected JSON.
    json = JSON.stringify(full) ?? 'null';
  }
  const issue: ValidationIssue = {
    code: 'payload_too_large',
    path: [],
    message: read.partial
      ? `payload is more than ${bytes} bytes of JSON (reading stopped there); the limit is ${maxBytes} (maxPayloadBytes)`
      : `payload is ${bytes} bytes of JSON; the limit is ${maxBytes} (maxPayloadBytes)`,
  };
  return {
    // With `partial`, `bytes` is a lower bound and `sha256` digests the part that was read.
    value: {
      $factline_truncated: true,
      bytes,
      sha256: createHash('sha256').update(json).digest('hex'),
      preview: preview(json),
      ...(read.partial ? { partial: true } : {}),
    },
    issues: [issue, ...read.issues],
    wideIntegers: false,
    stub: true,
    maxBytes: PREVIEW_CHARS * 6 + 200,
    full,
    ...(clear !== undefined ? { clear } : {}),
  };
}

/**
 * Applies an event type's compiled personal-data rules to a payload as read
 * (a plain JSON value that belongs to the event, never to the caller), in
 * place, and returns it (a new value only when the payload itself is
 * replaced). `clear`, when given, receives the text forms of every value
 * replaced, so that messages quoting them can be scrubbed ({@link scrubIssues}).
 */
export type PiiApplier = (rules: readonly PiiRule[], value: unknown, clear?: string[]) => unknown;

/** The prefix of a hashed value: says which function made it. */
export const PII_HASH_PREFIX = 'hmac-sha256:';

/**
 * The keyed hash of one personal-data value: `hmac-sha256:<64 hex>`, the
 * HMAC-SHA-256 under `key` of the value's UTF-8 text when it is a string, of
 * its canonical JSON (sorted keys) otherwise. The same value and key give
 * the same hash in every process, so events stay joinable on it.
 *
 * @example
 * hashPiiValue('alice@example.com', 'k'); // 'hmac-sha256:…' (64 hex digits)
 */
export function hashPiiValue(value: unknown, key: string | Buffer): string {
  const text = typeof value === 'string' ? value : canonicalJson(value);
  return PII_HASH_PREFIX + createHmac('sha256', key).update(text, 'utf8').digest('hex');
}

/**
 * Every string and number inside a value, and every key of its objects (a
 * record may be keyed by email address), as text, for scrubbing issues.
 */
function collectClear(v: unknown, out: string[], declared: ReadonlySet<string>, depth = 0): void {
  if (typeof v === 'string') {
    if (v !== '') out.push(v);
  } else if (typeof v === 'number' || typeof v === 'boolean') {
    out.push(String(v));
  } else if (Array.isArray(v)) {
    if (depth < 64) for (const x of v) collectClear(x, out, declared, depth + 1);
  } else if (typeof v === 'object' && v !== null && depth < 64) {
    for (const [k, x] of Object.entries(v)) {
      // A field name of the schema is not personal; any other key may be.
      if (k !== '' && !declared.has(k)) out.push(k);
      collectClear(x, out, declared, depth + 1);
    }
  }
}

type Holder = Record<string, unknown> | unknown[];
const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A {@link PiiApplier} keyed once for an emitter. Where the payload does not
 * have the shape a rule expects (a string where `contact.phone` wants an
 * object, an object where `items[]` wants an array: an invalid payload), the
 * whole mismatched value is treated as the rule's field, so that an invalid
 * payload cannot carry its personal data past the rule. A missing field or a
 * `null` on the way is left as it is. `drop` on an array element removes it.
 *
 * @example
 * const apply = createPiiApplier('k');
 * apply(catalog.get('a.user.created:1')!.piiRules!, { contact: { phone: '+1555' } });
 * // { contact: { phone: 'hmac-sha256:…' } }
 */
export function createPiiApplier(key: string): PiiApplier {
  const keyBytes = Buffer.from(key, 'utf8');
  const replace = (holder: Holder, k: string | number, rule: PiiRule, clear: string[] | undefined): void => {
    const v = (holder as Record<string | number, unknown>)[k];
    if (clear !== undefined) collectClear(v, clear, rule.declaredKeys);
    const action = rule.action;
    if (action === 'hash') (holder as Record<string | number, unknown>)[k] = hashPiiValue(v, keyBytes);
    else if (Array.isArray(holder)) holder.splice(k as number, 1);
    else delete holder[k as string];
  };
  // Values replaced because they had the wrong shape, per holder: a second
  // rule through the same value (contact.phone, contact.address) leaves the
  // first rule's result alone. Made only when a payload has the wrong shape.
  type Replaced = Map<Holder, Set<string | number>>;
  const mismatch = (holder: Holder, k: string | number, rule: PiiRule, clear: string[] | undefined, replaced: { map?: Replaced }): void => {
    replaced.map ??= new Map();
    const keys = replaced.map.get(holder);
    if (keys?.has(k)) return;
    replace(holder, k, rule, clear);
    if (keys) keys.add(k);
    else replaced.map.set(holder, new Set([k]));
  };
  const visit = (holder: Holder, k: string | number, rule: PiiRule, i: number, clear: string[] | undefined, replaced: { map?: Replaced }): void => {
    const v = (holder as Record<string | number, unknown>)[k];
    if (v === null || v === undefined) return;
    if (i === rule.steps.length) return replace(holder, k, rule, clear);
    const step = rule.steps[i]!;
    if (step === EVERY_ELEMENT) {
      if (!Array.isArray(v)) return mismatch(holder, k, rule, clear, replaced);
      // From the end, so that a dropped element does not shift those still to visit.
      for (let j = v.length - 1; j >= 0; j--) visit(v, j, rule, i + 1, clear, replaced);
      return;
    }
    if (!isPlainObject(v)) return mismatch(holder, k, rule, clear, replaced);
    if (Object.hasOwn(v, step)) visit(v, step, rule, i + 1, clear, replaced);
  };
  return (rules, value, clear) => {
    const box: Record<string, unknown> = { payload: value };
    const replaced: { map?: Replaced } = {};
    for (const rule of rules) visit(box, 'payload', rule, 0, clear, replaced);
    // A payload that is itself replaced (not the shape any rule expects) and dropped becomes null.
    return Object.hasOwn(box, 'payload') ? box.payload : null;
  };
}

/** The message that replaces one that quoted a personal-data value. */
const WITHHELD = 'the message quoted a personal-data value and is withheld';
/** The path segment that replaces a key that is a personal-data value. */
const WITHHELD_KEY = '(personal data)';

/**
 * Issues whose message quotes a clear personal-data value (a custom zod
 * message or error map may quote the input) get a message that does not,
 * and a path segment that is one (a key of a record keyed by email
 * address) becomes `(personal data)`; the code and the zod code stay.
 * Returns `issues` itself when none did, so an event without personal data
 * pays one scan.
 *
 * @example
 * scrubIssues([{ code: 'schema', schemaCode: 'custom', path: ['email'], message: 'alice@x is taken' }], ['alice@x']);
 * // [{ code: 'schema', schemaCode: 'custom', path: ['email'], message: 'the message quoted a personal-data value and is withheld' }]
 */
export function scrubIssues(issues: ValidationIssue[], clear: readonly string[]): ValidationIssue[] {
  if (clear.length === 0) return issues;
  const set = new Set(clear);
  let out: ValidationIssue[] | undefined;
  issues.forEach((issue, n) => {
    const quoted = clear.some((c) => issue.message.includes(c));
    const keyed = issue.path.some((p) => typeof p === 'string' && set.has(p));
    if (!quoted && !keyed) return;
    out ??= issues.slice();
    out[n] = {
      ...issue,
      ...(quoted ? { message: WITHHELD } : {}),
      ...(keyed ? { path: issue.path.map((p) => (typeof p === 'string' && set.has(p) ? WITHHELD_KEY : p)) } : {}),
    };
  });
  return out ?? issues;
}
