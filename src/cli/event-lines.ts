/**
 * A line of an events file as an event, for `tail` and `stats`: a factline
 * envelope as it is, an Intent flat line through the Intent catalog.
 */
import type { FactlineEvent } from '../envelope/event.js';
import { SEVERITY_NUMBER, severityForAction, type Severity } from '../envelope/severity.js';
import { safeParseEventId } from '../eventid/index.js';
import { INTENT_EVENT_ID_BY_WIRE_NAME, intentCatalog } from '../intent/catalog.js';
import { isLineProblem, notAnEvent, readJsonLine, type LineProblem, type LineProblemCode } from '../lines/json-line.js';
import { DEFAULT_MAX_LINE_BYTES, type Line } from '../lines/read-lines.js';
import { parseTime } from '../query/entry.js';
import { printable } from './printable.js';

/**
 * Why a line is not shown as an event: a line problem every reader shares
 * (docs/errors.md, "Line problems"), `invalid_event_id`: an `event_id`
 * that is not a valid EventID (`domain.entity.action:version`), or
 * `no_time`: no `time` (`timestamp` for an Intent line) that parses, the
 * code `query` skips such a line with (the engine's `parseTime`).
 */
export type LineSkip = LineProblemCode | 'invalid_event_id' | 'no_time';

/** A line that is not shown as an event, and why. */
export class SkippedLine {
  constructor(
    readonly code: LineSkip,
    readonly message: string,
  ) {}
}

/** A count of 0 for every {@link LineSkip}. */
export const noSkips = (): Record<LineSkip, number> => ({
  invalid_utf8: 0,
  not_json: 0,
  not_an_object: 0,
  line_too_long: 0,
  not_an_event: 0,
  invalid_event_id: 0,
  no_time: 0,
});

/** `skipped N lines that are not events (not_json 2, …); first: FILE:LINE: CODE: MESSAGE`, or undefined when none was. */
export function skipSummary(skipped: Record<LineSkip, number>, first: { file: string; line: number; skip: SkippedLine } | undefined): string | undefined {
  const parts = Object.entries(skipped).filter(([, n]) => n > 0);
  const total = parts.reduce((a, [, n]) => a + n, 0);
  if (total === 0) return undefined;
  const at = first === undefined ? '' : `; first: ${printable(first.file)}:${first.line}: ${first.skip.code}: ${printable(first.skip.message)}`;
  return `skipped ${total} line${total === 1 ? '' : 's'} that ${total === 1 ? 'is not an event' : 'are not events'} (${parts.map(([r, n]) => `${r} ${n}`).join(', ')})${at}`;
}

const actionOf = (id: string) => id.slice(id.lastIndexOf('.', id.indexOf(':')) + 1, id.indexOf(':'));

const skipOf = (p: LineProblem): SkippedLine => new SkippedLine(p.code, p.message);

/**
 * `no_time` when `value` (the line's `time`, an Intent line's `timestamp`) is
 * not a time the query engine reads, as `query` skips the line: Loki would
 * stamp it with the time the Collector read it, which a file does not know.
 */
function noTime(field: 'time' | 'timestamp', value: unknown): SkippedLine | undefined {
  if (parseTime(value) !== undefined) return undefined;
  return new SkippedLine(
    'no_time',
    value === undefined ? `no ${field}` : `${field} ${printable(JSON.stringify(value) ?? String(value))} is not an RFC 3339 time that exists`,
  );
}

/**
 * The event a line holds (a string, or a `Line` as `readLines` read it: a
 * truncated one is `line_too_long`), or why it holds none. Never throws.
 *
 * @example
 * lineEvent('{"event_type":"intent.accepted","intent_id":"INT-015","accepted_by":"@brien","confidence":0.92,"timestamp":"2026-03-30T14:30:00Z"}');
 * // { event_id: 'intent.intent.accepted:1', time: '2026-03-30T14:30:00Z', severity: 'INFO', payload: { intent_id: 'INT-015', … }, … }
 * lineEvent('[1]'); // SkippedLine { code: 'not_an_object', message: 'not a JSON object (found an array)' }
 */
export function lineEvent(line: string | Line): FactlineEvent | SkippedLine {
  // The readers of tail and stats hold DEFAULT_MAX_LINE_BYTES: a longer line's message names that limit.
  const parsed = readJsonLine(typeof line === 'string' ? { line: 1, text: line, offset: 0, bytes: 0, truncated: false } : line, DEFAULT_MAX_LINE_BYTES);
  if (isLineProblem(parsed)) return skipOf(parsed);
  const r = parsed;
  if (typeof r.event_id === 'string' && r.event_id.includes(':')) {
    // Counted per domain, entity and action only when it parses: a forged id
    // (`a.b.c:1` plus control characters) is an invalid line, not an action.
    const id = safeParseEventId(r.event_id);
    if (!id.ok)
      return new SkippedLine('invalid_event_id', `event_id ${printable(JSON.stringify(r.event_id))} is not a valid EventID (domain.entity.action:version)`);
    const late = noTime('time', r.time);
    if (late !== undefined) return late;
    const severity =
      typeof r.severity === 'string' && Object.hasOwn(SEVERITY_NUMBER, r.severity) ? (r.severity as Severity) : severityForAction(actionOf(r.event_id));
    return {
      ...(r as unknown as FactlineEvent),
      time: typeof r.time === 'string' ? r.time : '',
      severity,
      source: (r.source as FactlineEvent['source']) ?? { type: 'runtime' },
    };
  }
  if (typeof r.event_type === 'string') {
    const id = INTENT_EVENT_ID_BY_WIRE_NAME.get(r.event_type);
    if (id === undefined) {
      return new SkippedLine('not_an_event', `not an event: unknown Intent event_type ${printable(JSON.stringify(r.event_type))}`);
    }
    const missing = noTime('timestamp', r.timestamp);
    if (missing !== undefined) return missing;
    const { event_type: _wire, timestamp, ...payload } = r;
    const time = typeof timestamp === 'string' ? timestamp : '';
    // An Intent line names no service; the text form does not print one.
    return {
      schema_version: 1,
      id: '',
      event_id: id,
      time,
      observed_time: time,
      service_name: '',
      catalog: intentCatalog.name,
      source: { type: 'runtime' },
      severity: intentCatalog.get(id)!.severity,
      payload,
    };
  }
  return skipOf(notAnEvent(r));
}
