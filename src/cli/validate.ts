import { printable } from './printable.js';
import { inputFileProblem } from './input-file.js';
import type { Catalog } from '../catalog/define.js';
import { readLineBatches } from '../lines/read-lines.js';
import { intentCatalog } from '../intent/catalog.js';
import { checkIntentRecord, isIsoTimestamp, isValidIntentRecord, lineIssue, parseJsonObjectLine, type IntentLineIssue } from '../intent/flat-read.js';
import type { EventTypeInfo } from '../catalog/types.js';
import { checkPayload, DEFAULT_MAX_PAYLOAD_BYTES } from '../validation/validate.js';
import { compileParsedPayloadCheck, type ParsedPayloadCheck } from '../validation/parsed-payload.js';
import { processIo, type CliIo } from './io.js';
import { CATALOG_HELP, loadCatalog } from './catalog-option.js';
import { UsageError } from './options.js';

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
}

/** The catalog of `--catalog`; Intent's flat line form when it is the built-in intent catalog. */
async function choose(spec: string | undefined): Promise<CatalogChoice> {
  const catalog = await loadCatalog(spec ?? 'intent');
  return { catalog, given: spec !== undefined, flat: catalog === (intentCatalog as unknown), accepts: new Map() };
}

const DEFAULT_MAX_ERRORS = 100;
/** Lines between two progress messages on a terminal. */
const PROGRESS_EVERY = 100_000;

export const VALIDATE_HELP = `Usage: factline validate [--catalog C] [--max-errors N] [--json] FILE

Checks every line of FILE against a catalog, streaming it (memory does not
grow with the file). A line is either Intent's flat form
({"event_type": "signal.created", ..., "timestamp": "..."}) or a factline
envelope ({"event_id": "signal.signal.created:1", "time": ..., "payload": {...}}).
Blank lines are skipped.

Options:
${CATALOG_HELP}
                    Without --catalog, lines are checked against the built-in "intent"
                    catalog (Intent's flat lines need no more); an envelope line whose
                    EventID intent lacks says to give --catalog.
  --max-errors N    print at most N problems, keep counting (default ${DEFAULT_MAX_ERRORS}; 0 = no limit)
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
  json: boolean;
}

function parseArgs(args: string[]): ValidateArgs | string {
  const files: string[] = [];
  let catalog: string | undefined;
  let maxErrors = DEFAULT_MAX_ERRORS;
  let json = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const eq = a.indexOf('=');
    const [flag, inline] = a.startsWith('--') && eq > 0 ? [a.slice(0, eq), a.slice(eq + 1)] : [a, undefined];
    const value = (): string | undefined => inline ?? args[++i];
    if (flag === '--json' && inline === undefined) json = true;
    else if (flag === '--catalog') {
      const v = value();
      if (v === undefined || v === '') return '--catalog needs a catalog name or module path (./catalog.js#catalog)';
      catalog = v;
    } else if (flag === '--max-errors') {
      const v = value();
      if (v === undefined || !/^\d+$/.test(v)) return `--max-errors needs a whole number ≥ 0 (0 = no limit), got ${v === undefined ? 'nothing' : JSON.stringify(v)}`;
      maxErrors = Number(v);
    } else if (a.startsWith('-') && a !== '-') return `unknown option "${a}"`;
    else files.push(a);
  }
  if (files.length !== 1) return files.length === 0 ? 'missing FILE' : `one FILE at a time, got ${files.length}`;
  return { file: files[0]!, catalog, maxErrors, json };
}

/**
 * Checks a factline envelope line: `event_id` in the catalog, `payload`
 * against its schema (fields reported as `payload.<path>`), `time` ISO 8601.
 * Chain and other envelope fields are `factline verify`'s business.
 */
export function checkEnvelopeRecord(record: Record<string, unknown>, catalog: CatalogView, line: number, hint = ''): IntentLineIssue[] {
  const issues: IntentLineIssue[] = [];
  const id = record.event_id;
  const type = typeof id === 'string' ? catalog.get(id) : undefined;
  if (typeof id !== 'string') {
    issues.push({ line, field: 'event_id', code: 'invalid_event_id', message: `event_id must be a string, found ${JSON.stringify(id) ?? 'nothing'}` });
  } else if (type === undefined) {
    issues.push({ line, field: 'event_id', code: 'unknown_event', message: `unknown event id ${JSON.stringify(id)}; catalog "${catalog.name}" has ${catalog.list().map((t) => t.id).join(', ')}${hint}` });
  } else {
    for (const i of checkPayload(type, record.payload, DEFAULT_MAX_PAYLOAD_BYTES).issues) issues.push(lineIssue(i, line, record.payload, 'payload'));
  }
  if (!isIsoTimestamp(record.time)) {
    issues.push({ line, field: 'time', code: 'invalid_timestamp', message: `${JSON.stringify(record.time) ?? 'missing'}: expected an ISO 8601 date-time like 2026-03-30T14:23:45.000Z` });
  }
  return issues;
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
  if (typeof id !== 'string') return false;
  const type = choice.catalog.get(id);
  if (type === undefined) return false;
  let accept = choice.accepts.get(type);
  if (accept === undefined) {
    accept = compileParsedPayloadCheck(type) ?? null;
    choice.accepts.set(type, accept);
  }
  return accept !== null && isIsoTimestamp(record.time) && accept.accepts(record.payload, text, bytes, DEFAULT_MAX_PAYLOAD_BYTES);
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
    return checkEnvelopeRecord(record, choice.catalog, line, choice.given ? '' : NO_CATALOG_HINT);
  }
  if (choice.flat) {
    if (isValidIntentRecord(record, text, bytes)) return NO_ISSUES;
    const r = checkIntentRecord(record, line);
    return r.ok ? NO_ISSUES : r.issues;
  }
  return [{ line, field: 'event_id', code: 'invalid_event_id', message: `missing event_id; catalog "${choice.catalog.name}" has no flat form, so every line must be an envelope` }];
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
  const parsed = parseArgs(args);
  if (typeof parsed === 'string') {
    io.err(`factline validate: ${parsed}\n\n${VALIDATE_HELP}`);
    return 2;
  }
  const { file, maxErrors, json } = parsed;
  let choice: CatalogChoice;
  try {
    choice = await choose(parsed.catalog);
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
          ? [{ line: lineNo, field: '(line)', code: 'line_too_long', message: `the line is ${read.bytes} bytes, longer than the reader holds; it was not parsed` }]
          : checkLine(text, read.bytes, lineNo, choice);
        if (issues.length === 0) continue;
        badLines++;
        for (const i of issues) {
          if (maxErrors !== 0 && printed >= maxErrors) {
            unprinted++;
            continue;
          }
          printed++;
          io.out(json ? JSON.stringify({ line: i.line, field: i.field, code: i.code, reason: i.message }) : `${printable(file)}:${i.line}: ${printable(i.field)}: ${printable(i.message)}`);
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
