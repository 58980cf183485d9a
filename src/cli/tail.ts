import { isUtf8 } from 'node:buffer';
import { printable } from './printable.js';
import { statSync, watch, type FSWatcher } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { inputFileProblem } from './input-file.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { compilePattern, type EventPattern } from '../eventid/pattern.js';
import { eventIdPatternHint } from '../eventid/pattern-hint.js';
import { DEFAULT_MAX_LINE_BYTES, readLines, type Line } from '../lines/read-lines.js';
import { formatEventLine } from '../sinks/console/format.js';
import { useColor, type CliIo } from './io.js';
import { UsageError, nonNegativeInt, parse, positiveInt, typedOption } from './options.js';
import { lineEvent, noSkips, SkippedLine, type LineSkip } from './event-lines.js';

export const TAIL_HELP = `Usage: factline tail [-f] [-n N] [--pattern P] FILE

Prints the last events of an events file (factline's envelope lines or
Intent's flat lines) in the one-line text form:

  contract.assertion.failed:1 @ 2026-03-30T15:02:15Z contract_id="CON-092" ...

Options:
  -f, --follow      keep printing new events as they are appended, each once and in
                    order, across rotation (FILE renamed to FILE.1 and a new FILE
                    started, any number of times between two looks) and
                    copy-truncate (FILE copied to FILE.1, then emptied); events in
                    rotated files deleted before tail read them are reported on
                    stderr as not shown (with their seq range when the lines have
                    one); stop with Ctrl-C
  -n, --lines N     how many of the last events to print first (default 10; 0 with -f:
                    only new ones)
  --pattern P       only events whose EventID matches the % pattern P ('%.failed:%')
  --poll-ms MS      how often -f looks for new lines when the file system does not report
                    changes (fs.watch); default 250

Lines that are not events are skipped with one message each on stderr,
FILE:LINE: CODE: REASON (codes: invalid_utf8, not_json, not_an_object, line_too_long,
not_an_event, invalid_event_id; docs/errors.md), and counted at the end.

Exit status: 0; 1 without -f when the file has lines but none is an event;
2 on usage errors (the usage is printed) and on a FILE that cannot be read
(missing, a directory, a FIFO: the message alone).`;

/** What stops `tail -f` (tests; the CLI stops on a signal). */
export interface TailControl {
  signal?: AbortSignal;
}

interface Printer {
  skipped: Record<LineSkip, number>;
  /** The hash-chain `seq` of the last event line read (factline envelopes; Intent lines have none). */
  lastSeq: number | undefined;
  /** How many lines were events (printed or not by --pattern). */
  events: number;
  handle(file: string, l: Line): void;
}

