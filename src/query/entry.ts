import { ENVELOPE_FIELDS, lokiName, type EnvelopeField } from '../envelope/fields.js';
import { impossibleTime } from './calendar.js';
import { detectLevel, normalizeLevel } from './detected-level.js';
import { goJson } from './go-json.js';
import type { LineProblemCode } from '../lines/json-line.js';

/*
 * An entry as Loki stores it, and factline's own line format: one envelope
 * line of an events file, presented as Loki stores it after the shipped
 * Collector config (collector-config/otel-collector.yaml, pipeline logs/file)
 * and Loki's OTLP ingestion (docs/mapping.md):
 *
 * - stream label: `service_name` (resource `service.name`: the envelope's
 *   `service_name`, else the Collector's `FACTLINE_FILE_SERVICE_NAME`, default `factline`);
 * - structured metadata: the log attributes the file_log operators set, with
 *   Loki's names (`factline.event.id` -> `factline_event_id`), plus the
 *   record fields Loki adds (`severity_text`, `severity_number`, `trace_id`,
 *   `span_id`, `observed_timestamp`) and `detected_level`;
 * - line: the body (the payload) rendered as Loki renders an OTLP kvlist
 *   (go-json.ts).
 */

/** Why a line of a file is not an entry. */
export type SkipReason =
  /**
   * A line problem every reader shares (docs/errors.md, "Line problems"):
   * `invalid_utf8` (bytes that are not UTF-8: a damaged line),
   * `not_json`, `not_an_object`, `line_too_long` (longer than the reader's
   * line limit), `not_an_event` (a JSON object no line format of the engine
   * recognises, for factline's envelope: no `event_id`; the Collector ships
   * it, but with no time of its own).
   */
  | LineProblemCode
  /** No parseable `time` / `timestamp`: Loki would stamp it with the time the Collector read it, which a file does not know. */
  | 'no_time';

/** An entry as Loki returns it. */
export interface Entry {
  /** Unix epoch milliseconds (integer part of the time). */
  ms: number;
  /** Nanoseconds within the millisecond, 0-999999. */
  ns: number;
  /** Stream labels and structured metadata (built on first use: a query that filters on parsed labels never needs most of them). */
  readonly labels: Record<string, string>;
  /** The stream labels alone (what a stream selector matches). */
  readonly stream: Readonly<Record<string, string>>;
  /** One label's value, without building the others where that is cheap; undefined for a name the entry does not have (`constructor` included). */
  label(name: string): string | undefined;
  /** The body value the line renders (for `| json` without re-parsing). */
  body: unknown;
  /** The line; rendered on first use. */
  line: string | undefined;
}

/** The entry's line (rendered once). */
export function lineOf(e: Entry): string {
  if (e.line === undefined) e.line = renderBody(e.body);
  return e.line;
}

/** `pcommon.Value.AsString()`: a string body is the line itself; anything else is its JSON. */
function renderBody(body: unknown): string {
  if (typeof body === 'string') return body;
  // An empty OTLP value (a null body) is the empty line.
  if (body === null || body === undefined) return '';
  if (typeof body === 'number') return formatFloatF(body);
  return goJson(body);
}

/** Go's `strconv.FormatFloat(v, 'f', -1, 64)`: shortest digits, never an exponent. */
export function formatFloatF(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return '+Inf';
  if (n === -Infinity) return '-Inf';
  const s = String(n);
  const e = s.indexOf('e');
  if (e < 0) return s;
  const neg = s.startsWith('-');
  const mant = s.slice(neg ? 1 : 0, e);
  const exp = Number(s.slice(e + 1));
  const dot = mant.indexOf('.');
  const digits = mant.replace('.', '');
  const point = (dot < 0 ? mant.length : dot) + exp;
  let out: string;
  if (point <= 0) out = '0.' + '0'.repeat(-point) + digits;
  else if (point >= digits.length) out = digits + '0'.repeat(point - digits.length);
  else out = digits.slice(0, point) + '.' + digits.slice(point);
  return (neg ? '-' : '') + out;
}

/**
 * Every label name an envelope line's entry can have before a pipeline adds any: a parsed
 * label of one of these names gets `_extracted`; any other name is known not
 * to be one without building the entry's labels. The envelope's come from
 * `ENVELOPE_FIELDS` (its attributes' Loki names and its other Loki names),
 * plus the two this reader adds.
 */
