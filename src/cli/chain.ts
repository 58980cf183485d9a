import { chainText, eventChain, historySpan, spanSentence } from '../history/index.js';
import { errIsTTY, type CliIo } from './io.js';
import { skipNotes, watchSkips } from './skips.js';
import { BACKEND_HELP, BACKEND_OPTIONS, TIME_OPTIONS, UsageError, backendFrom, commandFailed, parse, progress, rangeFrom, wantsJson } from './options.js';

export const CHAIN_HELP = `Usage: factline chain ID [--file F ... | --loki URL] [--since D | --from T --to T] [--service S] [--json]

What caused an event, and what did it cause? ID is the event's instance id
(factline_event_instance_id, shown by factline query on every line). Prints its
causes, oldest first, back to the first cause; the event itself, marked ">";
and the events it caused directly, each with time, EventID, instance id,
service, source and payload:

  factline chain 01a22cdd-faa4-7000-bbb9-9371743abb45 --file .factline/events.jsonl
    2026-03-30T14:00:00.000Z agent.code.generated:1 01a2… service=api source=child_agent/claude-sonnet-4/coder {"file":"src/auth/login.ts",…}
  > 2026-03-30T14:00:00.500Z agent.test.failed:1 01a3… …
      -> 2026-03-30T14:00:00.600Z agent.review.failed:1 01a4… …

It follows factline_causation_id (set by emit(..., { causedBy })), one query per step.

Options:
${BACKEND_HELP}
  --since D         look this far back for the event and its causes and effects (default 1d)
  --from T --to T   an absolute range: RFC 3339 (2026-03-30T14:00:00Z) or Unix seconds
  --service S       only events of this service (service_name)
  --json            print the chain as JSON: { event, causes, effects, effectsCut, missingCause?,
                    warnings? }; an id not found as {"ok":false,"error":{"code":"not_found",...}}

Lines of the files that are not events are skipped and counted on stderr, as
factline query does (with --json, in "warnings"); when no line is an event,
that is said too.

Exit status: 0 with the chain; 1 when no event has that instance id in the
range (stderr says which range the history covers) or the engine cannot
answer; 2 on usage errors.`;

/**
 * `factline chain ID`: the causes and direct effects of one event.
 *
 * @example
 * await chainCommand(['01a22cdd-faa4-7000-bbb9-9371743abb45', '--file', 'events.jsonl'], processIo);
 */
export async function chainCommand(args: string[], io: CliIo): Promise<number> {
  let stop = () => {};
  try {
    const { values, positionals } = parse(args, { ...BACKEND_OPTIONS, ...TIME_OPTIONS, service: { type: 'string' }, json: { type: 'boolean' } });
    if (positionals.length !== 1)
      throw new UsageError(
        positionals.length === 0 ? 'missing ID: the instance id of an event (factline_event_instance_id)' : `one ID at a time, got ${positionals.length}`,
      );
    const id = positionals[0]!;
    const { start, end } = rangeFrom(values, '1d');
    const watch = watchSkips(backendFrom(values));
    const backend = watch.backend;
    stop = progress(errIsTTY(io), io.err, 'following the causation chain');
    const chain = await eventChain(backend, { id, start, end, ...(values.service !== undefined ? { service: values.service } : {}) });
    if (chain === undefined) {
      const span = await historySpan(backend, { end, ...(values.service !== undefined ? { service: values.service } : {}) });
      const { notes } = await skipNotes(watch, true);
      stop();
      const looksLikeEventId = /:\d+$/.test(id) ? ` ${JSON.stringify(id)} is an EventID; chain takes an instance id (factline_event_instance_id).` : '';
      const message = `no event with instance id ${JSON.stringify(id)} in the range.${looksLikeEventId} ${spanSentence(span, { start, end }, 'run again with --from/--to in that range', 'if the event is outside it, run again with --from/--to covering it')}`;
      // --json: JSON on stdout and nothing on stderr (docs/query.md, "Errors with --json").
      if (values.json) io.out(JSON.stringify({ ok: false, error: { code: 'not_found', message }, ...(notes.length > 0 ? { warnings: notes } : {}) }));
      else for (const line of [message, ...notes]) io.err(`factline chain: ${line}`);
      return 1;
    }
    const { notes } = await skipNotes(watch, false);
    stop();
    io.out(values.json ? JSON.stringify(notes.length > 0 ? { ...chain, warnings: notes } : chain) : chainText(chain));
    if (!values.json) for (const n of notes) io.err(`factline chain: ${n}`);
    return 0;
  } catch (e) {
    stop();
    return commandFailed('chain', CHAIN_HELP, e, io, undefined, undefined, wantsJson(args));
  }
}
