import type { HrTime } from '@opentelemetry/api';
import type { AnyValue, AnyValueMap, LogRecord } from './logs-api.js';
import type { EventTypeInfo } from '../catalog/types.js';
import type { FactlineEvent } from '../envelope/event.js';
import { SEVERITY_NUMBER } from '../envelope/severity.js';
import { isWideInteger, mayHoldWideIntegers } from '../validation/json-value.js';
import { ATTR, SPAN_EVENT_ATTR } from '../wire.js';
import { defOf } from '../catalog/zod-def.js';

/*
 * The event → OpenTelemetry mapping, as pure functions: `docs/mapping.md` is
 * the field-by-field contract; `test/otel/mapping.test.ts` checks these
 * functions by deep equality and the wiring through the SDK's in-memory
 * exporters. Three rules keep every record one the Collector accepts:
 * - times go to the SDK as HrTime, never as a bare number, which the SDK
 *   would read as time since process start when it is small;
 * - an integer outside int64 goes out as its decimal string (the JavaScript
 *   exporters write every whole number as `intValue`);
 * - a span event keeps every envelope attribute within the SDK's attribute
 *   count limit, dropping payload fields instead, and says how many.
 */

/**
 * A span event attribute value as factline writes it: a primitive, or an
 * array of one primitive type. It is `AttributeValue` of
 * `@opentelemetry/api` 1.9, spelled out because 1.10 widened that type to
 * any value (complex attributes); a value of this type fits both.
 */
export type AttributeValue =
  | string
  | number
  | boolean
  | Array<null | undefined | string>
  | Array<null | undefined | number>
  | Array<null | undefined | boolean>;
/** Span event attributes (see {@link AttributeValue}). */
export type Attributes = Record<string, AttributeValue | undefined>;

/**
 * Epoch milliseconds as an OpenTelemetry HrTime `[seconds, nanoseconds]`.
 *
 * @example
 * msToHrTime(1769178721500); // [1769178721, 500000000]
 */
export function msToHrTime(ms: number): HrTime {
  const seconds = Math.floor(ms / 1000);
  return [seconds, Math.round((ms - seconds * 1000) * 1e6)];
}

/**
 * The attributes every log record of an event carries: the type's constants
 * and the envelope's (`docs/mapping.md`).
 */
export function eventAttributes(event: FactlineEvent, type: EventTypeInfo): AnyValueMap {
  return envelopeAttributes(event, type);
}

/** How many attributes the last {@link envelopeAttributes} wrote (read right after the call: nothing runs in between). */
let envelopeCount = 0;

/**
 * The type's constant attributes and the envelope's, in one object literal:
 * V8 builds a literal with a fixed set of keys from a template, several
 * times faster than copying the type's attributes and adding to the copy,
 * which matters because every event builds this object once per log record
 * and once per span event. The keys are {@link EventTypeAttributes}' and
 * the attributes `ENVELOPE_FIELDS` (src/envelope/fields.ts) gives each field,
 * written out rather than looped over the table; test/envelope/fields.test.ts
 * holds the two to each other.
 */