export const ENTRY_LABEL_NAMES: ReadonlySet<string> = new Set([
  'log_file_name',
  'detected_level',
  ...ENVELOPE_FIELDS.flatMap((f) => [...f.loki, ...f.attributes.map((a) => lokiName(a.name))]),
]);

/**
 * What a line format gives for one entry ({@link createEntry}): the labels
 * are built on first use, so a query that filters on parsed labels never
 * builds most of them.
 */
export interface EntryInit {
  /** Unix epoch milliseconds (integer part of the time). */
  ms: number;
  /** Nanoseconds within the millisecond, 0-999999. */
  ns: number;
  /** The body value (the line is its rendering: a string as it is, anything else as Loki's JSON of an OTLP kvlist). */
  body: unknown;
  /** The stream labels (what a stream selector matches). */
  stream: Readonly<Record<string, string>>;
  /** Every label name the entry can have: `label(name)` answers undefined for any other without building the labels. */
  labelNames: ReadonlySet<string>;
  /** Builds all labels: stream labels, structured metadata and `detected_level` (see {@link detectLevel}). */
  labels: (entry: Entry) => Record<string, string>;
}

class LazyEntry implements Entry {
  line: string | undefined = undefined;
  private built: Record<string, string> | undefined;
  constructor(
    readonly ms: number,
    readonly ns: number,
    readonly body: unknown,
    readonly stream: Readonly<Record<string, string>>,
    private readonly names: ReadonlySet<string>,
    private readonly build: (e: Entry) => Record<string, string>,
  ) {}

  get labels(): Record<string, string> {
    return (this.built ??= this.build(this));
  }

  label(name: string): string | undefined {
    if (!this.names.has(name)) return undefined;
    if (this.built === undefined) {
      const v = this.peek(name);
      if (v !== null) return v;
    }
    return this.labels[name];
  }

  /** A label computed on its own, or null when only building all of them gives it. */
  protected peek(_name: string): string | undefined | null {
    return null;
  }
}

/**
 * An entry whose labels are built on first use: what a {@link LineFormat}
 * returns for a line it reads.
 *
 * @example
 * createEntry({ ms: 1764500000000, ns: 0, body: { a: 1 }, stream: { service_name: 'api' },
 *   labelNames: new Set(['service_name']), labels: () => ({ service_name: 'api' }) });
 */
export function createEntry(init: EntryInit): Entry {
  return new LazyEntry(init.ms, init.ns, init.body, init.stream, init.labelNames, init.labels);
}

function nonEmpty(v: unknown): string | undefined {
  const s = attributeString(v);
  return s === '' ? undefined : s;
}

/** An envelope line's entry: the labels a metric query groups by most often come straight from the envelope. */
class EnvelopeEntry extends LazyEntry {
  constructor(
    ms: number,
    ns: number,
    body: unknown,
    private readonly ev: Record<string, unknown>,
    private readonly service: string,
    private readonly fileName: string,
  ) {
    super(ms, ns, body, { service_name: service }, ENTRY_LABEL_NAMES, (entry) => factlineLabels(ev, service, fileName, entry));
  }

  protected override peek(name: string): string | undefined | null {
    const ev = this.ev;
    switch (name) {
      case 'service_name':
        return this.service;
      case 'log_file_name':
        return this.fileName;
      case 'factline_event_id':
        return nonEmpty(ev.event_id);
      case 'event_name':
      case 'factline_event_domain':
      case 'factline_event_entity':
      case 'factline_event_action':
      case 'factline_event_version': {
        const m = typeof ev.event_id === 'string' ? EVENT_ID_RE.exec(ev.event_id) : null;
        if (m === null) return undefined;
        if (name === 'event_name') return m[1]!;
        if (name === 'factline_event_domain') return m[2]!;
        if (name === 'factline_event_entity') return m[3]!;
        if (name === 'factline_event_action') return m[4]!;
        return String(Number.parseInt(m[5]!, 10));
      }
      case 'factline_catalog':
        return nonEmpty(ev.catalog);
      case 'session_id':
        return nonEmpty(ev.session_id);
      case 'severity_text':
        return typeof ev.severity === 'string' && ev.severity !== '' ? ev.severity : undefined;
      case 'factline_source_type':
      case 'factline_source_model':
      case 'factline_source_name':
      case 'factline_source_id': {
        const src = ev.source;
        if (typeof src !== 'object' || src === null) return undefined;
        return nonEmpty((src as Record<string, unknown>)[name.slice('factline_source_'.length)]);
      }
      default:
        return null;
    }
  }
}

