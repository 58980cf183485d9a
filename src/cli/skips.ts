/**
 * Lines of local files that are not events, as commands that run several
 * queries (`feedback`, `chain`) report them: the way `query` does
 * (`skipped N lines that are not events (…); first: FILE:LINE: CODE: …`),
 * and exit 1 when the files have lines but none is an event.
 */
import { readLines } from '../lines/read-lines.js';
import type { SkippedLine } from './event-lines.js';
import { watchSkips } from '../history/skipped.js';
import { printable } from './printable.js';

export { watchSkips };

/** The first line of files none of whose lines is an event. */
export interface NoEvent {
  readonly file: string;
  readonly line: number;
  readonly skip: SkippedLine;
}

/**
 * When a local query skipped lines and matched none: whether any line of
 * `files` is an event at all. Reads only up to the first event line. The
 * first line's problem when none is, else undefined.
 */
export async function noEventIn(files: readonly string[]): Promise<NoEvent | undefined> {
  // Loaded here: the classifier reads the Intent catalog, which a query never needs otherwise.
  const { lineEvent, SkippedLine } = await import('./event-lines.js');
  let first: NoEvent | undefined;
  for (const file of files) {
    for await (const l of readLines(file)) {
      if (!l.truncated && l.text.trim() === '') continue;
      const ev = lineEvent(l);
      if (!(ev instanceof SkippedLine)) return undefined;
      first ??= { file, line: l.line, skip: ev };
    }
  }
  return first;
}

/**
 * What a command says about the lines it skipped: `query`'s sentence, and,
 * when the command found nothing and no line of the files is an event, the
 * sentence that makes it exit 1. Printed on stderr, or as the `warnings` of a
 * `--json` answer.
 */
export async function skipNotes(watch: ReturnType<typeof watchSkips>, foundNothing: boolean): Promise<{ notes: string[]; noEvent: boolean }> {
  const summary = watch.summary();
  if (summary === undefined) return { notes: [], noEvent: false };
  const none = foundNothing ? await noEventIn(watch.files()) : undefined;
  if (none === undefined) return { notes: [summary], noEvent: false };
  return { notes: [summary, noEventSentence(watch.files(), none)], noEvent: true };
}

/** `no line of F is an event (first: F:1: not_json: …): is it an events file (…)?` */
export function noEventSentence(files: readonly string[], none: NoEvent): string {
  return `no line of ${files.map(printable).join(', ')} is an event (first: ${printable(none.file)}:${none.line}: ${none.skip.code}: ${printable(none.skip.message)}): is it an events file (factline envelopes or Intent's flat lines)?`;
}
