import type { FactlineEvent } from '../../envelope/event.js';
import type { Severity } from '../../envelope/severity.js';
import { escapeLineBreakers } from '../../lines/printable.js';

export { escapeLineBreakers, printable } from '../../lines/printable.js';

export interface FormatEventLineOptions {
  /** Wrap parts in ANSI colour codes. Default `false` (the sink decides from the stream). */
  color?: boolean;
  /**
   * Cut values longer than this many characters and end them with `...`.
   * Default `0`: never cut. Numbers, booleans and null are never cut.
   */
  maxValueLength?: number;
  /** Print ` @ <time>` after the EventID. Default `true`. (Agent transcripts omit it.) */
  time?: boolean;
}

const ANSI = {
  bold: ['\x1b[1m', '\x1b[22m'],
  dim: ['\x1b[2m', '\x1b[22m'],
  red: ['\x1b[31m', '\x1b[39m'],
  yellow: ['\x1b[33m', '\x1b[39m'],
  cyan: ['\x1b[36m', '\x1b[39m'],
  gray: ['\x1b[90m', '\x1b[39m'],
} as const;

const SEVERITY_COLOR: Readonly<Record<Severity, keyof typeof ANSI>> = {
  TRACE: 'gray',
  DEBUG: 'gray',
  INFO: 'cyan',
  WARN: 'yellow',
  ERROR: 'red',
  FATAL: 'red',
};

const paint = (on: boolean, style: keyof typeof ANSI, s: string): string => (on ? ANSI[style][0] + s + ANSI[style][1] : s);

/** A key printed without quotes. Anything else (`a b`, `x=y`, `é`) is JSON-quoted. */
const SAFE_KEY = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/**
 * A string printed without quotes: an id, an address, a version. The text
 * form prints `ip=192.168.1.42` and `user_id=a1b2c3d4...` bare but quotes
 * `model="claude-3.5-sonnet"`, so letters are limited to hex digits (UUIDs,
 * hashes, IPv6); the separators `_ . : / @ + -` are allowed; at least one
 * decimal digit is required (`method="password"` stays quoted).
 */
const BARE_TOKEN = /^[0-9A-Fa-f_.:/@+-]+$/;
const HAS_DIGIT = /[0-9]/;
/** A string that would read as a JSON number if printed bare (`"42"`, `"1e5"`) keeps its quotes. */
const JSON_NUMBER = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;
const UUID = /^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$/;
/** A UUID is shortened to its first group: `user_id=550e8400...`. */
const UUID_SHORT = 8;
const ELLIPSIS = '...';

/** Whether `s` prints without quotes (see {@link BARE_TOKEN}). */
export function isBareToken(s: string): boolean {
  return BARE_TOKEN.test(s) && HAS_DIGIT.test(s) && !JSON_NUMBER.test(s);
}

function cut(s: string, max: number): string {
  if (max <= 0 || s.length <= max) return s;
  const cps = Array.from(s); // never split a surrogate pair
  return cps.length <= max ? s : cps.slice(0, max).join('') + ELLIPSIS;
}

function compactJson(v: unknown): string {
  try {
    return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `${x}n` : x)) ?? 'null';
  } catch {
    return '"[unserialisable]"'; // a cycle; the console line must still print
  }
}

function renderValue(v: unknown, max: number): string | undefined {
  switch (typeof v) {
    case 'number':
    case 'boolean':
      return String(v);
    case 'bigint':
      return `${v}n`;
    case 'string':
      if (isBareToken(v)) {
        if (max > 0 && UUID.test(v) && v.length > max) return v.slice(0, Math.min(UUID_SHORT, max)) + ELLIPSIS;
        return cut(v, max);
      }
      return JSON.stringify(cut(v, max));
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined; // JSON has no such value; neither does the line
    default:
      return v === null ? 'null' : cut(compactJson(v), max);
  }
}

/** `2026-01-23T14:32:01.000Z` → `2026-01-23T14:32:01Z`; non-zero milliseconds are kept. */
export function displayTime(t: string): string {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d+)?Z$/.exec(t);
  if (m) return m[2] === undefined || /^\.0+$/.test(m[2]) ? `${m[1]}Z` : t;
  const d = new Date(t);
  return Number.isNaN(d.getTime()) ? t : displayTime(d.toISOString());
}

/**
 * The one-line text form of an event: the EventID, ` @ ` and the time
 * in UTC, then the payload's top-level fields as `key=value` in payload
 * order. Numbers, booleans and `null` print bare; strings are JSON-quoted
 * unless they are bare tokens (ids, IPs: see {@link isBareToken}); arrays
 * and objects print as compact JSON. An invalid event ends with
 * ` !invalid(<codes>)`.
 *
 * @example
 * formatEventLine(event);
 * // 'auth.user.login:1 @ 2026-01-23T14:32:01Z user_id=550e8400-e29b-41d4-a716-446655440000 ip=192.168.1.42 method="password" mfa=true'
 * formatEventLine(event, { maxValueLength: 16 });
 * // 'auth.user.login:1 @ 2026-01-23T14:32:01Z user_id=550e8400... ip=192.168.1.42 method="password" mfa=true'
 */
export function formatEventLine(event: FactlineEvent, options: FormatEventLineOptions = {}): string {
  const color = options.color === true;
  const max = options.maxValueLength ?? 0;
  let out = paint(color, 'bold', paint(color, SEVERITY_COLOR[event.severity] ?? 'cyan', event.event_id));
  if (options.time !== false) out += ' @ ' + displayTime(event.time);

  const p = event.payload;
  if (p !== null && typeof p === 'object' && !Array.isArray(p)) {
    for (const key of Object.keys(p)) {
      const value = renderValue((p as Record<string, unknown>)[key], max);
      if (value === undefined) continue;
      const k = SAFE_KEY.test(key) ? key : JSON.stringify(key);
      out += ' ' + paint(color, 'dim', k + '=') + value;
    }
  } else if (p !== undefined && p !== null) {
    // Only reachable with validation 'off': say what arrived rather than hide it.
    const value = renderValue(p, max);
    if (value !== undefined) out += ' ' + paint(color, 'dim', 'payload=') + value;
  }

  if (event.invalid) {
    const codes = [...new Set(event.invalid.issues.map((i) => i.schemaCode ?? i.code))];
    out += ' ' + paint(color, 'red', `!invalid(${codes.join(',')})`);
  }
  return escapeLineBreakers(out);
}
