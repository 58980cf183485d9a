import { readLines } from '../../lines/read-lines.js';

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
      /** Why the line is not a record: the JSON parser's message, `not a JSON object`, or `line too long`. */
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
  for await (const { line, text: raw, truncated, bytes } of readLines(path)) {
    if (truncated) {
      yield { line, ok: false, error: `line too long: ${bytes} bytes, more than the reader holds; not parsed`, raw };
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (e) {
      yield { line, ok: false, error: (e as Error).message, raw };
      continue;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      yield { line, ok: false, error: 'not a JSON object', raw };
    } else {
      yield { line, ok: true, record: value as Record<string, unknown> };
    }
  }
}