/** Prints each event line, or (with `buffer`) keeps the last `keep` of them. */
function printer(io: CliIo, pattern: EventPattern | undefined, buffer?: string[], keep = 0): Printer {
  const color = useColor(io);
  const skipped = noSkips();
  return {
    skipped,
    lastSeq: undefined,
    events: 0,
    handle(file, l) {
      if (l.text.trim() === '' && !l.truncated) return;
      const ev = lineEvent(l);
      if (ev instanceof SkippedLine) {
        skipped[ev.code]++;
        io.err(`factline tail: ${printable(file)}:${l.line}: skipped: ${ev.code}: ${printable(ev.message)}`);
        return;
      }
      this.events++;
      const seq = (ev as { seq?: unknown }).seq;
      if (typeof seq === 'number') this.lastSeq = seq;
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

/** The highest rotation suffix looked at (the JSONL sink keeps 5 by default; logrotate's `rotate N`). */
const MAX_ROTATED = 1000;

/** How often a listing of the files is taken again while a writer keeps shifting them. */
const CHAIN_ATTEMPTS = 200;

/** A file of the chain, held open, with the name it had when the chain was taken. */
interface ChainFile extends Followed {
  path: string;
}

/**
 * The files of the chain, newest first, held open: FILE (when it exists and
 * `withFile`), then `FILE.1`, `FILE.2`, … up to the first that does not
 * exist. A writer may be rotating meanwhile, any number of times: the chain
 * is taken when a listing of the names' inodes, the files opened, and a
 * second listing all agree, so no file of it is missed or taken twice and the
 * order is the order the files had at one moment. `stable` is false when no
 * such moment came in CHAIN_ATTEMPTS tries (the last try is returned).
 */
async function openChain(file: string, withFile: boolean): Promise<{ files: ChainFile[]; stable: boolean }> {
  const paths = (): string[] => {
    const out: string[] = [];
    if (withFile && identity(file) !== undefined) out.push(file);
    for (let k = 1; k <= MAX_ROTATED && identity(`${file}.${k}`) !== undefined; k++) out.push(`${file}.${k}`);
    return out;
  };
  const inodes = (list: readonly string[]): string =>
    list
      .map((q) => {
        const id = identity(q);
        return `${id?.dev}:${id?.ino}`;
      })
      .join();
  for (let attempt = 1; ; attempt++) {
    const listed = paths();
    const before = inodes(listed);
    const opened: ChainFile[] = [];
    for (const path of listed) {
      const r = await follow(path);
      if (r === undefined) break;
      opened.push({ ...r, path });
    }
    const again = paths();
    const stable =
      opened.length === listed.length && again.join() === listed.join() && inodes(again) === before && opened.map((r) => `${r.dev}:${r.ino}`).join() === before;
    if (stable || attempt >= CHAIN_ATTEMPTS) return { files: opened, stable };
    await closeAll(opened);
    await sleep(Math.min(attempt, 20));
  }
}

/** `FILE.1`, `FILE.2`, … held open (index k is `FILE.(k+1)`); see openChain. */
async function openRotated(file: string): Promise<Followed[]> {
  return (await openChain(file, false)).files;
}

/** The `seq` of the first event line of a held file, if it has one (a hash-chained events file). */
async function firstSeq(f: Followed): Promise<number | undefined> {
  const head = await bytesAt(f.handle, 0, Math.min((await f.handle.stat()).size, 1024 * 1024));
  const nl = head.indexOf(0x0a);
  const ev = lineEvent(head.toString('utf8', 0, nl < 0 ? head.length : nl).replace(/^\uFEFF/, ''));
  const seq = ev instanceof SkippedLine ? undefined : (ev as { seq?: unknown }).seq;
  return typeof seq === 'number' ? seq : undefined;
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
      // A line whose bytes are not UTF-8 is skipped as invalid_utf8, as the line reader marks it for every other reader.
      const bad = !huge && !isUtf8(chunk.subarray(from, cut));
      p.handle(path, {
        line: f.line,
        text: f.position + from === 0 && text.charCodeAt(0) === 0xfeff ? text.slice(1) : text,
        offset: f.position + from,
        bytes,
        truncated: huge,
        ...(bad ? { validUtf8: false } : {}),
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
 * After the held file `f` changed under a read (truncated, perhaps refilled:
 * copy-truncate copied the old content to FILE.1 first, older copies
 * shifted to FILE.2 …, or it was truncated and written past the old offset
 * between two looks): the lines after the last read are printed from the
 * copy that holds the bytes read last, where they were, newer copies follow
 * whole; `f` is then set to be read from its start. Without a copy, says that the lines
 * written after the last look are not shown.
 */
async function afterTruncation(file: string, f: Followed, p: Printer, io: CliIo): Promise<void> {
  // Truncated (copy-truncate: the old content was copied to FILE.1
  // first, older copies shifted to FILE.2 …), or truncated and written
  // past the old offset between two looks. The lines after the last
  // read are in the copy that holds the bytes read last, where they
  // were; newer copies follow whole.
  const copies = await openRotated(file);
  const k = await copyOf(copies, f);
  if (k !== undefined) {
    await readHeld(`${file}.${k + 1}`, { ...copies[k]!, position: f.position, line: f.line, fingerprint: f.fingerprint }, Number.POSITIVE_INFINITY, p);
    // When the held file itself was renamed into the set since (a
    // rename rotation after the copy), the copies newer than the one
    // read stop at it: it is read from its start below, and the files
    // newer than it by the rotation's own step, each once.
    const held = copies.findIndex((c) => c.ino === f.ino && c.dev === f.dev);
    const newest = held >= 0 && held < k ? held + 1 : 0;
    for (let j = k - 1; j >= newest; j--) await readHeld(`${file}.${j + 1}`, copies[j]!, Number.POSITIVE_INFINITY, p);
  } else io.err(`factline tail: ${file} was truncated and no ${file}.N holds its copy; lines written to it after the last look are not shown`);
  await closeAll(copies);
  io.err(`factline tail: ${file} was truncated; reading from its start`);
  f.position = 0;
  f.line = 1;
  f.fingerprint = Buffer.alloc(0);
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
    // Named as typed: `-n x` says -n, `--lines x` says --lines.
    count = nonNegativeInt(values.lines, typedOption(args, 'lines', 'n'), 10);
    pollMs = positiveInt(values['poll-ms'], '--poll-ms', 250);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`factline tail: ${e.message}\n\n${TAIL_HELP}`);
      return 2;
    }
    throw e;
  }
  // A file that cannot be read is not a usage error: the message alone, as verify and validate give it (exit 2).
  const why = inputFileProblem(file);
  if (why !== undefined) {
    io.err(`factline tail: ${printable(file)}: ${why}`);
    return 2;
  }

  // The last `count` events: read the file once, keep a ring of printed lines.
  // Without -f a last line lacking its `\n` is shown too; with -f it waits for its end.
  const ring: string[] = [];
  const first = printer(io, pattern, ring, count);
  if (!values.follow) {
    await readWhole(file, 0, 1, first);
    for (const l of ring) io.out(l);
    summary(io, first.skipped);
    // As query and stats: lines, but none an event, is not an events file (an empty file is fine).
    if (first.events === 0 && Object.values(first.skipped).some((n) => n > 0)) {
      io.err(`factline tail: no line of ${printable(file)} is an event: is it an events file (factline envelopes or Intent's flat lines)?`);
      return 1;
    }
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
      if (!(await readHeld(file, f, (await f.handle.stat()).size, p))) await afterTruncation(file, f, p, io);
      const now = identity(file);
      if (now !== undefined && (now.ino !== f.ino || now.dev !== f.dev)) {
        // Rotated by rename, once or any number of times since the last look.
        // The held file is the old one, wherever it went. Take the chain
        // (FILE, FILE.1, … at one moment, held open, so further rotations
        // while it is read change nothing), find the held file in it, finish
        // the held file (its writer has moved on, so a last line without \n
        // is whole), then each newer rotated file whole, oldest first, then
        // follow the newest file of the chain.
        const { files: chain, stable } = await openChain(file, true);
        const at = chain.findIndex((r) => r.ino === f.ino && r.dev === f.dev);
        // The held file may have been copy-truncated before it was renamed: its copy is read first.
        // (The look above can miss it: its reads may have completed before the writer's last steps.)
        if (!(await readHeld(file, f, Number.POSITIVE_INFINITY, p))) {
          await afterTruncation(file, f, p, io);
          await readHeld(file, f, Number.POSITIVE_INFINITY, p);
        }
        let newer: ChainFile[];
        if (at > 0) newer = chain.slice(0, at);
        else if (at === 0)
          newer = []; // the name was given back to the held file meanwhile
        else {
          // The held file is no longer in the chain: deleted (more rotations
          // than the writer keeps before this look) or moved elsewhere. The
          // files between it and the oldest of the chain are gone.
          newer = chain;
          const oldest = chain[chain.length - 1];
          const after = p.lastSeq;
          const upTo = oldest !== undefined ? await firstSeq(oldest) : undefined;
          const range =
            after !== undefined && upTo !== undefined
              ? upTo > after + 1
                ? `events seq ${after + 1} to ${upTo - 1}`
                : undefined
              : after !== undefined
                ? `events after seq ${after}`
                : 'events';
          if (range !== undefined)
            io.err(
              `factline tail: ${file}: ${range} are not shown: the rotated files that held them were deleted or moved before tail read them${stable ? '' : ' (the files kept changing while tail listed them)'}; keep more rotated files, or look more often with --poll-ms`,
            );
        }
        for (let k = newer.length - 1; k >= 1; k--) await readHeld(newer[k]!.path, newer[k]!, Number.POSITIVE_INFINITY, p);
        for (const r of chain) if (r !== newer[0]) await r.handle.close().catch(() => {});
        io.err(`factline tail: ${file} was rotated; following the new file`);
        if (newer[0] === undefined) continue; // nothing newer yet: keep the held file
        await f.handle.close().catch(() => {});
        current = f = newer[0];
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
