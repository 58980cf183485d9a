/**
 * A line of an events file as an event, for `tail` and `stats`: a factline
 * envelope as it is, an Intent flat line through the Intent catalog.
 */
import type { FactlineEvent } from '../envelope/event.js';
import { SEVERITY_NUMBER, severityForAction, type Severity } from '../envelope/severity.js';
import { safeParseEventId } from '../eventid/index.js';
import { INTENT_EVENT_ID_BY_WIRE_NAME, intentCatalog } from '../intent/catalog.js';

/** Why a line is not shown as an event. */
/** `invalid_event_id`: an `event_id` that is not a valid EventID (`domain.entity.action:version`). */
export type LineSkip = 'corrupt' | 'unrecognised' | 'huge' | 'invalid_event_id';

const actionOf = (id: string) => id.slice(id.lastIndexOf('.', id.indexOf(':')) + 1, id.indexOf(':'));

/**
 * The event a line holds, or why it holds none. Never throws.
 *
 * @example
 * lineEvent('{"event_type":"intent.accepted","intent_id":"INT-015","accepted_by":"@brien","confidence":0.92,"timestamp":"2026-03-30T14:30:00Z"}');
 * // { event_id: 'intent.intent.accepted:1', time: '2026-03-30T14:30:00Z', severity: 'INFO', payload: { intent_id: 'INT-015', … }, … }
 */
export function lineEvent(text: string): FactlineEvent | LineSkip {
  if (text.trim() === '') return 'unrecognised';
  let record: unknown;
  try {
    record = JSON.parse(text);
  } catch {
    return 'corrupt';
  }
  if (typeof record !== 'object' || record === null || Array.isArray(record)) return 'unrecognised';
  const r = record as Record<string, unknown>;
  if (typeof r.event_id === 'string' && r.event_id.includes(':')) {
    // Counted per domain, entity and action only when it parses: a forged id
    // (`a.b.c:1` plus control characters) is an invalid line, not an action.
    if (!safeParseEventId(r.event_id).ok) return 'invalid_event_id';
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
    if (id === undefined) return 'unrecognised';
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
  return 'unrecognised';
}
