import { stat } from 'node:fs/promises';
import { readLineBatches } from '../lines/read-lines.js';
import { invalidUtf8, isLineProblem, parseJsonLine } from '../lines/json-line.js';
import type { LabelMatcher, LineFilter, LogSelector } from './ast.js';
import { factlineEnvelopeFormat, tailedFileName, toEntry, type Entry, type EntryOptions, type SkipReason } from './entry.js';
import { compilePipeline, matcherMatches, newRow, type Row } from './pipeline.js';
import { abortedError, QueryError } from './types.js';
import { goNumber } from './go-json.js';
import { requiredLiterals } from './regex.js';

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
    skipped: { invalid_utf8: 0, not_json: 0, not_an_object: 0, line_too_long: 0, not_an_event: 0, no_time: 0 },
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

/*
 * A raw-text prefilter for the line filters that open a pipeline (`|= "text"`,
 * and `|~ "re"` through the literals every match of the regex contains). It
 * only ever skips a line when the rendered line cannot pass either: a
 * literal the line must contain is absent from the raw JSON text and the
 * rendering cannot create it.
 *
 * The rendered line (go-json.ts) is made of the raw line's own tokens: keys,
 * strings, numbers, `true` / `false` / `null`, joined by `{}[],:`. A literal of
 * plain characters (letters, digits, space, `_.-/:@`, no quote or comma) lies
 * within one token, after at most a leading `:`, so the raw text holds it too
 * unless the token is written differently in the raw line: a string with an
 * escape (`\/`, `\u00e9`, `\"` render as other characters), a U+2028 /
 * U+2029 (rendered as `\u2028`), or a number the rendering writes with other
 * characters (`1.0` as `1`, `1e2` as `100`, a 20-digit integer rounded, an
 * overflow as `null`). The number check runs only for a literal made of the
 * characters of a rendered number (`0-9 . e + -`) or part of `null`; any other
 * literal cannot lie within a number. A literal within `parsed_event_id` is
 * not used: an envelope without a payload renders with that key added.
 */
const PLAIN = /^[A-Za-z0-9 _.\-/:@]+$/;

/** Every JSON number of a line (and perhaps some look-alikes inside strings, which only make the filter pass more). */
const NUMBER = /[:,[]\s*(-?[0-9][0-9.eE+-]*)(?=\s*[,}\]])/g;

function numbersAsRendered(raw: string): boolean {
  NUMBER.lastIndex = 0;
  for (let m = NUMBER.exec(raw); m !== null; m = NUMBER.exec(raw)) {
    const token = m[1]!;
    // An exponent: a number body renders with strconv 'f' formatting (no exponent).
    if (goNumber(Number(token)) !== token || token.includes('e') || token.includes('E')) return false;
  }
  return true;
}

/** A literal the raw text must hold, as searched there (a leading `:` may be followed by whitespace in the raw line). */
interface RawLiteral {
  text: string;
  /** The rendering of a number may create it. */
  numeric: boolean;
}

function rawLiteral(literal: string): RawLiteral | undefined {
  if (!PLAIN.test(literal)) return undefined;
  const text = literal.startsWith(':') ? literal.slice(1) : literal;
  // An envelope without a payload renders with a key of its own (entry.ts, leftover).
  if (text === '' || 'parsed_event_id'.includes(text)) return undefined;
  return { text, numeric: /^[0-9.e+-]+$/.test(text) || 'null'.includes(text) };
}

/**
 * The literals of a plain-character run: the run itself when it is plain,
 * else its longest plain piece (any piece of a required literal is required).
 */
function plainPiece(run: string): RawLiteral | undefined {
  let best = '';
  for (const piece of run.split(/[^A-Za-z0-9 _.\-/:@]+/)) if (piece.length > best.length) best = piece;
  return best.length >= 2 || best === run ? rawLiteral(best) : undefined;
}

/**
 * For one line filter: the alternatives that let a line pass, each a set of
 * literals all of which the line must hold; undefined when the filter gives
 * no such literals.
 */
function filterLiterals(f: LineFilter): RawLiteral[][] | undefined {
  if (f.ip !== undefined) return undefined;
  if (f.op === '|=') {
    const out: RawLiteral[][] = [];
    for (const v of f.values) {
      const lit = rawLiteral(v);
      if (lit === undefined) return undefined;
      out.push([lit]);
    }
    return out;
  }
  if (f.op === '|~') {
    const out: RawLiteral[][] = [];
    for (const re of f.res!) {
      const alternatives = requiredLiterals(re.source);
      if (alternatives === undefined) return undefined;
      for (const runs of alternatives) {
        const lits = runs.map(plainPiece).filter((l) => l !== undefined);
        if (lits.length === 0) return undefined;
        out.push(lits);
      }
    }
    return out;
  }
  return undefined;
}

export function rawPrefilter(stages: LogSelector['stages']): ((raw: string) => boolean) | undefined {
  // Every line filter before the first other stage sees the entry's own line.
  const filters: RawLiteral[][][] = [];
  for (const stage of stages) {
    if (stage.kind !== 'line_filter') break;
    const lits = filterLiterals(stage.filter);
    if (lits !== undefined) filters.push(lits);
  }
  if (filters.length === 0) return undefined;
  const numeric = filters.map((f) => f.some((alt) => alt.some((l) => l.numeric)));
  const holds = (raw: string, alternatives: RawLiteral[][]): boolean => {
    outer: for (const alt of alternatives) {
      for (const l of alt) if (!raw.includes(l.text)) continue outer;
      return true;
    }
    return false;
  };
  return (raw) => {
    let checkNumbers = false;
    let missing = false;
    for (let i = 0; i < filters.length; i++) {
      if (holds(raw, filters[i]!)) continue;
      missing = true;
      checkNumbers ||= numeric[i]!;
    }
    if (!missing) return true;
    if (raw.includes('\\') || raw.includes('\u2028') || raw.includes('\u2029')) return true;
    return checkNumbers && !numbersAsRendered(raw);
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
  // The prefilter's reasoning holds for the envelope format's bodies (the line's own values, plus the
  // leftover body's parsed_event_id); a plugged-in format may build its body otherwise.
  const prefilter = options.entry.formats.every((f) => f === factlineEnvelopeFormat) ? rawPrefilter(selector.stages) : undefined;
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
          // A damaged line (bytes that are not UTF-8) is skipped as such, not read with U+FFFD in place of its bytes.
          const obj = l.validUtf8 === false ? invalidUtf8() : parseJsonLine(text);
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
