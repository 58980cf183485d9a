import { BOUND_PER_TEXT_BYTE, isCleanParsedJson, wellFormed } from '../validation/clean-json.js';
import { acceptOf, isTimestamp } from './flat-accept.generated.js';

/**
 * Whether a parsed Intent flat line (`record`, parsed from `text` of
 * `textBytes` UTF-8 bytes or a bound) is certainly valid: true only when
 * `checkIntentRecord(record, line, maxPayloadBytes)` finds no issue. False
 * means "not proven": run that check for the issues. Loads no zod: the
 * per-type checks are generated from the Intent catalog's schemas
 * (flat-accept.generated.ts, `npm run generate:intent-accept`).
 *
 * @example
 * const text = '{"event_type":"system.health","timestamp":"2026-03-30T14:23:45.120Z","servers_active":3}';
 * acceptsIntentFlatLine(JSON.parse(text), text, Buffer.byteLength(text), 1_048_576); // false unless every field of system.health is there and valid
 */
export function acceptsIntentFlatLine(record: Record<string, unknown>, text: string, textBytes: number, maxPayloadBytes: number): boolean {
  const wire = record.event_type;
  if (typeof wire !== 'string') return false;
  const accept = acceptOf(wire);
  const timestamp = record.timestamp;
  if (accept === undefined || typeof timestamp !== 'string' || !isTimestamp(timestamp)) return false;
  if (!accept(record)) return false;
  // What no schema proves: no lone surrogate, forbidden key, non-finite number or depth past the limit. The accept
  // walks each field of any kind (records, unknown) for them; the other fields are the schema's keys with typed
  // values, so there only a \u escape can make a lone surrogate.
  if ((text.indexOf('\\u') !== -1 || !wellFormed(text)) && !isCleanParsedJson(record, 0)) return false;
  if (textBytes * BOUND_PER_TEXT_BYTE <= maxPayloadBytes) return true;
  // Large: size the payload (the line without event_type and timestamp) exactly, as the full check does.
  const { event_type: _type, timestamp: _time, ...payload } = record;
  return Buffer.byteLength(JSON.stringify(payload), 'utf8') <= maxPayloadBytes;
}