/** An attribute value as Loki's `AttributeToLabels` writes it (`pcommon.Value.AsString()`); undefined for null or undefined. */
export function attributeString(v: unknown): string | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return formatFloatF(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return goJson(v);
}

function set(labels: Record<string, string>, name: string, v: unknown): void {
  const s = attributeString(v);
  if (s !== undefined && s !== '') labels[name] = s;
}

/**
 * The Collector's `2006-01-02T15:04:05Z07:00` layout as Go's `time.Parse`
 * reads it: the fraction is optional, of any length (RFC 3339's
 * `time-secfrac` is `"." 1*DIGIT`), after a `.` or, as Go also takes, a `,`.
 */
const TIME_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?(Z|[+-]\d{2}:\d{2})$/;

/** The epoch ms of a recent `YYYY-MM-DDTHH:MM` prefix, one slot per field parsed (time, observed time). */
const prefixCache = [
  { prefix: '', ms: 0 },
  { prefix: '', ms: 0 },
];

/**
 * RFC 3339 (the Collector's `2006-01-02T15:04:05Z07:00` layout, fraction
 * optional) to [ms, ns within ms]; digits past the ninth are dropped
 * (truncated to the nanosecond, as Go's `time.Parse` does), so
 * `2026-12-07T17:52:57.957123456789Z` is `…57.957123456Z`. Undefined for
 * anything else, and for a time that does not exist (`2026-02-30`, `24:00`).
 */
export function parseTime(s: unknown, slot = 0): [number, number] | undefined {
  if (typeof s !== 'string') return undefined;
  // Fast path for factline's own form, `2026-03-30T14:23:45.120Z`: consecutive
  // events share the minute, whose epoch value is cached.
  if (s.length === 24 && s.charCodeAt(23) === 0x5a && s.charCodeAt(19) === 0x2e && s.charCodeAt(16) === 0x3a) {
    const cache = prefixCache[slot]!;
    let hit = cache.prefix !== '' && s.startsWith(cache.prefix);
    if (!hit) {
      const prefix = s.slice(0, 16);
      const m = Date.parse(prefix + ':00.000Z');
      if (!Number.isNaN(m) && TIME_RE.test(s) && !rollsOver(TIME_RE.exec(s)!)) {
        cache.prefix = prefix;
        cache.ms = m;
        hit = true;
      }
    }
    if (hit) {
      const sec = (s.charCodeAt(17) - 48) * 10 + (s.charCodeAt(18) - 48);
      const ms = (s.charCodeAt(20) - 48) * 100 + (s.charCodeAt(21) - 48) * 10 + (s.charCodeAt(22) - 48);
      if (sec >= 0 && sec < 60 && ms >= 0 && ms < 1000 && digitsAt(s, 17, 19) && digitsAt(s, 20, 23)) return [cache.ms + sec * 1000 + ms, 0];
    }
  }
  const m = TIME_RE.exec(s);
  if (m === null || rollsOver(m)) return undefined;
  let ms = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
  if (Number.isNaN(ms)) return undefined;
  let ns = 0;
  if (m[7] !== undefined) {
    const frac = m[7].slice(0, 9).padEnd(9, '0');
    ms += Number(frac.slice(0, 3));
    ns = Number(frac.slice(3));
  }
  const zone = m[8]!;
  if (zone !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    ms -= sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6))) * 60_000;
  }
  return [ms, ns];
}

/** Whether a {@link TIME_RE} match names no time (`2026-02-30`, `24:00`), which `Date.UTC` and `Date.parse` would roll over to another. */
function rollsOver(m: RegExpExecArray): boolean {
  const zone = m[8]!;
  const offset = zone === 'Z' ? {} : { offsetHour: Number(zone.slice(1, 3)), offsetMinute: Number(zone.slice(4, 6)) };
  return impossibleTime({ year: +m[1]!, month: +m[2]!, day: +m[3]!, hour: +m[4]!, minute: +m[5]!, second: +m[6]!, ...offset }) !== undefined;
}

