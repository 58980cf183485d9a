import { historySpan, spanSentence } from '../history/index.js';
import { isLogQuery, parseStep, refusedStep } from '../history/range.js';
import type { LokiQueryResponse, QueryDirection, QueryError } from '../query/types.js';
import { errIsTTY, useColor, type CliIo } from './io.js';
import {
  BACKEND_HELP,
  BACKEND_OPTIONS,
  TIME_HELP,
  TIME_OPTIONS,
  UsageError,
  backendFrom,
  commandFailed,
  parse,
  positiveInt,
  progress,
  rangeFrom,
  skippedSummary,
  wantsJson,
} from './options.js';
import { renderResult } from './render.js';
import { noEventIn, noEventSentence } from './skips.js';

export const QUERY_HELP = `Usage: factline query [--file F ... | --loki URL] [--since D | --from T --to T]
                     [--limit N] [--step S] [--direction backward|forward] [--json] 'LOGQL'

Runs one LogQL query on local event files (the default engine; events.jsonl
sets with their rotated files, factline's and Intent's line formats) or on a
Loki server, with the same answer from both (docs/query.md).

Options:
${BACKEND_HELP}
${TIME_HELP}
  --limit N         most log lines returned (default 100)
  --step S          the time between points of a metric query over a range, as Loki's
                    step: a duration (30s, 5m, 1h, 1m30s) or seconds (60, 0.5); without it
                    a metric query is evaluated once, at the end of the range (an instant query)
  --direction D     backward (newest first, the default) or forward
  --json            print Loki's HTTP API JSON ({"status":"success","data":{...}})

Output: log lines in the one-line text form (coloured on a terminal), metric
results as a table. Lines of a local file that are not events are skipped and
counted on stderr by code (invalid_utf8, not_json, not_an_object, line_too_long,
not_an_event, no_time; docs/errors.md), with the first one's FILE:LINE.

Examples:
  factline query --file .factline/events.jsonl '{service_name="intent-demo"} |= "CON-092"'
  factline query --file .factline/events.jsonl --since 1d \\
    'sum by (event_name) (count_over_time({service_name="intent-demo"} | event_name=~".*failed" [1d]))'

Exit status: 0 on an answer, 1 when the engine cannot answer (unreadable file,
no line of the files is an event, Loki unavailable, unsupported by the local
engine), 2 on usage and LogQL syntax errors (the position is shown).`;

/** The query with a caret under the 0-based `position`. */
export function pointAt(query: string, position: number): string[] {
  const lines = query.split('\n');
  let offset = position;
  for (const l of lines) {
    if (offset <= l.length) return [`  ${l}`, `  ${' '.repeat(offset)}^`];
    offset -= l.length + 1;
  }
  return [`  ${query}`];
}

/**
 * `factline query`: one LogQL query on the local files or on Loki.
 * Returns 0 (answered), 1 (the engine could not answer) or 2 (usage or syntax error).
 *
 * @example
 * await queryCommand(['--file', 'events.jsonl', '{service_name="api"} |= "failed"'], processIo);
 */
export async function queryCommand(args: string[], io: CliIo): Promise<number> {
  let stop = () => {};
  let query = '';
  try {
    const { values, positionals } = parse(args, {
      ...BACKEND_OPTIONS,
      ...TIME_OPTIONS,
      limit: { type: 'string' },
      step: { type: 'string' },
      direction: { type: 'string' },
      json: { type: 'boolean' },
    });
    if (positionals.length !== 1)
      throw new UsageError(
        positionals.length === 0
          ? 'missing the LogQL query, e.g. \'{service_name="api"}\''
          : `one query at a time, got ${positionals.length} arguments (quote the query)`,
      );
    query = positionals[0]!;
    const limit = positiveInt(values.limit, '--limit', 100);
    const direction = (values.direction ?? 'backward') as QueryDirection;
    if (direction !== 'backward' && direction !== 'forward')
      throw new UsageError(`--direction is backward or forward, got ${JSON.stringify(values.direction)}`);
    let step: number | undefined;
    if (values.step !== undefined) {
      const refused = refusedStep('--step', values.step);
      if (refused !== undefined) throw new UsageError(refused);
      step = parseStep(values.step);
    }
    const { start, end } = rangeFrom(values);
    let skipped = 0;
    const backend = backendFrom(values, () => void skipped++);
    stop = progress(errIsTTY(io), io.err, `querying ${backend.kind === 'loki' ? 'Loki' : 'the files'}`);
    const response: LokiQueryResponse =
      isLogQuery(query) || step !== undefined
        ? await backend.queryRange({ query, start, end, limit, direction, ...(step !== undefined ? { step } : {}) })
        : await backend.query({ query, time: end, limit, direction });
    stop();
    const notes: string[] = [];
    const skippedLine = skippedSummary(response.data.stats);
    if (skippedLine !== undefined) notes.push(skippedLine);
    else if (skipped > 0) notes.push(`skipped ${skipped} lines that are not events`);
    const local = response.data.stats as { files?: string[]; summary?: { totalPostFilterLines?: number } } | undefined;
    // Every line skipped is the wrong file or a damaged one, not an empty answer.
    const none = skipped > 0 && local?.files !== undefined && local.summary?.totalPostFilterLines === 0 ? await noEventIn(local.files) : undefined;
    if (none !== undefined && local?.files !== undefined) notes.push(noEventSentence(local.files, none));
    // --json: the notes are the answer's `warnings` (Loki's member for them), nothing on stderr.
    if (values.json) io.out(JSON.stringify(notes.length > 0 ? { ...response, warnings: notes } : response));
    else {
      const lines = renderResult(response.data, { color: useColor(io), direction });
      for (const l of lines) io.out(l);
      if (lines.length === 0) {
        // A history outside the range is the usual cause: say where it is.
        const span = await historySpan(backend, { end }).catch(() => undefined);
        io.err(
          span
            ? `no results. ${spanSentence(span, isLogQuery(query) || step !== undefined ? { start, end } : { start: end, end, instant: true }, 'run again with --from/--to in that range', 'check the labels and filters, or widen the range')}`
            : 'no results',
        );
      }
      for (const n of notes) io.err(`factline query: ${n}`);
    }
    if (none !== undefined) return 1;
    return 0;
  } catch (e) {
    stop();
    const describe = (q: QueryError): string =>
      q.code === 'syntax'
        ? [
            `syntax error${q.position !== undefined ? ` at position ${q.position}` : ''}: ${q.message}`,
            ...(q.position !== undefined ? pointAt(query, q.position) : []),
          ].join('\n')
        : `${q.code === 'unsupported' ? 'not supported by the local engine' : q.code === 'bad_request' ? 'bad request' : 'unavailable'}: ${q.message}`;
    return commandFailed('query', QUERY_HELP, e, io, describe, ['bad_request', 'syntax'], wantsJson(args));
  }
}
