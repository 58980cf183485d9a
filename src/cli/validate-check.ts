/**
 * The checks of `factline validate` that need the catalog (and with it zod):
 * loaded when a line is not one the generated Intent accept proves valid
 * (`src/intent/flat-accept.generated.ts`), or at once with `--catalog`.
 */
import type { Catalog } from '../catalog/define.js';
import { isLineProblem, type JsonLine } from '../lines/json-line.js';
import { intentCatalog } from '../intent/catalog.js';
import { checkIntentRecord, isIsoTimestamp, isValidIntentRecord, lineIssue, type IntentLineIssue, type IntentLineIssueCode } from '../intent/flat-read.js';
import type { EventTypeInfo } from '../catalog/types.js';
import { missingEvent } from '../catalog/missing-event.js';
import { isEventId } from '../eventid/parse.js';
import { checkPayload, DEFAULT_MAX_PAYLOAD_BYTES } from '../validation/validate.js';
import { formatPath } from '../validation/issue.js';
import { compileParsedPayloadCheck, type ParsedPayloadCheck } from '../validation/parsed-payload.js';
import { loadCatalog } from './catalog-option.js';

/** What validation reads of a catalog (any `Catalog<D>` fits, whatever its entries). */
type CatalogView = Pick<Catalog, 'name' | 'get' | 'list'>;

/** A catalog `--catalog` names, and whether it reads flat lines (lines without `event_id`): Intent's form. */
export interface CatalogChoice {
  catalog: CatalogView;
  /** True for the built-in intent catalog, whose flat lines `checkIntentRecord` reads. */
  flat: boolean;
  /** Whether the user named it; when not, an unknown EventID's message says how to. */
  given: boolean;
  /** Each envelope type's fast accept, compiled on its first line (null: none is sound for it). */
  accepts: Map<EventTypeInfo, ParsedPayloadCheck | null>;
  /** `--max-payload-bytes`: the largest payload, in UTF-8 bytes of its JSON, that is valid. */
  maxPayloadBytes: number;
}

/** The catalog of `--catalog`; Intent's flat line form when it is the built-in intent catalog. */
export async function choose(spec: string | undefined, maxPayloadBytes: number): Promise<CatalogChoice> {
  const catalog = await loadCatalog(spec ?? 'intent');
  return { catalog, given: spec !== undefined, flat: catalog === (intentCatalog as unknown), accepts: new Map(), maxPayloadBytes };
}

/**
 * Checks a factline envelope line: `event_id` in the catalog, `payload`
 * against its schema (fields reported as `payload.<path>`) and against
 * `maxPayloadBytes` (UTF-8 bytes of its JSON, default 65536, emit's), `time`
 * ISO 8601, and no `invalid` member (one `flagged_invalid` issue when its
 * writer delivered it flagged). Chain and other envelope fields are
 * `factline verify`'s business.
 *
 * @example
 * checkEnvelopeRecord({ event_id: 'a.b.c:1', time: '2026-03-30T14:30:00.000Z', payload: { s: '\uFFFD' }, invalid: { issues: [{ code: 'lone_surrogate', path: ['s'], message: '…' }] } }, catalog, 7);
 * // [{ line: 7, field: 'invalid', code: 'flagged_invalid', message: 'its writer delivered this event flagged invalid: lone_surrogate at s' }]
 */
export function checkEnvelopeRecord(
  record: Record<string, unknown>,
  catalog: CatalogView,
  line: number,
  hint = '',
  maxPayloadBytes = DEFAULT_MAX_PAYLOAD_BYTES,
): IntentLineIssue[] {
  const issues: IntentLineIssue[] = [];
  const id = record.event_id;
  const type = typeof id === 'string' ? catalog.get(id) : undefined;
  if (typeof id !== 'string') {
    issues.push({ line, field: 'event_id', code: 'invalid_event_id', message: `event_id must be a string, found ${JSON.stringify(id) ?? 'nothing'}` });
  } else if (type === undefined && !isEventId(id)) {
    // An id that breaks the EventID grammar is in no catalog: the issue names the rule it breaks.
    issues.push({ line, field: 'event_id', code: 'invalid_event_id', message: missingEvent(id, catalog.name).message });
  } else if (type === undefined) {
    issues.push({
      line,
      field: 'event_id',
      code: 'unknown_event',
      message: `unknown event id ${JSON.stringify(id)}; catalog "${catalog.name}" has ${catalog
        .list()
        .map((t) => t.id)
        .join(', ')}${hint}`,
    });
  } else {
    for (const i of checkPayload(type, record.payload, maxPayloadBytes).issues) issues.push(lineIssue(i, line, record.payload, 'payload'));
  }
  if (!isIsoTimestamp(record.time)) {
    issues.push({
      line,
      field: 'time',
      code: 'invalid_timestamp',
      message: `${JSON.stringify(record.time) ?? 'missing'}: expected an ISO 8601 date-time like 2026-03-30T14:23:45.000Z`,
    });
  }
  // The writer's own verdict: its markers (U+FFFD, "[factline: String]") pass the schema, so only this member tells.
  if (Object.hasOwn(record, 'invalid')) issues.push(flaggedIssue(record.invalid, line));
  return issues;
}

