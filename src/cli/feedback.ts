import { agentFeedback, DEFAULT_FAILURE_PATTERN, DEFAULT_LAST, MAX_LAST, type FeedbackFigures } from '../feedback/index.js';
import { eventIdPatternHint } from '../eventid/pattern-hint.js';
import { feedbackRequest } from '../feedback/figures.js';
import { isFieldPath } from '../feedback/queries.js';
import { QueryError } from '../query/types.js';
import { errIsTTY, type CliIo } from './io.js';
import { skipNotes, watchSkips } from './skips.js';
import { printable } from './printable.js';
import { BACKEND_HELP, BACKEND_OPTIONS, UsageError, backendFrom, commandFailed, parse, positiveInt, progress, rangeFrom, wantsJson } from './options.js';

export const FEEDBACK_HELP = `Usage: factline feedback [--file F ... | --loki URL] --attempts PATTERN --success PATTERN
                        [--failure PATTERN] [--service S] [--model M] [--source-type T] [--last N]
                        [--group-by FIELD [--depth D]] [--group PREFIX] [--join FIELD] [--json]

How did the last N attempts of an agent turn out, per group? For example
"in the last 100 generations, how often did I fail on auth modules?":

  factline feedback --file events.jsonl --model claude-sonnet-4 \\
    --attempts 'agent.code.generated:%' --success 'agent.test.passed:%' \\
    --group-by file --depth 2
  # src/auth: 23 of 50 src/auth attempts failed (46%)

An attempt is an event matching --attempts (one per attempt). Its outcomes
are the events matching --failure or --success that name it as their cause
(emit(..., { causedBy: attempt })), or, with --join FIELD, that carry the same
payload FIELD. Any failed outcome makes the attempt failed; no outcome, pending.

Options:
${BACKEND_HELP}
  --attempts P      % pattern of the attempt events (required)
  --success P       % pattern of the successful outcomes (required)
  --failure P       % pattern of the failed outcomes (default ${DEFAULT_FAILURE_PATTERN})
  --service S       only events of this service (service_name); default every service
  --model M         only attempts of this source model (factline_source_model)
  --source-type T   only attempts of this source type (factline_source_type: child_agent, tool, ...)
  --last N          the most recent N attempts (default ${DEFAULT_LAST}, at most ${MAX_LAST})
  --since D         look back this far for attempts (default 30d)
  --from T          ... or from this time (RFC 3339 or Unix seconds) instead of --since
  --to T            ... up to this time (RFC 3339 or Unix seconds; default now)
  --group-by FIELD  group by this payload field (file, context.path)
  --depth D         ... cut to its first D "/"-separated segments (src/auth/login.rs at 2: src/auth)
  --group PREFIX    only groups starting with PREFIX
  --join FIELD      link outcomes to attempts by this payload field instead of causation id
  --json            print the figures as JSON

A pattern no EventID can match is refused, naming the rule of docs/eventid.md
it breaks: one without ":" and without a trailing "%" (EventIDs end in :N),
with an uppercase letter (A.b.c:1), version 0 (a.b.c:0) or a character outside
a-z 0-9 _ . :; so is a --group-by or --join field no attempt carries.

Lines of the files that are not events are skipped and counted on stderr, as
factline query does (with --json, in the answer's "warnings").

Exit status: 0 with figures, 1 when the engine cannot answer or the files have
lines but none is an event, 2 on usage errors and bad requests (a pattern or
field that cannot match).`;

function print(f: FeedbackFigures, io: CliIo): void {
  for (const g of f.groups) io.out(`${printable(g.group)}: ${g.sentence}${g.pending > 0 ? `, ${g.pending} pending` : ''}`);
  if (f.groups.length !== 1 || f.groups[0]!.group !== 'all') io.out(`all: ${f.total.sentence}${f.total.pending > 0 ? `, ${f.total.pending} pending` : ''}`);
}

/**
 * `factline feedback`: the outcomes of the last N attempts of a source, per group.
 *
 * @example
 * await feedbackCommand(['--file', 'events.jsonl', '--attempts', 'agent.code.generated:%', '--success', 'agent.test.passed:%', '--group-by', 'file', '--depth', '2'], processIo);
 */
export async function feedbackCommand(args: string[], io: CliIo): Promise<number> {
  let stop = () => {};
  try {
    const { values, positionals } = parse(args, {
      ...BACKEND_OPTIONS,
      attempts: { type: 'string' },
      success: { type: 'string' },
      failure: { type: 'string' },
      service: { type: 'string' },
      model: { type: 'string' },
      from: { type: 'string' },
      'source-type': { type: 'string' },
      last: { type: 'string' },
      since: { type: 'string' },
      to: { type: 'string' },
      'group-by': { type: 'string' },
      depth: { type: 'string' },
      group: { type: 'string' },
      join: { type: 'string' },
      json: { type: 'boolean' },
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
    if (values.attempts === undefined) throw new UsageError("--attempts is required: the % pattern of the attempt events, e.g. 'agent.code.generated:%'");
    if (values.success === undefined) throw new UsageError("--success is required: the % pattern of the successful outcomes, e.g. 'agent.test.passed:%'");
    for (const name of ['attempts', 'success', 'failure'] as const) {
      // Named as typed; agentFeedback refuses the same patterns by their request field names.
      const pattern = values[name];
      const hint = pattern !== undefined ? eventIdPatternHint(pattern) : undefined;
      if (hint !== undefined) throw new QueryError('bad_request', `--${name} ${hint}`);
    }
    // Checked here to name the options as typed; agentFeedback names its request fields (last, joinField, groupBy.field).
    const last = positiveInt(values.last, '--last', DEFAULT_LAST);
    if (last > MAX_LAST) throw new UsageError(`--last must be a whole number from 1 to ${MAX_LAST}, got ${last}`);
    for (const [option, field, example] of [
      ['--join', values.join, 'contract_id'],
      ['--group-by', values['group-by'], 'file or context.path'],
    ] as const) {
      if (field !== undefined && !isFieldPath(field))
        throw new UsageError(`${option} must be a payload field path such as ${example}, got ${JSON.stringify(field)}`);
    }
    if (values.depth !== undefined && values['group-by'] === undefined) throw new UsageError('--depth cuts the --group-by field; give --group-by FIELD');
    const { start, end } = rangeFrom(values, '30d');
    const watch = watchSkips(backendFrom(values));
    stop = progress(errIsTTY(io), io.err, 'reading attempts and outcomes');
    const figures = await agentFeedback(
      watch.backend,
      feedbackRequest(
        {
          attempts: values.attempts,
          success: values.success,
          failure: values.failure,
          service: values.service,
          model: values.model,
          sourceType: values['source-type'],
          last,
          groupBy: values['group-by'],
          depth: values.depth !== undefined ? positiveInt(values.depth, '--depth', 1) : undefined,
          groupPrefix: values.group,
          joinField: values.join,
        },
        { start, end },
      ),
    );
    const { notes, noEvent } = await skipNotes(watch, figures.attemptsConsidered === 0);
    stop();
    if (values.json)
      io.out(JSON.stringify(notes.length > 0 ? { ...figures, warnings: notes } : figures, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)));
    else if (figures.attemptsConsidered === 0) io.out(`no attempts matching ${values.attempts}${values.model ? ` by ${values.model}` : ''} in the range`);
    else print(figures, io);
    if (!values.json) for (const n of notes) io.err(`factline feedback: ${n}`);
    return noEvent ? 1 : 0;
  } catch (e) {
    stop();
    return commandFailed('feedback', FEEDBACK_HELP, e, io, undefined, undefined, wantsJson(args));
  }
}
