import { DEFAULT_MAX_LINE_BYTES, readLines } from '../../lines/read-lines.js';
import { isLineProblem, readJsonLine, type LineProblemCode } from '../../lines/json-line.js';

/** One line of an events file, as {@link readEvents} yields it. */
export type EventLine =
  | {
      /** 1-based line number. */
      line: number;
      ok: true;
      /** The parsed object, not validated: check what you read (or run `verifyChain` first). */
      record: Record<string, unknown>;
    }
  | {
      line: number;
      ok: false;
      /** Why the line is not a record: `not_json`, `not_an_object` or `line_too_long` (docs/errors.md, "Line problems"). */
      code: LineProblemCode;
      /** The problem in words (the JSON parser's message, what was found instead of an object, the line's length). */
      error: string;
      /** The line as read (only its first bytes when it was too long). */
      raw: string;
    };

/**
 * Streams the records of an events file with their line numbers, holding one
 * line at a time. Lines end at `\n` only (U+2028 is a character of a JSON
 * string, not a line end). A line that is not a JSON object (a torn line, a blank
 * line) is yielded as `{ ok: false }` rather than skipped, so that a reader
 * can say where the file is damaged.
 *
 * @throws (the iterator rejects) when the file cannot be read.
 *
 * @example
 * for await (const e of readEvents('events.jsonl')) {
 *   if (e.ok && String(e.record.event_id).endsWith('.failed:1')) console.log(e.line, e.record);
 * }
 */
export async function* readEvents(path: string): AsyncGenerator<EventLine, void, undefined> {
  for await (const l of readLines(path)) {
    const value = readJsonLine(l, DEFAULT_MAX_LINE_BYTES);
    if (isLineProblem(value)) yield { line: l.line, ok: false, code: value.code, error: value.message, raw: l.text };
    else yield { line: l.line, ok: true, record: value };
  }
}
