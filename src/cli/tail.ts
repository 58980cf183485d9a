import { printable } from './printable.js';
import { statSync } from 'node:fs';
import { inputFileProblem } from './input-file.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { compilePattern, type EventPattern } from '../eventid/pattern.js';
import { eventIdPatternHint } from '../feedback/pattern-hint.js';
import { DEFAULT_MAX_LINE_BYTES, readLines, type Line } from '../lines/read-lines.js';
import { formatEventLine } from '../sinks/console/format.js';
import { useColor, type CliIo } from './io.js';
import { UsageError, parse, positiveInt } from './options.js';
import { lineEvent, type LineSkip } from './event-lines.js';

export const TAIL_HELP = `Usage: factline tail [-f] [-n N] [--pattern P] FILE

Prints the last events of an events file (factline's envelope lines or
Intent's flat lines) in the one-line text form:

  contract.assertion.failed:1 @ 2026-03-30T15:02:15Z contract_id="CON-092" ...

Options:
  -f, --follow      keep printing new events as they are appended, across rotation
                    (FILE renamed to FILE.1 and a new FILE started) and truncation;
                    stop with Ctrl-C
  -n, --lines N     how many of the last events to print first (default 10)
  --pattern P       only events whose EventID matches the % pattern P ('%.failed:%')
  --poll-ms MS      how often -f looks for new lines (default 250)

Lines that are not events (corrupt JSON, unknown shape, longer than 16 MiB) are
skipped with one message each on stderr and counted at the end.

Exit status: 0, or 2 on usage errors (missing or unreadable FILE).`;

/** What stops `tail -f` (tests; the CLI stops on a signal). */
export interface TailControl {
  signal?: AbortSignal;
}

interface Printer {
  skipped: Record<LineSkip, number>;
  handle(file: string, l: Line): void;
}

/** Prints each event line, or (with `buffer`) keeps the last `keep` of them. */
function printer(io: CliIo, pattern: EventPattern | undefined, buffer?: string[], keep = 0): Printer {
  const color = useColor(io);
  const skipped: Record<LineSkip, number> = { corrupt: 0, unrecognised: 0, huge: 0, invalid_event_id: 0 };
  return {
    skipped,
    handle(file, l) {
      if (l.text.trim() === '' && !l.truncated) return;
      const ev = l.truncated ? 'huge' : lineEvent(l.text);
      if (typeof ev === 'string') {
        skipped[ev]++;
        const why = ev === 'huge' ? `a line of ${l.bytes} bytes, over ${DEFAULT_MAX_LINE_BYTES}` : ev === 'corrupt' ? 'not JSON' : ev === 'invalid_event_id' ? 'event_id is not a valid EventID (domain.entity.action:version)' : 'not an event (no event_id or Intent event_type)';
        io.err(`factline tail: ${printable(file)}:${l.line}: skipped: ${why}`);
        return;
      }
      if (pattern && !pattern.test(ev.event_id)) return;
      const text = formatEventLine(ev, { color });
      if (buffer) {
        buffer.push(text);
        if (buffer.length > keep) buffer.shift();
      } else io.out(text);
    },
  };
}

function summary(io: CliIo, skipped: Record<LineSkip, number>): void {
  const parts = Object.entries(skipped).filter(([, n]) => n > 0);
  const total = parts.reduce((a, [, n]) => a + n, 0);
  if (total > 0) io.err(`factline tail: skipped ${total} line${total === 1 ? '' : 's'} (${parts.map(([r, n]) => `${r} ${n}`).join(', ')})`);
}

/** The file's identity and size, or undefined when it does not exist (between a rename and the new file). */
function identity(path: string): { ino: number; dev: number; size: number } | undefined {
  try {
    const s = statSync(path);
    return { ino: s.ino, dev: s.dev, size: s.size };
  } catch {
    return undefined;
  }
}

/** The highest rotation suffix looked at (the JSONL sink keeps 5 by default). */
const MAX_ROTATED = 20;

/** The suffix `k` of the rotated file `FILE.k` that is the file once known as `was`, if any. */
function findRotated(file: string, was: { ino: number; dev: number }): number | undefined {
  for (let k = 1; k <= MAX_ROTATED; k++) {
    const id = identity(`${file}.${k}`);
    if (id === undefined) return undefined;
    if (id.ino === was.ino && id.dev === was.dev) return k;
  }
  return undefined;
}