function envelopeAttributes(event: FactlineEvent, type: EventTypeInfo): Record<string, AttributeValue> {
  const ta = type.attributes;
  const src = event.source;
  // The keys are ATTR's written as string literals: V8 builds a literal
  // from its template only up to the first computed key (`[ATTR.X]`), so
  // computed keys cost a store and a larger object each; `satisfies`
  // rejects a key that is not one of ATTR's.
  const a: Record<string, AttributeValue> = {
    'factline.event.id': ta[ATTR.EVENT_ID],
    'factline.event.domain': ta[ATTR.EVENT_DOMAIN],
    'factline.event.entity': ta[ATTR.EVENT_ENTITY],
    'factline.event.action': ta[ATTR.EVENT_ACTION],
    'factline.event.version': ta[ATTR.EVENT_VERSION],
    'factline.catalog': ta[ATTR.CATALOG],
    'factline.event.instance_id': event.id,
    'factline.event.schema_version': event.schema_version,
    'factline.source.type': src.type,
  } satisfies Partial<Record<(typeof ATTR)[keyof typeof ATTR], AttributeValue>>;
  let n = 9;
  const wire = ta[ATTR.EVENT_WIRE_NAME];
  if (wire !== undefined) {
    a[ATTR.EVENT_WIRE_NAME] = wire;
    n++;
  }
  if ('model' in src && src.model !== undefined) {
    a[ATTR.SOURCE_MODEL] = src.model;
    n++;
  }
  if ('name' in src && src.name !== undefined) {
    a[ATTR.SOURCE_NAME] = src.name;
    n++;
  }
  if ('id' in src && src.id !== undefined) {
    a[ATTR.SOURCE_ID] = src.id;
    n++;
  }
  if (event.trace_key !== undefined) {
    a[ATTR.TRACE_KEY] = event.trace_key;
    n++;
  }
  if (event.causation_id !== undefined) {
    a[ATTR.CAUSATION_ID] = event.causation_id;
    n++;
  }
  if (event.session_id !== undefined) {
    a[ATTR.SESSION_ID] = event.session_id;
    n++;
  }
  if (event.invalid !== undefined) {
    a[ATTR.VALID] = false;
    a[ATTR.VALIDATION_ISSUES] = JSON.stringify(event.invalid.issues);
    n += 2;
    if (event.invalid.issues_total !== undefined) {
      a[ATTR.VALIDATION_ISSUES_TOTAL] = event.invalid.issues_total;
      n++;
    }
  }
  envelopeCount = n;
  return a;
}

/**
 * A JSON value with every integer outside int64 written as its decimal
 * string; a copy only where something changes.
 *
 * @example
 * int64Safe({ amount_wei: 1e19, n: 1 }); // { amount_wei: '10000000000000000000', n: 1 }
 */