/** How many of the carried issues a `flagged_invalid` message names. */
const FLAGGED_SHOWN = 3;
const FLAGGED = 'its writer delivered this event flagged invalid';

/**
 * The issue of a line whose envelope has an `invalid` member
 * (`{"issues": [...], "issues_total"?: N}`, docs/mapping.md): emit's
 * `'report'` mode delivered the event with its bad values replaced, so the
 * payload as written may pass every check. Names the first carried issues'
 * codes and paths (`lone_surrogate at content, schema (too_big) at tags[0],
 * and 9 more`).
 */
function flaggedIssue(invalid: unknown, line: number): IntentLineIssue {
  const issues = typeof invalid === 'object' && invalid !== null ? (invalid as Record<string, unknown>).issues : undefined;
  if (!Array.isArray(issues)) {
    const found =
      invalid === null
        ? 'null'
        : Array.isArray(invalid)
          ? 'an array'
          : typeof invalid === 'object'
            ? 'an object'
            : `${typeof invalid} ${JSON.stringify(invalid)}`;
    return { line, field: 'invalid', code: 'flagged_invalid', message: `${FLAGGED}; its "invalid" member should be {"issues":[...]}, found ${found}` };
  }
  const named = issues.slice(0, FLAGGED_SHOWN).map((i: unknown) => {
    const r = typeof i === 'object' && i !== null ? (i as Record<string, unknown>) : {};
    const code = typeof r.code === 'string' ? r.code : 'no code';
    const detail = typeof r.schemaCode === 'string' ? ` (${r.schemaCode})` : '';
    const path =
      Array.isArray(r.path) && r.path.length > 0 && r.path.every((p) => typeof p === 'string' || typeof p === 'number')
        ? ` at ${formatPath(r.path as (string | number)[])}`
        : '';
    return code + detail + path;
  });
  const total = (invalid as Record<string, unknown>).issues_total;
  const more = Math.max(issues.length, typeof total === 'number' && Number.isSafeInteger(total) ? total : 0) - named.length;
  const list = named.length === 0 ? 'no issue named' : named.join(', ') + (more > 0 ? `, and ${more} more` : '');
  return { line, field: 'invalid', code: 'flagged_invalid', message: `${FLAGGED}: ${list}` };
}

/** Said after an unknown EventID when no --catalog was given: the file is likely the user's own. */
const NO_CATALOG_HINT = '; no --catalog was given, so the built-in intent catalog was used: give --catalog ./catalog.js#catalog to check against yours';

/** The result of a valid line, shared: a valid line allocates no issue list. */
const NO_ISSUES: IntentLineIssue[] = [];

/**
 * Whether an envelope line is certainly valid, by the fast accept of its
 * type: true only when {@link checkEnvelopeRecord} would find nothing.
 */
function isValidEnvelope(record: Record<string, unknown>, text: string, bytes: number, choice: CatalogChoice): boolean {
  const id = record.event_id;
  // A flagged line is never valid, whatever its payload: the full checks report it.
  if (typeof id !== 'string' || Object.hasOwn(record, 'invalid')) return false;
  const type = choice.catalog.get(id);
  if (type === undefined) return false;
  let accept = choice.accepts.get(type);
  if (accept === undefined) {
    accept = compileParsedPayloadCheck(type) ?? null;
    choice.accepts.set(type, accept);
  }
  return accept !== null && isIsoTimestamp(record.time) && accept.accepts(record.payload, text, bytes, choice.maxPayloadBytes);
}

/**
 * The issues of one line (`record`, what `parseJsonLine` made of `text`).
 * A valid line is accepted by the fast path (one `JSON.parse`, zod's compiled check, what the schema leaves unproven); any
 * other line goes through the full checks, which build the issues, so the
 * fast path changes no issue, code or message.
 */
export function checkLine(record: JsonLine, text: string, bytes: number, line: number, choice: CatalogChoice): IntentLineIssue[] {
  if (isLineProblem(record)) return [{ line, field: '(line)', code: record.code as IntentLineIssueCode, message: record.message }];
  if (Object.hasOwn(record, 'event_id')) {
    if (isValidEnvelope(record, text, bytes, choice)) return NO_ISSUES;
    return checkEnvelopeRecord(record, choice.catalog, line, choice.given ? '' : NO_CATALOG_HINT, choice.maxPayloadBytes);
  }
  if (choice.flat) {
    // Intent's flat form carries no flag: an `invalid` key is a field its strict schemas reject.
    if (isValidIntentRecord(record, text, bytes, choice.maxPayloadBytes)) return NO_ISSUES;
    const r = checkIntentRecord(record, line, choice.maxPayloadBytes);
    return r.ok ? NO_ISSUES : r.issues;
  }
  return [
    {
      line,
      field: 'event_id',
      code: 'invalid_event_id',
      message: `missing event_id; catalog "${choice.catalog.name}" has no flat form, so every line must be an envelope`,
    },
  ];
}
