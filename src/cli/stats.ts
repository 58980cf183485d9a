import { printable } from './printable.js';
import { inputFileProblem } from './input-file.js';
import { readLines } from '../lines/read-lines.js';
import { errIsTTY, type CliIo } from './io.js';
import { jsonError, UsageError, parse, wantsJson } from './options.js';
import { lineEvent, noSkips, SkippedLine, skipSummary, type LineSkip } from './event-lines.js';
import { rotatedSet } from './verify.js';
import { parseTime } from '../query/entry.js';

export const STATS_HELP = `Usage: factline stats [--only] [--json] FILE

Counts the events of an events file and its rotated files (FILE.1, FILE.2, ...):
per domain, per entity (domain.entity) and per action, with the failure rate of
each (failures: action "failed" or ending in "_failed", the ERROR rule of
docs/mapping.md), and the first and last event time. Streams the file.

Options:
  --only    FILE alone, without its rotated files
  --json    print the figures as one JSON object

Lines that are not events are counted by code (invalid_utf8, not_json, not_an_object,
line_too_long, not_an_event, invalid_event_id; docs/errors.md) and the first
is named on stderr (FILE:LINE: CODE: REASON); they are not fatal while some
line is an event.

Exit status: 0; 1 when the files have lines but none of them is an event
(the wrong file, or a damaged one); 2 on usage errors (the usage is printed)
and on a FILE that cannot be read (missing, a directory, a FIFO: the message
alone; with --json, code unreadable_file).`;

/** Lines between two progress messages on a terminal. */
const PROGRESS_EVERY = 100_000;
const FAILED_ACTION = /^(?:failed|.+_failed)$/;

interface Count {
  events: number;
  failures: number;
}

/** What `factline stats --json` prints. */
export interface EventStats {
  files: string[];
  events: number;
  failures: number;
  first?: string;
  last?: string;
  domains: Record<string, Count & { failure_rate: number }>;
  entities: Record<string, Count & { failure_rate: number }>;
  actions: Record<string, Count & { failure_rate: number }>;
  skipped: Record<LineSkip, number>;
}

const bump = (m: Map<string, Count>, k: string, failed: boolean) => {
  const c = m.get(k) ?? { events: 0, failures: 0 };
  c.events++;
  if (failed) c.failures++;
  m.set(k, c);
};

const withRate = (m: Map<string, Count>) =>
  Object.fromEntries(
    [...m.entries()]
      .sort((a, b) => b[1].events - a[1].events || (a[0] < b[0] ? -1 : 1))
      .map(([k, c]) => [k, { ...c, failure_rate: c.events === 0 ? 0 : c.failures / c.events }]),
  );

const pct = (r: number) => `${Math.round(r * 1000) / 10}%`;

/**
 * `factline stats`: counts per domain, entity and action, failure rates, first and last time.
 *
 * @example
 * await statsCommand(['.factline/events.jsonl'], processIo);
 * // 34 events, 1 failed (2.9%), 2026-03-30T14:20:00.000Z … 2026-03-30T15:02:45.000Z
 */
