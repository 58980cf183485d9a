import { printable } from './printable.js';
import { statSync, watch, type FSWatcher } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { inputFileProblem } from './input-file.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { compilePattern, type EventPattern } from '../eventid/pattern.js';
import { eventIdPatternHint } from '../feedback/pattern-hint.js';
import { DEFAULT_MAX_LINE_BYTES, readLines, type Line } from '../lines/read-lines.js';
import { formatEventLine } from '../sinks/console/format.js';
import { useColor, type CliIo } from './io.js';
import { UsageError, nonNegativeInt, parse, positiveInt } from './options.js';
import { lineEvent, type LineSkip } from './event-lines.js';

export const TAIL_HELP = `Usage: factline tail [-f] [-n N] [--pattern P] FILE

Prints the last events of an events file (factline's envelope lines or
Intent's flat lines) in the one-line text form:

  contract.assertion.failed:1 @ 2026-03-30T15:02:15Z contract_id="CON-092" ...

Options:
  -f, --follow      keep printing new events as they are appended, each once and in
                    order, across rotation (FILE renamed to FILE.1 and a new FILE
                    started) and copy-truncate (FILE copied to FILE.1, then emptied);
                    stop with Ctrl-C
  -n, --lines N     how many of the last events to print first (default 10; 0 with -f:
                    only new ones)
  --pattern P       only events whose EventID matches the % pattern P ('%.failed:%')
  --poll-ms MS      how often -f looks for new lines when the file system does not report
                    changes (fs.watch); default 250

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
        const why =
          ev === 'huge'
            ? `a line of ${l.bytes} bytes, over ${DEFAULT_MAX_LINE_BYTES}`
            : ev === 'corrupt'
              ? 'not JSON'
              : ev === 'invalid_event_id'
                ? 'event_id is not a valid EventID (domain.entity.action:version)'
                : 'not an event (no event_id or Intent event_type)';
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

/**
 * `FILE.1`, `FILE.2`, … opened (index k is `FILE.(k+1)`), up to the first
 * that does not exist. A writer may be shifting them meanwhile: the set is
 * taken when two listings agree and every opened file is the one listed.
 */
async function openRotated(file: string, max: number): Promise<Followed[]> {
  const list = (): number[] => {
    const out: number[] = [];
    for (let k = 1; k <= max; k++) {
      const id = identity(`${file}.${k}`);
      if (id === undefined) break;
      out.push(id.ino);
    }
    return out;
  };
  for (let attempt = 0; ; attempt++) {
    const listed = list();
    const opened: Followed[] = [];
    for (let k = 0; k < listed.length; k++) {
      const r = await follow(`${file}.${k + 1}`);
      if (r === undefined) break;
      opened.push(r);
    }
    const again = list();
    const stable = opened.length === listed.length && again.join() === listed.join() && opened.every((r, k) => r.ino === listed[k]);
    if (stable || attempt >= 20) return opened;
    await closeAll(opened);
    await sleep(2);
  }
}

async function closeAll(files: readonly Followed[]): Promise<void> {
  for (const r of files) await r.handle.close().catch(() => {});
}

/** The index of the copy that holds the bytes `f` read last, just before its position. */
async function copyOf(copies: readonly Followed[], f: Followed): Promise<number | undefined> {
  for (let k = 0; k < copies.length; k++) {
    const c = copies[k]!;
    if ((await c.handle.stat()).size < f.position) continue;
    if ((await bytesAt(c.handle, f.position - f.fingerprint.length, f.fingerprint.length)).equals(f.fingerprint)) return k;
  }
  return undefined;
}

/** Bytes before the read position kept to recognise the same file content (copy-truncate detection): several whole lines, since lines of one writer often end alike. */
const FINGERPRINT_BYTES = 16 * 1024;

/**
 * The followed file, held open: reads go to the file that was opened, so a
 * rename between a look and a read cannot mix two files' bytes, and the
 * rest of a rotated file is read from it after the rename.
 */
interface Followed {
  handle: FileHandle;
  ino: number;
  dev: number;
  /** Byte offset after the last complete line read. */
  position: number;
  /** Number of the next line. */
  line: number;
  /** The bytes just before `position` (up to FINGERPRINT_BYTES). */
  fingerprint: Buffer;
}

async function bytesAt(handle: FileHandle, from: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  let got = 0;
  while (got < length) {
    const { bytesRead } = await handle.read(buf, got, length - got, from + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return buf.subarray(0, got);
}

/** Bytes read per look; a longer line is read on in further chunks. */
const CHUNK_BYTES = 1024 * 1024;

/**
 * Reads the complete lines of the held file from `f.position` up to `limit`
 * bytes (a line whose `\n` lies past `limit` is left for the next read;
 * `limit` Infinity: a last line without `\n` is whole), and moves
 * `f.position` past them. Returns false, printing nothing of the chunk,
 * when the file changed under the read (truncated, and perhaps refilled):
 * the bytes before the position or at the end of the chunk are no longer
 * what they were, so what was read may mix old and new content.
 */
async function readHeld(path: string, f: Followed, limit: number, p: Printer): Promise<boolean> {
  for (;;) {
    const size = (await f.handle.stat()).size;
    const end = Math.min(size, limit);
    if (end <= f.position) {
      // Nothing new, unless the file was emptied and refilled to where it was.
      return size >= f.position && (await bytesAt(f.handle, f.position - f.fingerprint.length, f.fingerprint.length)).equals(f.fingerprint);
    }
    let want = Math.min(end - f.position, CHUNK_BYTES);
    let chunk = await bytesAt(f.handle, f.position, want);
    // A line longer than the chunk: read on to its end (or the limit).
    while (chunk.indexOf(0x0a) < 0 && f.position + chunk.length < end && chunk.length === want) {
      want = Math.min(end - f.position, want * 2);
      chunk = await bytesAt(f.handle, f.position, want);
    }
    const unchanged =
      (await bytesAt(f.handle, f.position - f.fingerprint.length, f.fingerprint.length)).equals(f.fingerprint) &&
      (await bytesAt(f.handle, f.position + chunk.length - Math.min(chunk.length, FINGERPRINT_BYTES), Math.min(chunk.length, FINGERPRINT_BYTES))).equals(
        chunk.subarray(chunk.length - Math.min(chunk.length, FINGERPRINT_BYTES)),
      );
    if (!unchanged) return false;
    const whole = limit === Number.POSITIVE_INFINITY && f.position + chunk.length >= size;
    let from = 0;
    for (;;) {
      let nl = chunk.indexOf(0x0a, from);
      if (nl < 0) {
        if (!whole || from >= chunk.length) break;
        nl = chunk.length;
      }
      const bytes = nl - from;
      const cut = bytes > 0 && chunk[nl - 1] === 0x0d ? nl - 1 : nl;
      const huge = bytes > DEFAULT_MAX_LINE_BYTES;
      const text = chunk.toString('utf8', from, huge ? from + DEFAULT_MAX_LINE_BYTES : cut);
      p.handle(path, {
        line: f.line,
        text: f.position + from === 0 && text.charCodeAt(0) === 0xfeff ? text.slice(1) : text,
        offset: f.position + from,
        bytes,
        truncated: huge,
      });
      f.line++;
      from = nl + 1;
    }
    if (from === 0) return true; // no whole line yet
    const consumed = Math.min(from, chunk.length);
    const fp = Buffer.concat([f.fingerprint, chunk.subarray(0, consumed)]);
    f.fingerprint = fp.subarray(Math.max(0, fp.length - FINGERPRINT_BYTES));
    f.position += from;
    if (f.position > size) f.position = size;
  }
}

/** Reads a whole file (a rotated one) from `start` to its end, a last line without `\n` included. */
async function readWhole(path: string, start: number, firstLine: number, p: Printer): Promise<void> {
  for await (const l of readLines(path, { start, firstLine })) p.handle(path, l);
}

async function follow(path: string): Promise<Followed | undefined> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch {
    return undefined; // renamed away, the new file not created yet
  }
  const s = await handle.stat();
  return { handle, ino: s.ino, dev: s.dev, position: 0, line: 1, fingerprint: Buffer.alloc(0) };
}

/**
 * Waits `ms`, or less when `fs.watch` reports a change to the file or its
 * directory (renames, new files, appends); polling alone where watching is
 * not available (some network and container file systems).
 */
function waiter(path: string, ms: number, signal: AbortSignal | undefined): { wait: () => Promise<boolean>; close: () => void } {
  let wake: (() => void) | undefined;
  let changed = false;
  const watchers: FSWatcher[] = [];
  const onChange = (): void => {
    changed = true;
    wake?.();
  };
  for (const target of [path, dirname(path)]) {
    try {
      const w = watch(target, { persistent: false }, onChange);
      w.on('error', () => w.close());
      watchers.push(w);
    } catch {
      // Polling only.
    }
  }
  return {
    async wait() {
      if (signal?.aborted) return false;
      if (changed) {
        changed = false;
        // Let a burst of writes settle into whole lines.
        await sleep(5);
        return !signal?.aborted;
      }
      const ac = new AbortController();
      const abort = (): void => ac.abort();
      signal?.addEventListener('abort', abort, { once: true });
      wake = abort;
      try {
        await sleep(ms, undefined, { signal: ac.signal });
      } catch {
        // Woken by a change or aborted.
      } finally {
        wake = undefined;
        signal?.removeEventListener('abort', abort);
      }
      changed = false;
      return !signal?.aborted;
    },
    close() {
      for (const w of watchers) w.close();
    },
  };
}

/**
 * `factline tail`: the last events of a file, then (with `-f`) every new one,
 * following rotation (rename, as the JSONL sink and logrotate do) and
 * copy-truncate. Resolves when `control.signal` aborts.
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
    if (parsed.positionals.length !== 1)
      throw new UsageError(parsed.positionals.length === 0 ? 'missing FILE' : `one FILE at a time, got ${parsed.positionals.length}`);
    file = parsed.positionals[0]!;
    const hint = values.pattern !== undefined ? eventIdPatternHint(values.pattern) : undefined;
    if (hint !== undefined) throw new UsageError(`--pattern ${hint}`);
    pattern = values.pattern !== undefined ? compilePattern(values.pattern) : undefined;
    count = nonNegativeInt(values.lines, '--lines', 10);
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
  if (!values.follow) {
    await readWhole(file, 0, 1, first);
    for (const l of ring) io.out(l);
    summary(io, first.skipped);
    return 0;
  }
  let current = await follow(file);
  if (current === undefined) {
    io.err(`factline tail: ${file}: cannot open`);
    return 2;
  }
  await readHeld(file, current, (await current.handle.stat()).size, first);
  for (const l of ring) io.out(l);
  const p = printer(io, pattern);
  for (const k of Object.keys(first.skipped) as LineSkip[]) p.skipped[k] += first.skipped[k];

  const signal = control.signal;
  const w = waiter(file, pollMs, signal);
  try {
    while (await w.wait()) {
      let f: Followed = current;
      // The lines appended since the last look, unless the file changed under them.
      if (!(await readHeld(file, f, (await f.handle.stat()).size, p))) {
        // Truncated (copy-truncate: the old content was copied to FILE.1
        // first, older copies shifted to FILE.2 …), or truncated and written
        // past the old offset between two looks. The lines after the last
        // read are in the copy that holds the bytes read last, where they
        // were; newer copies follow whole.
        const copies = await openRotated(file, MAX_ROTATED);
        const k = await copyOf(copies, f);
        if (k !== undefined) {
          await readHeld(`${file}.${k + 1}`, { ...copies[k]!, position: f.position, line: f.line, fingerprint: f.fingerprint }, Number.POSITIVE_INFINITY, p);
          for (let j = k - 1; j >= 0; j--) await readHeld(`${file}.${j + 1}`, copies[j]!, Number.POSITIVE_INFINITY, p);
        } else io.err(`factline tail: ${file} was truncated and no ${file}.N holds its copy; lines written to it after the last look are not shown`);
        await closeAll(copies);
        io.err(`factline tail: ${file} was truncated; reading from its start`);
        f.position = 0;
        f.line = 1;
        f.fingerprint = Buffer.alloc(0);
      }
      const now = identity(file);
      if (now !== undefined && (now.ino !== f.ino || now.dev !== f.dev)) {
        // Rotated: the held file is the old one, wherever it went. Open the
        // new file and the rotated files newer than the old one at once (a
        // further rotation while they are read then changes nothing), finish
        // the old file (its writer has moved on, so a last line without \n is
        // whole), then the newer rotated files whole, then the new file.
        const next = await follow(file);
        const rotated = await openRotated(file, MAX_ROTATED);
        const moved = rotated.findIndex((r) => r.ino === f.ino && r.dev === f.dev);
        await readHeld(file, f, Number.POSITIVE_INFINITY, p);
        if (moved >= 0) {
          for (let k = moved - 1; k >= 0; k--) {
            const r = rotated[k]!;
            if (next !== undefined && r.ino === next.ino && r.dev === next.dev) continue;
            await readHeld(`${file}.${k + 1}`, r, Number.POSITIVE_INFINITY, p);
          }
        } else {
          io.err(
            `factline tail: ${file} was replaced and the old file is not among ${file}.1 … ${file}.${MAX_ROTATED}; files rotated in between are not shown`,
          );
        }
        await closeAll(rotated);
        io.err(`factline tail: ${file} was rotated; following the new file`);
        await f.handle.close();
        if (next === undefined) continue;
        current = f = next;
      }
      await readHeld(file, f, (await f.handle.stat()).size, p);
    }
  } finally {
    w.close();
    await current.handle.close().catch(() => {});
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
