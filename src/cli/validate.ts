import { parseArgs } from 'node:util';
import { printable } from './printable.js';
import { inputFileProblem } from './input-file.js';
import { DEFAULT_MAX_LINE_BYTES, readLineBatches, type Line } from '../lines/read-lines.js';
import { invalidUtf8, isLineProblem, lineTooLong, parseJsonLine, type JsonLine } from '../lines/json-line.js';
import type { IntentLineIssue } from '../intent/flat-read.js';
import { acceptsIntentFlatLine } from '../intent/flat-accept.js';
import { DEFAULT_MAX_PAYLOAD_BYTES } from '../validation/limits.js';
import { jsonError, processIo, wantsJson, type CliIo } from './io.js';
import { CATALOG_HELP, dataFileAsCatalog } from './catalog-help.js';
import { UsageError, positiveInt } from './usage.js';
import type { CatalogChoice } from './validate-check.js';

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
                    the summary goes to stderr. An error that ends the command
                    (exit 2) is one line on stdout instead:
                    {"ok":false,"error":{"code":"usage"|"catalog_not_loaded"|"unreadable_file","message":"..."}}

Output: one "FILE:LINE: FIELD: REASON" per problem, then "N of M lines invalid",
or "ok: N events valid".

Exit status: 0 when every line is valid, 1 when some are not, 2 on usage errors
(missing FILE, a catalog that cannot be loaded, unreadable file).`;

/** What {@link acceptRun} counts, and the parse of the line it stopped at. */
interface Scan {
  /** Non-blank lines so far. */
  events: number;
  /** The line acceptRun stopped at, parsed; undefined when it was too long to parse. */
  record: JsonLine | undefined;
  /** Called at every PROGRESS_EVERY-th line (on a terminal only). */
  onProgress: ((line: number) => void) | undefined;
}

/**
 * Goes through `batch` from index `from`: skips blank lines, counts the
 * others in `scan.events`, and passes each line the generated Intent accept
 * proves valid (with `intentOnly`: no --catalog). Returns the index of the
 * first line that needs the full check, its parse in `scan.record`, or
 * `batch.length`. Synchronous and small, so that V8 optimises this loop
 * rather than the whole command.
 */
function acceptRun(batch: readonly Line[], from: number, scan: Scan, intentOnly: boolean, maxPayloadBytes: number): number {
  for (let i = from; i < batch.length; i++) {
    const read = batch[i]!;
    if (scan.onProgress !== undefined && read.line % PROGRESS_EVERY === 0) scan.onProgress(read.line);
    const text = read.text; // readLineBatches drops a byte order mark before the first line
    // A line that starts with `{` is not blank; only others need the trim.
    if (text.charCodeAt(0) !== 0x7b && text.trim() === '') continue;
    scan.events++;
    if (read.truncated) {
      scan.record = undefined;
      return i;
    }
    // A damaged line (bytes that are not UTF-8) is reported as such, never checked as the U+FFFD text it decodes to.
    const record = read.validUtf8 === false ? invalidUtf8() : parseJsonLine(text);
    if (intentOnly && !isLineProblem(record) && !Object.hasOwn(record, 'event_id') && acceptsIntentFlatLine(record, text, read.bytes, maxPayloadBytes)) {
      continue;
    }
    scan.record = record;
    return i;
  }
  return batch.length;
}

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
  if (positionals.length === 0) {
    // `--catalog events.jsonl` with no FILE: the option took the file meant as FILE.
    const data = catalog === undefined ? undefined : dataFileAsCatalog(catalog);
    return data === undefined ? 'missing FILE' : `missing FILE: ${data}`;
  }
  if (positionals.length !== 1) return `one FILE at a time, got ${positionals.length}`;
  return {
    file: positionals[0]!,
    catalog,
    maxErrors: maxErrors === undefined ? DEFAULT_MAX_ERRORS : Number(maxErrors),
    maxPayloadBytes,
    json: values.json === true,
  };
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
  // With --json, an error that ends the command is one line on stdout too (jsonError's form, as every command's --json).
  const fail = (code: 'usage' | 'catalog_not_loaded' | 'unreadable_file', message: string, help = false): 2 => {
    if (wantsJson(args)) io.out(jsonError(code, message));
    else io.err(`factline validate: ${message}${help ? `\n\n${VALIDATE_HELP}` : ''}`);
    return 2;
  };
  if (typeof parsed === 'string') return fail('usage', parsed, true);
  const { file, maxErrors, json } = parsed;
  // Without --catalog, Intent's valid flat lines are proven valid by the
  // generated accept, without zod; the catalog and its checks are loaded at
  // the first line that accept does not prove (or at once, with --catalog).
  let full: { checkLine: typeof import('./validate-check.js')['checkLine']; choice: CatalogChoice } | undefined;
  const loadFull = async (): Promise<NonNullable<typeof full>> => {
    const m = await import('./validate-check.js');
    full = { checkLine: m.checkLine, choice: await m.choose(parsed.catalog, parsed.maxPayloadBytes) };
    return full;
  };
  if (parsed.catalog !== undefined) {
    try {
      await loadFull();
    } catch (e) {
      if (!(e instanceof UsageError)) throw e;
      return fail('catalog_not_loaded', e.message);
    }
  }
  const intentOnly = parsed.catalog === undefined;
  const maxPayloadBytes = parsed.maxPayloadBytes;
  const why = inputFileProblem(file);
  if (why !== undefined) return fail('unreadable_file', `${printable(file)}: ${why}`);
  const progress = io.errIsTTY ?? (io.err === processIo.err && process.stderr.isTTY === true);

  const scan: Scan = { events: 0, record: undefined, onProgress: progress ? (n) => io.err(`validated ${n} lines...`) : undefined };
  let lineNo = 0;
  let badLines = 0;
  let printed = 0;
  let unprinted = 0;
  try {
    // Batches, not lines: one await per 1 MiB read instead of one per line.
    for await (const batch of readLineBatches(file)) {
      // The lines the generated accept proves valid pass in acceptRun; each other line stops it for the full check here.
      for (
        let at = acceptRun(batch, 0, scan, intentOnly, maxPayloadBytes);
        at < batch.length;
        at = acceptRun(batch, at + 1, scan, intentOnly, maxPayloadBytes)
      ) {
        const read = batch[at]!;
        lineNo = read.line;
        let issues: IntentLineIssue[];
        if (scan.record === undefined)
          issues = [{ line: lineNo, field: '(line)', code: 'line_too_long', message: lineTooLong(read.bytes, DEFAULT_MAX_LINE_BYTES).message }];
        else {
          const f = full ?? (await loadFull());
          issues = f.checkLine(scan.record, read.text, read.bytes, lineNo, f.choice);
        }
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
      if (batch.length > 0) lineNo = batch[batch.length - 1]!.line;
    }
  } catch (e) {
    return fail('unreadable_file', `${printable(file)}: cannot read line ${lineNo + 1}: ${printable((e as Error).message)}`);
  }
  const events = scan.events;

  const summary = json ? io.err : io.out;
  if (unprinted > 0) summary(`... ${unprinted} more problem${unprinted === 1 ? '' : 's'} not shown (--max-errors ${maxErrors})`);
  if (badLines === 0) {
    summary(`ok: ${events} event${events === 1 ? '' : 's'} valid`);
    return 0;
  }
  summary(`${badLines} of ${events} lines invalid`);
  return 1;
}