/**
 * Reads the complete lines of `path` from `position` up to `limit` bytes (a
 * line whose `\n` lies past `limit` is left for the next read). Returns the
 * position after the last complete line.
 */
async function readComplete(path: string, position: number, firstLine: number, limit: number, p: Printer): Promise<{ position: number; line: number }> {
  let pos = position;
  let line = firstLine;
  for await (const l of readLines(path, { start: position, firstLine })) {
    if (l.offset + l.bytes + 1 > limit) break;
    p.handle(path, l);
    pos = l.offset + l.bytes + 1;
    line = l.line + 1;
  }
  return { position: pos, line };
}

/**
 * `factline tail`: the last events of a file, then (with `-f`) every new one,
 * following rotation. Resolves when `control.signal` aborts.
 *
 * @example
 * await tailCommand(['-n', '5', '--pattern', '%.failed:%', 'events.jsonl'], processIo);
 */
export async function tailCommand(args: string[], io: CliIo, control: TailControl = {}): Promise<number> {
  let values: ReturnType<typeof parseTail>['values'];
  let file: string;
  let pattern: EventPattern | undefined;
  let count: number;
  let pollMs: number;
  try {
    const parsed = parseTail(args);
    values = parsed.values;
    if (parsed.positionals.length !== 1) throw new UsageError(parsed.positionals.length === 0 ? 'missing FILE' : `one FILE at a time, got ${parsed.positionals.length}`);
    file = parsed.positionals[0]!;
    const hint = values.pattern !== undefined ? eventIdPatternHint(values.pattern) : undefined;
    if (hint !== undefined) throw new UsageError(`--pattern ${hint}`);
    pattern = values.pattern !== undefined ? compilePattern(values.pattern) : undefined;
    count = positiveInt(values.lines, '--lines', 10);
    pollMs = positiveInt(values['poll-ms'], '--poll-ms', 250);
    const why = inputFileProblem(file);
    if (why !== undefined) throw new UsageError(`${file}: ${why}`);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`factline tail: ${e.message}\n\n${TAIL_HELP}`);
      return 2;
    }
    throw e;
  }

  // The last `count` events: read the file once, keep a ring of printed lines.
  // Without -f a last line lacking its `\n` is shown too; with -f it waits for its end.
  const ring: string[] = [];
  const first = printer(io, pattern, ring, count);
  let current = identity(file)!;
  let state = await readComplete(file, 0, 1, values.follow ? current.size : Number.MAX_SAFE_INTEGER, first);
  for (const l of ring) io.out(l);
  if (!values.follow) {
    summary(io, first.skipped);
    return 0;
  }
  const p = printer(io, pattern);
  for (const k of Object.keys(first.skipped) as LineSkip[]) p.skipped[k] += first.skipped[k];

  const signal = control.signal;
  while (!signal?.aborted) {
    try {
      await sleep(pollMs, undefined, signal ? { signal } : {});
    } catch {
      break; // aborted
    }
    const now = identity(file);
    if (now === undefined) continue; // renamed away, the new file not created yet
    if (now.ino !== current.ino || now.dev !== current.dev) {
      // Rotated: finish the old file where it went (FILE.1, or further when
      // several rotations happened between two looks), then every newer rotated
      // file whole, then the new file from its start.
      const moved = findRotated(file, current);
      if (moved !== undefined) {
        await readComplete(`${file}.${moved}`, state.position, state.line, Number.MAX_SAFE_INTEGER, p);
        for (let k = moved - 1; k >= 1; k--) await readComplete(`${file}.${k}`, 0, 1, Number.MAX_SAFE_INTEGER, p);
      } else {
        io.err(`factline tail: ${file} was replaced and the old file is not among ${file}.1 … ${file}.${MAX_ROTATED}; lines written to it after the last look are not shown`);
      }
      io.err(`factline tail: ${file} was rotated; following the new file`);
      current = now;
      state = { position: 0, line: 1 };
    } else if (now.size < state.position) {
      io.err(`factline tail: ${file} was truncated; reading from its start`);
      state = { position: 0, line: 1 };
    }
    current = now;
    if (now.size > state.position) state = await readComplete(file, state.position, state.line, now.size, p);
  }
  summary(io, p.skipped);
  return 0;
}

function parseTail(args: string[]) {
  return parse(args, {
    follow: { type: 'boolean', short: 'f' },
    lines: { type: 'string', short: 'n' },
    pattern: { type: 'string' },
    'poll-ms': { type: 'string' },
  });
}
