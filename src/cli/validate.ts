import { parseArgs } from 'node:util';
import { printable } from './printable.js';
import { inputFileProblem } from './input-file.js';
import type { Catalog } from '../catalog/define.js';
import { readLineBatches } from '../lines/read-lines.js';
import { intentCatalog } from '../intent/catalog.js';
import { checkIntentRecord, isIsoTimestamp, isValidIntentRecord, lineIssue, parseJsonObjectLine, type IntentLineIssue } from '../intent/flat-read.js';
import type { EventTypeInfo } from '../catalog/types.js';
import { missingEvent } from '../catalog/missing-event.js';
import { isEventId } from '../eventid/parse.js';
import { checkPayload, DEFAULT_MAX_PAYLOAD_BYTES } from '../validation/validate.js';
import { formatPath } from '../validation/issue.js';
import { compileParsedPayloadCheck, type ParsedPayloadCheck } from '../validation/parsed-payload.js';
import { processIo, type CliIo } from './io.js';
import { CATALOG_HELP, loadCatalog } from './catalog-option.js';
import { UsageError, positiveInt } from './options.js';

/** What validation reads of a catalog (any `Catalog<D>` fits, whatever its entries). */
type CatalogView = Pick<Catalog, 'name' | 'get' | 'list'>;

/** A catalog `--catalog` names, and whether it reads flat lines (lines without `event_id`): Intent's form. */
interface CatalogChoice {
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
async function choose(spec: string | undefined, maxPayloadBytes: number): Promise<CatalogChoice> {
  const catalog = await loadCatalog(spec ?? 'intent');
  return { catalog, given: spec !== undefined, flat: catalog === (intentCatalog as unknown), accepts: new Map(), maxPayloadBytes };
}

const DEFAULT_MAX_ERRORS = 100;
/** Lines between two progress messages on a terminal. */
const PROGRESS_EVERY = 100_000;

export const VALIDATE_HELP = `Usage: factline validate [--catalog C] [--max-errors N] [--max-payload-bytes N] [--json] FILE

Checks every line of FILE against a catalog, streaming it (memory does not
grow with the file). A line is either Intent's flat form
({"event_type": "signal.created", ..., "timestamp": "..."}) or a factline
envelope ({"event_id": "signal.signal.created:1", "time": ..., "payload": {...}}).
Blank lines are skipped. An envelope line with an "invalid" member (emit's
'report' mode delivered it flagged invalid, bad values replaced by markers) is
reported, with the issues it carries, even when its payload passes.

Options:
${CATALOG_HELP}
                    Without --catalog, lines are checked against the built-in "intent"
                    catalog (Intent's flat lines need no more); an envelope line whose
                    EventID intent lacks says to give --catalog.
  --max-errors N    print at most N problems, keep counting (default ${DEFAULT_MAX_ERRORS}; 0 = no limit)
  --max-payload-bytes N
                    the largest valid payload, in UTF-8 bytes of its JSON: give the
                    maxPayloadBytes the events were emitted with (default ${DEFAULT_MAX_PAYLOAD_BYTES},
                    emit's default)
  --json            one JSON object per problem on stdout,
                    {"line":3,"field":"confidence","code":"schema","reason":"..."};
                    the summary goes to stderr

Output: one "FILE:LINE: FIELD: REASON" per problem, then "N of M lines invalid",
or "ok: N events valid".

Exit status: 0 when every line is valid, 1 when some are not, 2 on usage errors
(missing FILE, a catalog that cannot be loaded, unreadable file).`;

/** `CliIo`, plus whether stderr is a terminal (for progress). Default: the process's stderr, when `io` is the process's. */
export interface ValidateIo extends CliIo {
  errIsTTY?: boolean;
}

interface ValidateArgs {
  file: string;
  catalog: string | undefined;
  maxErrors: number;
  maxPayloadBytes: number;
  json: boolean;
}

const OPTIONS = {
  catalog: { type: 'string' },
  'max-errors': { type: 'string' },
  'max-payload-bytes': { type: 'string' },
  json: { type: 'boolean' },
} as const;

/**
 * node:util `parseArgs`, not strict: a value that starts with `-`
 * (`--max-errors -1`) is taken as the value, so that the message says what
 * the option needs rather than node's "argument is ambiguous"; unknown
 * options are found in the tokens.
 */
function parseValidateArgs(args: string[]): ValidateArgs | string {
  const { values, positionals, tokens } = parseArgs({ args, options: OPTIONS, allowPositionals: true, strict: false, tokens: true });
  for (const t of tokens) {
    if (t.kind !== 'option') continue;
    const known = Object.hasOwn(OPTIONS, t.name) ? OPTIONS[t.name as keyof typeof OPTIONS] : undefined;
    if (known === undefined || (known.type === 'boolean' && t.inlineValue === true)) return `unknown option "${args[t.index]!}"`;
  }
  // Not strict: a string option without a value reads as `true`.
  const text = (v: string | boolean | undefined): string | undefined => (typeof v === 'string' ? v : undefined);
  const catalog = values.catalog;
  if (catalog !== undefined && (typeof catalog !== 'string' || catalog === '')) return '--catalog needs a catalog name or module path (./catalog.js#catalog)';
  const maxErrors = values['max-errors'];
  if (maxErrors !== undefined && (typeof maxErrors !== 'string' || !/^\d+$/.test(maxErrors))) {
    return `--max-errors needs a whole number ≥ 0 (0 = no limit), got ${typeof maxErrors === 'string' ? JSON.stringify(maxErrors) : 'nothing'}`;
  }
  const maxPayload = values['max-payload-bytes'];
  if (maxPayload === true) return '--max-payload-bytes needs a whole number ≥ 1, got nothing';
  let maxPayloadBytes: number;
  try {
    maxPayloadBytes = positiveInt(text(maxPayload), '--max-payload-bytes', DEFAULT_MAX_PAYLOAD_BYTES);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    return e.message;
  }
  if (positionals.length !== 1) return positionals.length === 0 ? 'missing FILE' : `one FILE at a time, got ${positionals.length}`;
  return {
    file: positionals[0]!,
    catalog,
    maxErrors: maxErrors === undefined ? DEFAULT_MAX_ERRORS : Number(maxErrors),
    maxPayloadBytes,
    json: values.json === true,
  };
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
 * The issues of one line. A valid line is accepted by the fast path (one
 * `JSON.parse`, zod's compiled check, what the schema leaves unproven); any
 * other line goes through the full checks, which build the issues, so the
 * fast path changes no issue, code or message.
 */
function checkLine(text: string, bytes: number, line: number, choice: CatalogChoice): IntentLineIssue[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const parsed = parseJsonObjectLine(text, line); // parses again, for the message
    return parsed.ok ? NO_ISSUES : [parsed.issue];
  }
  const record = value as Record<string, unknown>;
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

/**
 * `factline validate`: every line of a file against a catalog, streamed.
 * Returns 0 (all valid), 1 (some invalid) or 2 (usage error).
 *
 * @example
 * await validateCommand(['--catalog', './dist/catalog.js#catalog', 'events.jsonl'], processIo);
 * // events.jsonl:3: confidence: Too big: expected number to be <=1
 * // 1 of 12 lines invalid
 */
export async function validateCommand(args: string[], io: ValidateIo): Promise<number> {
  const parsed = parseValidateArgs(args);
  if (typeof parsed === 'string') {
    io.err(`factline validate: ${parsed}\n\n${VALIDATE_HELP}`);
    return 2;
  }
  const { file, maxErrors, json } = parsed;
  let choice: CatalogChoice;
  try {
    choice = await choose(parsed.catalog, parsed.maxPayloadBytes);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.err(`factline validate: ${e.message}`);
    return 2;
  }
  const why = inputFileProblem(file);
  if (why !== undefined) {
    io.err(`factline validate: ${printable(file)}: ${why}`);
    return 2;
  }
  const progress = io.errIsTTY ?? (io.err === processIo.err && process.stderr.isTTY === true);

  let lineNo = 0;
  let events = 0;
  let badLines = 0;
  let printed = 0;
  let unprinted = 0;
  try {
    // Batches, not lines: one await per 1 MiB read instead of one per line.
    for await (const batch of readLineBatches(file)) {
      for (const read of batch) {
        lineNo = read.line;
        if (progress && lineNo % PROGRESS_EVERY === 0) io.err(`validated ${lineNo} lines...`);
        const raw = read.text;
        const text = lineNo === 1 && raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
        // A line that starts with `{` is not blank; only others need the trim.
        if (text.charCodeAt(0) !== 0x7b && text.trim() === '') continue;
        events++;
        const issues: IntentLineIssue[] = read.truncated
          ? [
              {
                line: lineNo,
                field: '(line)',
                code: 'line_too_long',
                message: `the line is ${read.bytes} bytes, longer than the reader holds; it was not parsed`,
              },
            ]
          : checkLine(text, read.bytes, lineNo, choice);
        if (issues.length === 0) continue;
        badLines++;
        for (const i of issues) {
          if (maxErrors !== 0 && printed >= maxErrors) {
            unprinted++;
            continue;
          }
          printed++;
          io.out(
            json
              ? JSON.stringify({ line: i.line, field: i.field, code: i.code, reason: i.message })
              : `${printable(file)}:${i.line}: ${printable(i.field)}: ${printable(i.message)}`,
          );
        }
      }
    }
  } catch (e) {
    io.err(`factline validate: ${file}: cannot read line ${lineNo + 1}: ${printable((e as Error).message)}`);
    return 2;
  }

  const summary = json ? io.err : io.out;
  if (unprinted > 0) summary(`... ${unprinted} more problem${unprinted === 1 ? '' : 's'} not shown (--max-errors ${maxErrors})`);
  if (badLines === 0) {
    summary(`ok: ${events} event${events === 1 ? '' : 's'} valid`);
    return 0;
  }
  summary(`${badLines} of ${events} lines invalid`);
  return 1;
}