export async function statsCommand(args: string[], io: CliIo): Promise<number> {
  let files: string[];
  let json: boolean | undefined;
  try {
    const { values, positionals } = parse(args, { only: { type: 'boolean' }, json: { type: 'boolean' } });
    if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'missing FILE' : `one FILE at a time, got ${positionals.length}`);
    const file = positionals[0]!;
    // A file that cannot be read is not a usage error: the message alone, as verify and validate give it (exit 2).
    const why = inputFileProblem(file);
    if (why !== undefined) {
      if (wantsJson(args)) io.out(jsonError('unreadable_file', `${file}: ${why}`));
      else io.err(`factline stats: ${printable(file)}: ${why}`);
      return 2;
    }
    files = values.only ? [file] : rotatedSet(file);
    json = values.json;
  } catch (e) {
    if (e instanceof UsageError) {
      if (wantsJson(args)) io.out(jsonError('usage', e.message));
      else io.err(`factline stats: ${e.message}\n\n${STATS_HELP}`);
      return 2;
    }
    throw e;
  }

  const domains = new Map<string, Count>();
  const entities = new Map<string, Count>();
  const actions = new Map<string, Count>();
  const skipped: Record<LineSkip, number> = noSkips();
  let firstSkip: { file: string; line: number; skip: SkippedLine } | undefined;
  let events = 0;
  let failures = 0;
  let first: string | undefined;
  let last: string | undefined;
  let firstMs = Infinity;
  let lastMs = -Infinity;
  let read = 0;
  const progress = errIsTTY(io);
  for (const f of files) {
    try {
      for await (const l of readLines(f)) {
        if (progress && ++read % PROGRESS_EVERY === 0) io.err(`read ${read} lines...`);
        if (l.text.trim() === '' && !l.truncated) continue;
        const ev = lineEvent(l);
        if (ev instanceof SkippedLine) {
          skipped[ev.code]++;
          firstSkip ??= { file: f, line: l.line, skip: ev };
          continue;
        }
        const [name] = ev.event_id.split(':') as [string];
        const parts = name.split('.');
        const action = parts[parts.length - 1]!;
        const failed = FAILED_ACTION.test(action);
        events++;
        if (failed) failures++;
        bump(domains, parts[0]!, failed);
        bump(entities, parts.slice(0, -1).join('.'), failed);
        bump(actions, action, failed);
        // The engine's reading of a time: Date.parse would read 2026-02-30 as 2 March.
        const ms = parseTime(ev.time)?.[0];
        if (ms !== undefined) {
          if (ms < firstMs) [firstMs, first] = [ms, new Date(ms).toISOString()];
          if (ms > lastMs) [lastMs, last] = [ms, new Date(ms).toISOString()];
        }
      }
    } catch (e) {
      io.err(`factline stats: ${printable(f)}: cannot read: ${printable((e as Error).message)}`);
      return 2;
    }
  }

  const stats: EventStats = {
    files,
    events,
    failures,
    ...(first ? { first, last } : {}),
    domains: withRate(domains),
    entities: withRate(entities),
    actions: withRate(actions),
    skipped,
  };
  const skippedTotal = Object.values(skipped).reduce((a, b) => a + b, 0);
  const notes: string[] = [];
  const skippedLine = skipSummary(skipped, firstSkip);
  if (skippedLine !== undefined) notes.push(skippedLine);
  if (events === 0 && skippedTotal > 0)
    notes.push(`no line of ${files.map(printable).join(', ')} is an event: is it an events file (factline envelopes or Intent's flat lines)?`);
  if (json) {
    // --json: JSON on stdout and nothing on stderr; the notes are the answer's `warnings`.
    io.out(JSON.stringify(notes.length > 0 ? { ...stats, warnings: notes } : stats));
  } else {
    io.out(
      `${events} event${events === 1 ? '' : 's'} in ${files.length} file${files.length === 1 ? '' : 's'}, ${failures} failed (${pct(events === 0 ? 0 : failures / events)})${first ? `, first ${first}, last ${last}` : ''}`,
    );
    for (const [title, m] of [
      ['domain', stats.domains],
      ['entity', stats.entities],
      ['action', stats.actions],
    ] as const) {
      io.out('');
      const rows = [
        [title.toUpperCase(), 'EVENTS', 'FAILED', 'RATE'],
        ...Object.entries(m).map(([k, c]) => [k, String(c.events), String(c.failures), pct(c.failure_rate)]),
      ];
      const w = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
      for (const r of rows)
        io.out(
          r
            .map(printable)
            .map((c, i) => (i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!)))
            .join('  '),
        );
    }
  }
  if (!json) for (const n of notes) io.err(`factline stats: ${n}`);
  return events === 0 && skippedTotal > 0 ? 1 : 0;
}