export function int64Safe(v: unknown): unknown {
  if (typeof v === 'number') return isWideInteger(v) ? JSON.stringify(v) : v;
  if (typeof v !== 'object' || v === null) return v;
  if (Array.isArray(v)) return v.map(int64Safe);
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) {
    Object.defineProperty(out, k, { value: int64Safe((v as Record<string, unknown>)[k]), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/**
 * The log record of an event, without its context (the wiring adds the
 * context that carries the trace and span ids). `timeMs` and `observedMs`
 * are epoch milliseconds (default: parsed from the envelope); the record
 * carries them as HrTime.
 *
 * @example
 * logger.emit({ ...toLogRecord(event, type), context });
 */
export function toLogRecord(event: FactlineEvent, type: EventTypeInfo, timeMs?: number, observedMs?: number): LogRecord {
  const body = event.payload;
  return {
    eventName: type.name,
    timestamp: msToHrTime(timeMs ?? Date.parse(event.time)),
    observedTimestamp: msToHrTime(observedMs ?? Date.parse(event.observed_time)),
    severityNumber: SEVERITY_NUMBER[event.severity],
    severityText: event.severity,
    body: (mayHoldWideIntegers(body) ? int64Safe(body) : body) as AnyValue,
    attributes: eventAttributes(event, type),
  };
}

/** How much of an event a span event carries. */
export type SpanEventMode = 'payload' | 'envelope' | false;

function envNumber(name: string): number | undefined {
  const raw = process.env[name];
  const n = raw === undefined || raw === '' ? NaN : Number(raw);
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

/**
 * Most attributes a span event keeps: the SDK's limit, from
 * `OTEL_SPAN_EVENT_ATTRIBUTE_COUNT_LIMIT`, else `OTEL_ATTRIBUTE_COUNT_LIMIT`,
 * else 128. Read once when the module loads.
 */
export const SPAN_EVENT_ATTRIBUTE_LIMIT = envNumber('OTEL_SPAN_EVENT_ATTRIBUTE_COUNT_LIMIT') ?? envNumber('OTEL_ATTRIBUTE_COUNT_LIMIT') ?? 128;

/** Deepest nested object flattened into dotted keys; deeper ones go as JSON text. */
const FLATTEN_DEPTH = 4;

/** Whether every element of an array is a `kind` primitive (and, for numbers, within int64). */
function homogeneous(v: readonly unknown[], kind: string): boolean {
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (typeof x !== kind || (kind === 'number' && isWideInteger(x as number))) return false;
  }
  return true;
}

/**
 * One payload value as an attribute value. `wide` says whether the payload
 * may hold an integer outside int64 (`mayHoldWideIntegers`): only then does
 * a value written as JSON text need {@link int64Safe}'s copy first (without
 * one, the copy would be the same JSON, at the cost of a deep copy per event).
 */
function toAttributeValue(v: unknown, wide: boolean): AttributeValue | undefined {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return v;
    case 'number':
      return isWideInteger(v) ? JSON.stringify(v) : v;
  }
  if (v === null || v === undefined) return undefined;
  if (Array.isArray(v)) {
    if (v.length === 0) return [] as string[];
    const kind = typeof v[0];
    if ((kind === 'string' || kind === 'boolean' || kind === 'number') && homogeneous(v, kind)) return v as AttributeValue;
  }
  return JSON.stringify(wide ? int64Safe(v) : v);
}

/** Most dotted keys remembered by {@link dottedKey}; past it the memory starts again. */
const DOTTED_KEYS_MAX = 4096;
let dottedKeys = new Map<string, Map<string, string>>();
let dottedCount = 0;

/**
 * `prefix.key`, the same string object each time for the same pair: a key
 * built by concatenation per event is a new string that the attribute maps
 * (ours, and the SDK's copy) must hash and internalise on every insert; a
 * remembered one is already internalised. Bounded, so that payloads with
 * ever-new keys cannot grow it.
 */
function dottedKey(prefix: string, key: string): string {
  let byKey = dottedKeys.get(prefix);
  if (byKey === undefined) {
    if (dottedCount >= DOTTED_KEYS_MAX) {
      dottedKeys = new Map();
      dottedCount = 0;
    }
    byKey = new Map();
    dottedKeys.set(prefix, byKey);
  }
  let k = byKey.get(key);
  if (k === undefined) {
    if (dottedCount >= DOTTED_KEYS_MAX) return `${prefix}.${key}`;
    k = `${prefix}.${key}`;
    byKey.set(key, k);
    dottedCount++;
  }
  return k;
}

/**
 * Collects payload attributes with the collision rule (see
 * {@link payloadAttributes}). Next to envelope attributes only a key with a
 * dot can collide: every envelope attribute and every flattened key has one,
 * a top-level payload key is unique in its object, and a `#n` key extends a
 * dotted one. The one
 * exception is `__proto__`, which an assignment cannot create as an own
 * property, here or in the SDK's copy of the attributes: it is always taken.
 */
class AttributeWriter {
  dropped = 0;
  lastKey: string | undefined;
  constructor(
    readonly out: Attributes,
    /** Attributes `out` may still take. */
    private room: number,
    /** Whether `out` may already hold a key without a dot (not only envelope attributes; set once a key is renamed). */
    private anyKeyTaken: boolean,
    /** Whether the payload may hold an integer outside int64 (see {@link toAttributeValue}). */
    private readonly wide = true,
  ) {}
  put(key: string, value: AttributeValue): void {
    if (this.room <= 0) {
      this.dropped++;
      return;
    }
    let k = key;
    // A key already taken (by the envelope, or by a dotted key and a nested
    // object that flatten alike) keeps its value; this one gets `#2`, `#3`.
    // `__proto__` and `` (which the SDK drops: no attribute key is empty) are never free: they take `#2`.
    if (this.anyKeyTaken || k.indexOf('.') !== -1 || k === '__proto__' || k === '') {
      for (let n = 2; k === '__proto__' || k === '' || Object.hasOwn(this.out, k); n++) k = `${key}#${n}`;
      // A renamed key may have no dot (`#2`): a later payload key written the same way is checked too.
      if (k !== key) this.anyKeyTaken = true;
    }
    this.out[k] = value;
    this.lastKey = k;
    this.room--;
  }
  walk(v: unknown, prefix: string, depth: number): void {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) {
      const av = toAttributeValue(v, this.wide);
      if (av !== undefined) this.put(prefix || 'value', av);
      return;
    }
    // for-in with the own-key test visits Object.keys(v)'s keys, in its
    // order, from V8's enum cache: no array of keys per object per event.
    for (const k in v) {
      if (!Object.hasOwn(v, k)) continue;
      const x = (v as Record<string, unknown>)[k];
      // By depth, not by prefix: the fields of a key `` are `.field`, not top-level fields.
      const key = depth > 0 ? dottedKey(prefix, k) : k;
      if (typeof x === 'object' && x !== null && !Array.isArray(x) && depth < FLATTEN_DEPTH) this.walk(x, key, depth + 1);
      else {
        const av = toAttributeValue(x, this.wide);
        if (av !== undefined) this.put(key, av);
      }
    }
  }
}

/**
 * Payload fields as span-event attributes: primitives as they are, arrays of
 * one primitive type as arrays, nested objects flattened with dots
 * (`context.server`) up to 4 levels, anything else as JSON text; `null` is
 * left out; an integer outside int64 as its decimal string. A key already
 * in `out` is never overwritten: the later value gets `#2` (`#3`, …).
 * A payload key `__proto__`, which no attribute map can hold as an own
 * key, is taken the same way (`__proto__#2`), and so is the key `` (`#2`),
 * which OpenTelemetry's attribute rules drop; a nested object under `` is
 * flattened as `.field`. At most `limit` attributes in
 * all (those already in `out` included); the rest are counted, not kept.
 *
 * @example
 * payloadAttributes({ 'http.status': 200, http: { status: 503 } }).attributes;
 * // { 'http.status': 200, 'http.status#2': 503 }
 */
export function payloadAttributes(payload: unknown, out: Attributes = {}, limit = Infinity): { attributes: Attributes; dropped: number } {
  const taken = Object.keys(out).length;
  const w = new AttributeWriter(out, limit - taken, taken > 0);
  w.walk(payload, '', 0);
  return { attributes: out, dropped: w.dropped };
}

/**
 * Writes a payload's span-event attributes into `out` when the payload has
 * exactly its type's object shape (the keys of each flattened object the
 * schema's, in the schema's order, no other value an object to flatten),
 * and answers true; else writes nothing and answers false (then the general
 * {@link AttributeWriter} walks it). `wide` as in {@link toAttributeValue}.
 */
type ShapeWriter = (payload: unknown, out: Attributes, wide: boolean) => boolean;

/**
 * Every attribute key the envelope can write: a payload attribute with one
 * of these names would be renamed (`#2`), which only the general writer does.
 */
const ENVELOPE_KEYS: ReadonlySet<string> = new Set<string>([...Object.values(ATTR), ...Object.values(SPAN_EVENT_ATTR)]);

const shapeWriters = new WeakMap<EventTypeInfo, { write: ShapeWriter; fields: number } | null>();

/**
 * The {@link ShapeWriter} of an event type, generated once as code from its
 * schema: the same attributes, in the same order, as the general writer
 * gives a payload of the type's shape, each written by a key of its own
 * (`a["customer.id"] = …`) rather than walked key by key. Null when the
 * schema is not an object shape it can write out: a key that could collide
 * with another attribute or be renamed (`__proto__`, ``, an envelope
 * attribute's name, two paths that flatten alike), objects nested past
 * the flattening depth, or no code generation.
 */
function shapeWriter(type: EventTypeInfo): { write: ShapeWriter; fields: number } | null {
  let w = shapeWriters.get(type);
  if (w === undefined) {
    try {
      w = compileShapeWriter(type.schema);
    } catch {
      w = null;
    }
    shapeWriters.set(type, w);
  }
  return w;
}

function compileShapeWriter(schema: unknown): { write: ShapeWriter; fields: number } | null {
  const def = defOf(schema as never);
  if (def.type !== 'object' || def.shape === undefined) return null;
  const checks: string[] = [];
  const writes: string[] = [];
  const names = new Set<string>();
  let fields = 0;
  let n = 0;
  const keyLists: string[][] = [];
  const jsons: ((a: unknown[]) => string | undefined)[] = [];
  // Source for object `v` (a variable) of shape `shape`, its attributes prefixed `prefix`, at `depth`.
  const visit = (shape: Record<string, unknown>, v: string, prefix: string, depth: number): boolean => {
    const keys = Object.keys(shape);
    if (keys.length === 0 || keys.length > 64 || Object.getOwnPropertySymbols(shape).length > 0) return false;
    keyLists.push(keys);
    const list = `k${keyLists.length - 1}`;
    // The general writer walks own enumerable keys in order (for-in with an own-key test): the same keys here, in the same order.
    checks.push(`if (typeof ${v} !== 'object' || ${v} === null || Array.isArray(${v})) return false;`);
    checks.push(
      `n = 0; for (const k in ${v}) { if (!Object.hasOwn(${v}, k)) continue; if (k !== ${list}[n++]) return false; } if (n !== ${keys.length}) return false;`,
    );
    for (const k of keys) {
      if (k === '' || k === '__proto__' || !k.isWellFormed()) return false;
      const name = depth > 0 ? `${prefix}.${k}` : k;
      const x = `x${n++}`;
      checks.push(`const ${x} = ${v}[${JSON.stringify(k)}];`);
      const d = defOf(shape[k] as never);
      if (d.type === 'object' && d.shape !== undefined && depth < FLATTEN_DEPTH) {
        // Flattened, as the general writer does below the flattening depth.
        if (!visit(d.shape, x, name, depth + 1)) return false;
        continue;
      }
      if (ENVELOPE_KEYS.has(name) || names.has(name)) return false;
      names.add(name);
      fields++;
      // Any other value must not be an object the general writer would flatten.
      if (depth < FLATTEN_DEPTH) checks.push(`if (typeof ${x} === 'object' && ${x} !== null && !Array.isArray(${x})) return false;`);
      // An array of objects of one shape goes as JSON text: written by code of its own where it can be.
      const json = d.type === 'array' && d.element !== undefined ? arrayJson(d.element) : undefined;
      let value = `typeof ${x} === 'string' || typeof ${x} === 'boolean' ? ${x} : toAttributeValue(${x}, wide)`;
      if (json !== undefined) {
        jsons.push(json);
        value = `wide ? toAttributeValue(${x}, wide) : ((Array.isArray(${x}) ? j${jsons.length - 1}(${x}) : undefined) ?? toAttributeValue(${x}, wide))`;
      }
      writes.push(`v = ${value}; if (v !== undefined) out[${JSON.stringify(name)}] = v;`);
    }
    return true;
  };
  if (!visit(def.shape, 'p', '', 0)) return null;
  const body = ['let n; let v;', ...checks, ...writes, 'return true;'].join('\n');
  try {
    const make = new Function(
      'FLATTEN_DEPTH',
      'toAttributeValue',
      ...keyLists.map((_, i) => `k${i}`),
      ...jsons.map((_, i) => `j${i}`),
      `return function writeShape(p, out, wide) {\n${body}\n};`,
    ) as (...args: unknown[]) => ShapeWriter;
    return { write: make(FLATTEN_DEPTH, toAttributeValue, ...keyLists, ...jsons), fields };
  } catch {
    return null;
  }
}

/** A string JSON writes with an escape: a quote, a backslash, a control character, a surrogate (lone ones are escaped). */
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/**
 * `JSON.stringify` of an array of plain objects of one shape (an element
 * schema's object shape), generated as code: each key's `"key":` a
 * constant, each primitive written as JSON writes it, any other value by
 * `JSON.stringify` itself. Its answer is undefined (ask `JSON.stringify`)
 * for an empty array (no JSON text: an empty attribute array), and for any
 * element not exactly of the shape (other keys, another order, a value
 * JSON leaves out, a `toJSON` it would call). Undefined when the element is
 * not an object shape.
 */
function arrayJson(element: unknown): ((a: unknown[]) => string | undefined) | undefined {
  const def = defOf(element as never);
  if (def.type !== 'object' || def.shape === undefined) return undefined;
  const keys = Object.keys(def.shape);
  if (keys.length === 0 || keys.length > 64 || keys.includes('toJSON') || Object.getOwnPropertySymbols(def.shape).length > 0) return undefined;
  const lines = [
    "if (a.length === 0 || 'toJSON' in a) return undefined;",
    // The text joined once from its parts: one flat string (a span holds it), not a chain of the parts.
    "const out = ['['];",
    'for (let i = 0; i < a.length; i++) {',
    '  const o = a[i];',
    "  if (typeof o !== 'object' || o === null || Array.isArray(o) || Object.getPrototypeOf(o) !== Object.prototype || 'toJSON' in o) return undefined;",
    '  let c = 0; for (const k in o) if (k !== keys[c++]) return undefined;',
    `  if (c !== ${keys.length}) return undefined;`,
    "  out.push(i === 0 ? '{' : ',{');",
    '  let x;',
  ];
  keys.forEach((k, i) => {
    lines.push(
      `  x = o[${JSON.stringify(k)}];`,
      `  out.push(${JSON.stringify((i === 0 ? '' : ',') + JSON.stringify(k) + ':')});`,
      "  if (typeof x === 'string') { if (NEEDS_ESCAPE.test(x)) out.push(JSON.stringify(x)); else out.push('\"', x, '\"'); }",
      "  else if (typeof x === 'number') out.push(x - x === 0 ? '' + x : 'null');",
      "  else if (typeof x === 'boolean') out.push(x ? 'true' : 'false');",
      "  else if (x === null) out.push('null');",
      '  else if (x === undefined) return undefined;',
      '  else out.push(JSON.stringify(x));',
    );
  });
  lines.push("  out.push('}');", '}', "out.push(']');", "return out.join('');");
  try {
    const make = new Function('keys', 'NEEDS_ESCAPE', `return function arrayJson(a) {\n${lines.join('\n')}\n};`) as (
      ...args: unknown[]
    ) => (a: unknown[]) => string | undefined;
    return make(keys, NEEDS_ESCAPE);
  } catch {
    return undefined;
  }
}

/**
 * The span event of an event: same name as the log record's event name, the
 * envelope attributes first, then (mode `payload`) the payload fields, built
 * in one object. When the payload has more fields than the span event's
 * attribute limit leaves room for, the last ones are dropped and
 * `factline.span_event.dropped_payload_fields` says how many. The time is an
 * HrTime.
 */
export function toSpanEvent(
  event: FactlineEvent,
  type: EventTypeInfo,
  mode: Exclude<SpanEventMode, false> = 'payload',
  timeMs?: number,
  limit = SPAN_EVENT_ATTRIBUTE_LIMIT,
): { name: string; attributes: Attributes; time: HrTime } {
  const attributes: Attributes = envelopeAttributes(event, type);
  if (mode === 'payload') {
    // The type's own writer when the payload has its shape and every field fits the limit; else the general walk.
    const shaped = shapeWriter(type);
    if (shaped !== null && envelopeCount + shaped.fields <= limit && shaped.write(event.payload, attributes, mayHoldWideIntegers(event.payload))) {
      return { name: type.name, attributes, time: msToHrTime(timeMs ?? Date.parse(event.time)) };
    }
    const w = new AttributeWriter(attributes, limit - envelopeCount, false, mayHoldWideIntegers(event.payload));
    w.walk(event.payload, '', 0);
    if (w.dropped > 0) {
      // The count needs a slot of its own: the last payload field gives it up.
      let dropped = w.dropped;
      if (w.lastKey !== undefined) {
        delete attributes[w.lastKey];
        dropped++;
      }
      attributes[SPAN_EVENT_ATTR.DROPPED_PAYLOAD_FIELDS] = dropped;
    }
  }
  return { name: type.name, attributes, time: msToHrTime(timeMs ?? Date.parse(event.time)) };
}