function digitsAt(s: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** A Map, not an object: a severity named `constructor` has no number. */
const SEVERITY_NUMBER: ReadonlyMap<string, number> = new Map(
  Object.entries({
    trace: 1,
    debug: 5,
    info: 9,
    info2: 10,
    warn: 13,
    warning: 13,
    error: 17,
    fatal: 21,
    critical: 21,
  }),
);

const HEX32 = /^[0-9a-fA-F]{32}$/;
const HEX16 = /^[0-9a-fA-F]{16}$/;
const EVENT_ID_RE = /^(([^.:]+)\.([^.:]+)\.([^.:]+)):(\d+)$/;

/**
 * One line format of events files: turns a line parsed as JSON into the
 * entry Loki stores for it after the Collector ships it, or says why it is
 * skipped. The engine tries its formats in order; the first that does not
 * answer undefined decides. factline's envelope ({@link factlineEnvelopeFormat})
 * is the default; another product's format is plugged in with
 * `createLocalBackend({ formats })` (Intent's flat lines: `intentFlatFormat`
 * of `factline/intent`).
 */
export interface LineFormat {
  /** A name for messages and docs, e.g. `factline-envelope`. */
  readonly name: string;
  /**
   * The entry of `line`, why the line is skipped (`no_time`, ...), or
   * undefined when the line is not of this format (the next format is tried).
   * `serviceName` is `service_name` for lines that carry none (the
   * Collector's `FACTLINE_FILE_SERVICE_NAME`); `fileName` is file_log's
   * `log.file.name` ({@link tailedFileName}).
   */
  read(line: Record<string, unknown>, serviceName: string, fileName: string): Entry | SkipReason | undefined;
}

export interface EntryOptions {
  /** `service_name` of lines without one: the Collector's `FACTLINE_FILE_SERVICE_NAME` (default `factline`). */
  serviceName: string;
  /** The line formats, tried in order. */
  formats: readonly LineFormat[];
}

/**
 * The entry of one parsed line, or why there is none.
 *
 * @example
 * toEntry(JSON.parse(line), { serviceName: 'factline', formats: [factlineEnvelopeFormat] }, 'events.jsonl');
 */
export function toEntry(obj: unknown, options: EntryOptions, fileName: string): Entry | SkipReason {
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return 'not_an_object';
  const rec = obj as Record<string, unknown>;
  for (const format of options.formats) {
    const e = format.read(rec, options.serviceName, fileName);
    if (e !== undefined) return e;
  }
  return 'not_an_event';
}

/**
 * factline's envelope line (an object with `event_id`), as the shipped
 * Collector config and Loki store it: the default line format of the engine.
 */
export const factlineEnvelopeFormat: LineFormat = {
  name: 'factline-envelope',
  read: (line, serviceName, fileName) => (line.event_id !== undefined && line.event_id !== null ? factlineEntry(line, serviceName, fileName) : undefined),
};

/**
 * file_log's `log.file.name` attribute: the name of the file as the Collector
 * tails it. A live Collector reads a line before the sink rotates the file,
 * so a rotated file's lines carry the live name (`events.jsonl`, not `.3`).
 */
export function tailedFileName(path: string): string {
  const base = path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
  return base.replace(/\.[0-9]+$/, '');
}

function factlineEntry(ev: Record<string, unknown>, serviceName: string, fileName: string): Entry | SkipReason {
  const time = parseTime(ev.time);
  if (time === undefined) return 'no_time';
  const service = typeof ev.service_name === 'string' && ev.service_name !== '' ? ev.service_name : serviceName;
  // A null payload is an empty body, as the SDK path sends it (and the Collector's file route makes it); only a line without one keeps the rest.
  const body = Object.hasOwn(ev, 'payload') ? ev.payload : leftover(ev);
  return new EnvelopeEntry(time[0], time[1], body, ev, service, fileName);
}

function factlineLabels(ev: Record<string, unknown>, service: string, fileName: string, entry: Entry): Record<string, string> {
  const labels: Record<string, string> = {};
  labels.service_name = service;
  labels.log_file_name = fileName;
  const eventId = ev.event_id;
  set(labels, 'factline_event_id', eventId);
  if (typeof eventId === 'string') {
    const m = EVENT_ID_RE.exec(eventId);
    if (m !== null) {
      labels.event_name = m[1]!;
      labels.factline_event_domain = m[2]!;
      labels.factline_event_entity = m[3]!;
      labels.factline_event_action = m[4]!;
      // transform/file: Int() of the capture.
      labels.factline_event_version = String(Number.parseInt(m[5]!, 10));
    }
  }
  set(labels, 'factline_event_instance_id', ev.id);
  set(labels, 'factline_event_schema_version', ev.schema_version);
  set(labels, 'factline_catalog', ev.catalog);
  const source = ev.source;
  if (typeof source === 'object' && source !== null) {
    const s = source as Record<string, unknown>;
    set(labels, 'factline_source_type', s.type);
    set(labels, 'factline_source_model', s.model);
    set(labels, 'factline_source_name', s.name);
    set(labels, 'factline_source_id', s.id);
  }
  set(labels, 'factline_trace_key', ev.trace_key);
  set(labels, 'factline_causation_id', ev.causation_id);
  set(labels, 'session_id', ev.session_id);
  const invalid = ev.invalid;
  if (invalid !== undefined && invalid !== null) {
    labels.factline_valid = 'false';
    if (typeof invalid === 'object') {
      set(labels, 'factline_validation_issues', (invalid as Record<string, unknown>).issues);
      set(labels, 'factline_validation_issues_total', (invalid as Record<string, unknown>).issues_total);
    }
  }
  // Record fields Loki turns into structured metadata.
  const obs = parseTime(ev.observed_time, 1);
  if (obs !== undefined) labels.observed_timestamp = nanos(obs[0], obs[1]);
  const severity = ev.severity;
  if (typeof severity === 'string' && severity !== '') {
    const num = SEVERITY_NUMBER.get(severity.toLowerCase());
    if (num !== undefined) labels.severity_number = String(num);
    labels.severity_text = severity;
  }
  if (typeof ev.trace_id === 'string' && HEX32.test(ev.trace_id) && !/^0+$/.test(ev.trace_id)) labels.trace_id = ev.trace_id.toLowerCase();
  if (typeof ev.span_id === 'string' && HEX16.test(ev.span_id) && !/^0+$/.test(ev.span_id)) labels.span_id = ev.span_id.toLowerCase();
  // None of the level fields Loki looks at before severity_text can be a
  // label of an envelope line, so severity_text decides when present.
  labels.detected_level = labels.severity_text !== undefined ? normalizeLevel(labels.severity_text) : detectLevel(labels, entry.body, () => lineOf(entry));
  return labels;
}

/** The fields the Collector's file_log route moves out of a line's body whole (`ENVELOPE_FIELDS`: to an attribute, or to `service.name`). */
const MOVED_FIELDS: readonly string[] = (ENVELOPE_FIELDS as readonly EnvelopeField[])
  .filter((f) => f.record === 'service.name' || f.attributes.some((a) => a.fromFile && a.from === ''))
  .map((f) => f.name);

/** The members it moves out of the others (`source.type`, `invalid.issues`, …). */
const MOVED_MEMBERS: readonly (readonly [string, readonly string[]])[] = ENVELOPE_FIELDS.flatMap((f) => {
  const members = f.attributes
    .filter((a) => a.fromFile && (a.from.startsWith('member:') || a.from.startsWith('json:')))
    .map((a) => a.from.slice(a.from.indexOf(':') + 1));
  return members.length > 0 ? [[f.name, members] as const] : [];
});

/**
 * The body when the envelope has no payload: the Collector keeps the line
 * minus the fields its operators moved (parsers keep their source field).
 */
function leftover(ev: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...ev };
  for (const k of MOVED_FIELDS) delete out[k];
  if (typeof ev.event_id === 'string' && EVENT_ID_RE.test(ev.event_id)) out.parsed_event_id = {};
  for (const [field, members] of MOVED_MEMBERS) {
    const v = ev[field];
    if (typeof v === 'object' && v !== null) {
      const rest = { ...(v as Record<string, unknown>) };
      for (const k of members) delete rest[k];
      out[field] = rest;
    }
  }
  return out;
}

/** Unix epoch nanoseconds as a decimal string. */
export function nanos(ms: number, ns: number): string {
  if (ms >= 0) return ns === 0 ? `${ms}000000` : `${ms}${String(ns).padStart(6, '0')}`;
  return (BigInt(ms) * 1_000_000n + BigInt(ns)).toString();
}
