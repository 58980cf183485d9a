import { stat } from 'node:fs/promises';
import { readLineBatches } from '../lines/read-lines.js';
import { isLineProblem, parseJsonLine } from '../lines/json-line.js';
import type { LabelMatcher, LineFilter, LogSelector } from './ast.js';
import { tailedFileName, toEntry, type Entry, type EntryOptions, type SkipReason } from './entry.js';
import { compilePipeline, matcherMatches, newRow, type Row } from './pipeline.js';
import { abortedError, QueryError } from './types.js';
import { goNumber } from './go-json.js';

/*
 * Reads the files of a query once, in order, and hands every entry that
 * passes the selector, the time window and the pipeline to a callback. One
 * batch of lines (about 1 MiB) is in memory at a time.
 */

/** Counts of lines a scan read and skipped, by reason. */
export interface ScanStats {
  linesRead: number;
  bytesRead: number;
  entriesMatched: number;
  skipped: Record<SkipReason, number>;
  /** The first skipped lines (file, line number, reason), for messages. */
  skippedSamples: { file: string; line: number; reason: SkipReason }[];
}

export function emptyStats(): ScanStats {
  return {
    linesRead: 0,
    bytesRead: 0,
    entriesMatched: 0,
    skipped: { not_json: 0, not_an_object: 0, line_too_long: 0, not_an_event: 0, no_time: 0 },
    skippedSamples: [],
  };
}

/** A time as [Unix ms, ns within the ms]. */
export type Instant = readonly [number, number];

export function toInstant(ns: bigint): Instant {
  const ms = ns / 1_000_000n;
  const rest = ns - ms * 1_000_000n;
  if (rest < 0n) return [Number(ms) - 1, Number(rest + 1_000_000n)];
  return [Number(ms), Number(rest)];
}

/** a < b */
export function before(ams: number, ans: number, b: Instant): boolean {
  return ams < b[0] || (ams === b[0] && ans < b[1]);
}

export interface ScanOptions {
  files: readonly string[];
  entry: EntryOptions;
  maxLineBytes?: number;
  /** Inclusive lower bound. */
  from: Instant;
  /** Upper bound. */
  to: Instant;
  /** Whether an entry exactly at `to` is included. */
  toInclusive: boolean;
  stats: ScanStats;
  onSkip?: (file: string, line: number, reason: SkipReason) => void;
  /** Stops the scan (checked every batch of lines, about 1 MiB) with `QueryError` `aborted`. */
  signal?: AbortSignal;
}

/**
 * A raw-text prefilter for `|= "text"` as the first stage. It only ever
 * skips a line when the rendered line cannot contain the text either: the
 * text is plain (letters, digits, space, `_.-/:@`), the raw JSON line does
 * not contain it, and the rendering cannot create it, which holds when the
 * raw line has no escape (`\/`, `\u00e9`, `\"` render as other characters),
 * no U+2028 / U+2029 (rendered as `\u2028`), and, for a text with digits,
 * every number is written as the rendering writes it (`1.0`, `1e2` or a
 * 20-digit integer render with other digits).
 */
/** Every JSON number of a line (and perhaps some look-alikes inside strings, which only make the filter pass more). */
const NUMBER = /[:,[]\s*(-?[0-9][0-9.eE+-]*)(?=\s*[,}\]])/g;

function numbersAsRendered(raw: string): boolean {
  NUMBER.lastIndex = 0;
  for (let m = NUMBER.exec(raw); m !== null; m = NUMBER.exec(raw)) {
    const token = m[1]!;
    if (goNumber(Number(token)) !== token) return false;
  }
  return true;
}

function rawPrefilter(stages: LogSelector['stages']): ((raw: string) => boolean) | undefined {
  const first = stages[0];
  if (first === undefined || first.kind !== 'line_filter') return undefined;
  const f: LineFilter = first.filter;
  if (f.op !== '|=' || f.values.some((v) => !/^[A-Za-z0-9 _.\-/:@]+$/.test(v))) return undefined;
  const values = f.values;
  const digits = values.some((v) => /[0-9]/.test(v));
  return (raw) => {
    for (const v of values) if (raw.includes(v)) return true;
    if (raw.includes('\\') || raw.includes('\u2028') || raw.includes('\u2029')) return true;
    if (digits && !numbersAsRendered(raw)) return true;
    return false;
  };
}

function streamMatches(matchers: readonly LabelMatcher[], e: Entry): boolean {
  for (const m of matchers) {
    // Only stream labels are in the index; a matcher on anything else sees "".
    const v = Object.hasOwn(e.stream, m.name) ? e.stream[m.name]! : '';
    if (!matcherMatches(m, v)) return false;
  }
  return true;
}

/**
 * Scans the files for a log selector, calling `onRow` for each entry that
 * passes; `onRow` returning false stops the scan.
 */
export async function scan(selector: LogSelector, options: ScanOptions, onRow: (row: Row) => unknown): Promise<void> {
  const pipeline = compilePipeline(selector.stages);
  const prefilter = rawPrefilter(selector.stages);
  const { from, to, toInclusive, stats, signal } = options;
  if (signal?.aborted) throw abortedError();
  for (const file of options.files) {
    const fileName = tailedFileName(file);
    try {
      await stat(file);
    } catch (e) {
      throw new QueryError('unavailable', `cannot read ${file}: ${(e as Error).message}`);
    }
    try {
      for await (const batch of readLineBatches(file, options.maxLineBytes !== undefined ? { maxLineBytes: options.maxLineBytes } : {})) {
        if (signal?.aborted) throw abortedError();
        for (let i = 0; i < batch.length; i++) {
          const l = batch[i]!;
          stats.linesRead++;
          stats.bytesRead += l.bytes + 1;
          const skip = (reason: SkipReason): void => {
            stats.skipped[reason]++;
            if (stats.skippedSamples.length < 10) stats.skippedSamples.push({ file, line: l.line, reason });
            options.onSkip?.(file, l.line, reason);
          };
          if (l.truncated) {
            skip('line_too_long');
            continue;
          }
          const text = l.text;
          if (text.length === 0 || (text.charCodeAt(0) <= 0x20 && text.trim() === '')) continue;
          if (prefilter !== undefined && !prefilter(text)) continue;
          const obj = parseJsonLine(text);
          const e = isLineProblem(obj) ? (obj.code as SkipReason) : toEntry(obj, options.entry, fileName);
          if (typeof e === 'string') {
            skip(e);
            continue;
          }
          if (before(e.ms, e.ns, from)) continue;
          if (toInclusive ? before(to[0], to[1], [e.ms, e.ns]) : !before(e.ms, e.ns, to)) continue;
          if (!streamMatches(selector.matchers, e)) continue;
          const row: Row = newRow(e);
          if (!pipeline(row)) continue;
          stats.entriesMatched++;
          if (onRow(row) === false) return;
        }
      }
    } catch (e) {
      if (e instanceof QueryError) throw e;
      throw new QueryError('unavailable', `cannot read ${file}: ${(e as Error).message}`);
    }
  }
}
