import type { ExportRequestJson, RequestShape } from './otlp-json.js';

/*
 * OTLP/HTTP binary protobuf request bodies (ExportLogsServiceRequest,
 * ExportTraceServiceRequest), read at the wire level, as far as durable
 * delivery needs them: splitting a refused request in two, counting its
 * records, and turning it into the OTLP JSON of the same records for the
 * dead-letter file. Field numbers from opentelemetry-proto
 * (opentelemetry/proto/{collector/logs,collector/trace,logs,trace,common,resource}/v1).
 *
 * Both requests nest alike:
 *   request        1: repeated Resource{Logs,Spans}
 *   Resource{..}   1: resource, 2: repeated Scope{Logs,Spans}, 3: schema_url
 *   Scope{..}      1: scope, 2: repeated items (LogRecord, Span), 3: schema_url
 */

/** The body encodings of OTLP/HTTP: binary protobuf (`application/x-protobuf`) or JSON (`application/json`). */
export type OtlpEncoding = 'protobuf' | 'json';

/** The `Content-Type` of a request body of an encoding (OTLP/HTTP, "Binary Protobuf Encoding" / "JSON Protobuf Encoding"). */
export function contentTypeOf(encoding: OtlpEncoding): string {
  return encoding === 'protobuf' ? 'application/x-protobuf' : 'application/json';
}

/** A protobuf body that cannot be read: cut short, or a wire type that does not fit. */
export class ProtobufWireError extends Error {}

const WIRE_VARINT = 0;
const WIRE_I64 = 1;
const WIRE_LEN = 2;
const WIRE_I32 = 5;

/** One field of a message: its number, wire type, and where its bytes are. */
interface Field {
  no: number;
  wire: number;
  /** Start of the whole field (its tag). */
  start: number;
  /** For LEN: start of the payload; for the others: start of the value. */
  at: number;
  /** End of the whole field. */
  end: number;
}

class Reader {
  pos: number;
  constructor(
    readonly buf: Uint8Array,
    start = 0,
    readonly end = buf.byteLength,
  ) {
    this.pos = start;
  }

  done(): boolean {
    return this.pos >= this.end;
  }

  /** A varint of up to 32 significant bits, as a number (tags, lengths, counts, enums). */
  uint32(): number {
    let result = 0;
    let shift = 0;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new ProtobufWireError('varint cut short');
      const b = this.buf[this.pos++]!;
      if (shift < 32) result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result % 2 ** 32;
      shift += 7;
    }
    throw new ProtobufWireError('varint longer than 10 bytes');
  }

  /** A varint as a signed 64-bit integer (int64 in two's complement). */
  int64(): bigint {
    let result = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new ProtobufWireError('varint cut short');
      const b = this.buf[this.pos++]!;
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return BigInt.asIntN(64, result);
      shift += 7n;
    }
    throw new ProtobufWireError('varint longer than 10 bytes');
  }

  fixed64(): bigint {
    if (this.pos + 8 > this.end) throw new ProtobufWireError('fixed64 cut short');
    const v = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, 8).getBigUint64(0, true);
    this.pos += 8;
    return v;
  }

  double(): number {
    if (this.pos + 8 > this.end) throw new ProtobufWireError('double cut short');
    const v = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, 8).getFloat64(0, true);
    this.pos += 8;
    return v;
  }

  fixed32(): number {
    if (this.pos + 4 > this.end) throw new ProtobufWireError('fixed32 cut short');
    const v = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, 4).getUint32(0, true);
    this.pos += 4;
    return v;
  }

  /** The next field; its value is skipped (read it from `at` with a reader of its own). */
  field(): Field {
    const start = this.pos;
    const tag = this.uint32();
    const no = tag >>> 3;
    const wire = tag & 7;
    if (no === 0) throw new ProtobufWireError('field number 0');
    let at = this.pos;
    switch (wire) {
      case WIRE_VARINT:
        this.int64();
        break;
      case WIRE_I64:
        this.pos += 8;
        break;
      case WIRE_LEN: {
        const len = this.uint32();
        at = this.pos;
        this.pos += len;
        break;
      }
      case WIRE_I32:
        this.pos += 4;
        break;
      default:
        throw new ProtobufWireError(`wire type ${wire} (groups are not used by OTLP)`);
    }
    if (this.pos > this.end) throw new ProtobufWireError(`field ${no} runs past the end of its message`);
    return { no, wire, start, at, end: this.pos };
  }
}

/** The fields of the message in `buf[start, end)`, in order. */
function fieldsOf(buf: Uint8Array, start = 0, end = buf.byteLength): Field[] {
  const r = new Reader(buf, start, end);
  const out: Field[] = [];
  while (!r.done()) out.push(r.field());
  return out;
}

function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}

/** A length-delimited field `no` holding `parts`, as bytes. */
function lengthDelimited(no: number, parts: Uint8Array[]): Uint8Array[] {
  const len = parts.reduce((n, p) => n + p.byteLength, 0);
  return [Uint8Array.from([...varint((no << 3) | WIRE_LEN), ...varint(len)]), ...parts];
}

function concat(parts: Uint8Array[]): Uint8Array {
  return Buffer.concat(parts);
}

const isLen = (f: Field, no: number) => f.no === no && f.wire === WIRE_LEN;

/** Records (log records or spans) in a protobuf request body. Throws {@link ProtobufWireError} on a body that is not one. */
export function countProtobufRecords(body: Uint8Array): number {
  let n = 0;
  for (const rf of fieldsOf(body)) {
    if (!isLen(rf, 1)) continue;
    for (const sf of fieldsOf(body, rf.at, rf.end)) {
      if (!isLen(sf, 2)) continue;
      for (const item of fieldsOf(body, sf.at, sf.end)) if (isLen(item, 2)) n++;
    }
  }
  return n;
}

/**
 * Splits a protobuf request body into two, the first `at` records and the
 * rest, each record kept under its own resource and scope. Every field is
 * copied byte for byte (the resource, the scope, each record, schema URLs,
 * fields this reader does not know); a scope or resource with no record in
 * a half is left out of it, as `splitRequest` does for OTLP JSON.
 *
 * @throws ProtobufWireError when the body is not a readable protobuf message.
 */
export function splitProtobufRequest(body: Uint8Array, at: number): [Uint8Array, Uint8Array] {
  const head: Uint8Array[] = [];
  const tail: Uint8Array[] = [];
  let seen = 0;
  const bytes = (f: Field) => body.subarray(f.start, f.end);
  for (const rf of fieldsOf(body)) {
    if (!isLen(rf, 1)) {
      // Not a resource entry: kept in both halves.
      head.push(bytes(rf));
      tail.push(bytes(rf));
      continue;
    }
    const rHead: Uint8Array[] = [];
    const rTail: Uint8Array[] = [];
    let rHeadItems = 0;
    let rTailItems = 0;
    const rFields = fieldsOf(body, rf.at, rf.end);
    for (const sf of rFields) {
      if (!isLen(sf, 2)) continue;
      const sFields = fieldsOf(body, sf.at, sf.end);
      const sHead: Uint8Array[] = [];
      const sTail: Uint8Array[] = [];
      let hn = 0;
      let tn = 0;
      for (const f of sFields) {
        if (isLen(f, 2)) {
          if (seen < at) {
            sHead.push(bytes(f));
            hn++;
          } else {
            sTail.push(bytes(f));
            tn++;
          }
          seen++;
        } else {
          sHead.push(bytes(f));
          sTail.push(bytes(f));
        }
      }
      if (hn > 0) rHead.push(...lengthDelimited(2, sHead));
      if (tn > 0) rTail.push(...lengthDelimited(2, sTail));
      rHeadItems += hn;
      rTailItems += tn;
    }
    // The resource's own fields (resource, schema_url, unknown ones) go with each half that has records, in place.
    const build = (scopes: Uint8Array[]) => {
      const parts: Uint8Array[] = [];
      let placed = false;
      for (const f of rFields) {
        if (isLen(f, 2)) {
          if (!placed) parts.push(...scopes);
          placed = true;
        } else parts.push(bytes(f));
      }
      return parts;
    };
    if (rHeadItems > 0) head.push(...lengthDelimited(1, build(rHead)));
    if (rTailItems > 0) tail.push(...lengthDelimited(1, build(rTail)));
  }
  return [concat(head), concat(tail)];
}

// ---- decoding to OTLP JSON -------------------------------------------------

type Json = Record<string, unknown>;

const utf8 = (buf: Uint8Array, f: Field) => Buffer.from(buf.buffer, buf.byteOffset + f.at, f.end - f.at).toString('utf8');
const hex = (buf: Uint8Array, f: Field) => Buffer.from(buf.buffer, buf.byteOffset + f.at, f.end - f.at).toString('hex');
const base64 = (buf: Uint8Array, f: Field) => Buffer.from(buf.buffer, buf.byteOffset + f.at, f.end - f.at).toString('base64');
const at = (buf: Uint8Array, f: Field) => new Reader(buf, f.at, f.end);
/** A varint field as a number (counts, enums, bools). */
const num = (buf: Uint8Array, f: Field) => Number(at(buf, f).int64());
/** A fixed64 time as the decimal string of nanoseconds OTLP JSON uses. */
const nanos = (buf: Uint8Array, f: Field) => at(buf, f).fixed64().toString();

function expect(f: Field, wire: number, what: string): void {
  if (f.wire !== wire) throw new ProtobufWireError(`${what} (field ${f.no}) has wire type ${f.wire}, not ${wire}`);
}

/** AnyValue (common/v1): exactly one of its fields, `{}` when none. */
function anyValue(buf: Uint8Array, start: number, end: number): Json {
  let out: Json = {};
  for (const f of fieldsOf(buf, start, end)) {
    switch (f.no) {
      case 1:
        expect(f, WIRE_LEN, 'AnyValue.string_value');
        out = { stringValue: utf8(buf, f) };
        break;
      case 2:
        expect(f, WIRE_VARINT, 'AnyValue.bool_value');
        out = { boolValue: num(buf, f) !== 0 };
        break;
      case 3:
        expect(f, WIRE_VARINT, 'AnyValue.int_value');
        out = { intValue: Number(at(buf, f).int64()) };
        break;
      case 4:
        expect(f, WIRE_I64, 'AnyValue.double_value');
        out = { doubleValue: at(buf, f).double() };
        break;
      case 5:
        expect(f, WIRE_LEN, 'AnyValue.array_value');
        out = { arrayValue: { values: repeated(buf, f, 1, (s, e) => anyValue(buf, s, e)) } };
        break;
      case 6:
        expect(f, WIRE_LEN, 'AnyValue.kvlist_value');
        out = { kvlistValue: { values: repeated(buf, f, 1, (s, e) => keyValue(buf, s, e)) } };
        break;
      case 7:
        expect(f, WIRE_LEN, 'AnyValue.bytes_value');
        out = { bytesValue: base64(buf, f) };
        break;
    }
  }
  return out;
}

/** The messages of repeated field `no` inside the message field `f`, decoded. */
function repeated<T>(buf: Uint8Array, f: Field, no: number, decode: (start: number, end: number) => T): T[] {
  const out: T[] = [];
  for (const g of fieldsOf(buf, f.at, f.end)) if (isLen(g, no)) out.push(decode(g.at, g.end));
  return out;
}

function keyValue(buf: Uint8Array, start: number, end: number): Json {
  let key = '';
  let value: Json = {};
  for (const f of fieldsOf(buf, start, end)) {
    if (isLen(f, 1)) key = utf8(buf, f);
    else if (isLen(f, 2)) value = anyValue(buf, f.at, f.end);
  }
  return { key, value };
}

function resource(buf: Uint8Array, f: Field | undefined, schemaUrl: string | undefined): Json {
  const attributes: Json[] = [];
  let dropped = 0;
  if (f) {
    for (const g of fieldsOf(buf, f.at, f.end)) {
      if (isLen(g, 1)) attributes.push(keyValue(buf, g.at, g.end));
      else if (g.no === 2 && g.wire === WIRE_VARINT) dropped = num(buf, g);
    }
  }
  return { attributes, droppedAttributesCount: dropped, ...(schemaUrl !== undefined ? { schemaUrl } : {}) };
}

function scope(buf: Uint8Array, f: Field | undefined): Json {
  let name = '';
  let version: string | undefined;
  const attributes: Json[] = [];
  let dropped = 0;
  if (f) {
    for (const g of fieldsOf(buf, f.at, f.end)) {
      if (isLen(g, 1)) name = utf8(buf, g);
      else if (isLen(g, 2)) version = utf8(buf, g);
      else if (isLen(g, 3)) attributes.push(keyValue(buf, g.at, g.end));
      else if (g.no === 4 && g.wire === WIRE_VARINT) dropped = num(buf, g);
    }
  }
  // As the JSON serializer: attributes and their dropped count only when there are attributes.
  return { name, ...(version !== undefined ? { version } : {}), ...(attributes.length > 0 ? { attributes, droppedAttributesCount: dropped } : {}) };
}

function logRecord(buf: Uint8Array, start: number, end: number): Json {
  let time = '0';
  let observed = '0';
  let severityNumber: number | undefined;
  let severityText: string | undefined;
  let body: Json = {};
  let eventName: string | undefined;
  const attributes: Json[] = [];
  let dropped = 0;
  let flags: number | undefined;
  let traceId: string | undefined;
  let spanId: string | undefined;
  for (const f of fieldsOf(buf, start, end)) {
    switch (f.no) {
      case 1:
        expect(f, WIRE_I64, 'LogRecord.time_unix_nano');
        time = nanos(buf, f);
        break;
      case 2:
        severityNumber = num(buf, f);
        break;
      case 3:
        severityText = utf8(buf, f);
        break;
      case 5:
        expect(f, WIRE_LEN, 'LogRecord.body');
        body = anyValue(buf, f.at, f.end);
        break;
      case 6:
        expect(f, WIRE_LEN, 'LogRecord.attributes');
        attributes.push(keyValue(buf, f.at, f.end));
        break;
      case 7:
        dropped = num(buf, f);
        break;
      case 8:
        expect(f, WIRE_I32, 'LogRecord.flags');
        flags = at(buf, f).fixed32();
        break;
      case 9:
        traceId = hex(buf, f);
        break;
      case 10:
        spanId = hex(buf, f);
        break;
      case 11:
        expect(f, WIRE_I64, 'LogRecord.observed_time_unix_nano');
        observed = nanos(buf, f);
        break;
      case 12:
        eventName = utf8(buf, f);
        break;
    }
  }
  // A record with a span context has flags in OTLP JSON even when they are 0 (protobuf leaves a 0 out).
  if (flags === undefined && (traceId !== undefined || spanId !== undefined)) flags = 0;
  return {
    timeUnixNano: time,
    observedTimeUnixNano: observed,
    ...(severityNumber !== undefined ? { severityNumber } : {}),
    ...(severityText !== undefined ? { severityText } : {}),
    body,
    ...(eventName !== undefined ? { eventName } : {}),
    attributes,
    droppedAttributesCount: dropped,
    ...(flags !== undefined ? { flags } : {}),
    ...(traceId !== undefined ? { traceId } : {}),
    ...(spanId !== undefined ? { spanId } : {}),
  };
}

function spanEvent(buf: Uint8Array, start: number, end: number): Json {
  let time = '0';
  let name = '';
  const attributes: Json[] = [];
  let dropped = 0;
  for (const f of fieldsOf(buf, start, end)) {
    if (f.no === 1 && f.wire === WIRE_I64) time = nanos(buf, f);
    else if (isLen(f, 2)) name = utf8(buf, f);
    else if (isLen(f, 3)) attributes.push(keyValue(buf, f.at, f.end));
    else if (f.no === 4 && f.wire === WIRE_VARINT) dropped = num(buf, f);
  }
  return { attributes, name, timeUnixNano: time, droppedAttributesCount: dropped };
}

function spanLink(buf: Uint8Array, start: number, end: number): Json {
  let traceId = '';
  let spanId = '';
  let traceState: string | undefined;
  const attributes: Json[] = [];
  let dropped = 0;
  let flags = 0;
  for (const f of fieldsOf(buf, start, end)) {
    if (isLen(f, 1)) traceId = hex(buf, f);
    else if (isLen(f, 2)) spanId = hex(buf, f);
    else if (isLen(f, 3)) traceState = utf8(buf, f);
    else if (isLen(f, 4)) attributes.push(keyValue(buf, f.at, f.end));
    else if (f.no === 5 && f.wire === WIRE_VARINT) dropped = num(buf, f);
    else if (f.no === 6 && f.wire === WIRE_I32) flags = at(buf, f).fixed32();
  }
  return { attributes, spanId, traceId, ...(traceState !== undefined ? { traceState } : {}), droppedAttributesCount: dropped, flags };
}

function status(buf: Uint8Array, f: Field | undefined): Json {
  let code = 0;
  let message: string | undefined;
  if (f) {
    for (const g of fieldsOf(buf, f.at, f.end)) {
      if (isLen(g, 2)) message = utf8(buf, g);
      else if (g.no === 3 && g.wire === WIRE_VARINT) code = num(buf, g);
    }
  }
  return { code, ...(message !== undefined ? { message } : {}) };
}

function span(buf: Uint8Array, start: number, end: number): Json {
  let traceId = '';
  let spanId = '';
  let traceState: string | undefined;
  let parentSpanId: string | undefined;
  let name = '';
  let kind = 0;
  let startTime = '0';
  let endTime = '0';
  const attributes: Json[] = [];
  let dropped = 0;
  const events: Json[] = [];
  let droppedEvents = 0;
  const links: Json[] = [];
  let droppedLinks = 0;
  let statusField: Field | undefined;
  let flags = 0;
  for (const f of fieldsOf(buf, start, end)) {
    switch (f.no) {
      case 1:
        traceId = hex(buf, f);
        break;
      case 2:
        spanId = hex(buf, f);
        break;
      case 3:
        traceState = utf8(buf, f);
        break;
      case 4:
        parentSpanId = hex(buf, f);
        break;
      case 5:
        name = utf8(buf, f);
        break;
      case 6:
        kind = num(buf, f);
        break;
      case 7:
        expect(f, WIRE_I64, 'Span.start_time_unix_nano');
        startTime = nanos(buf, f);
        break;
      case 8:
        expect(f, WIRE_I64, 'Span.end_time_unix_nano');
        endTime = nanos(buf, f);
        break;
      case 9:
        expect(f, WIRE_LEN, 'Span.attributes');
        attributes.push(keyValue(buf, f.at, f.end));
        break;
      case 10:
        dropped = num(buf, f);
        break;
      case 11:
        expect(f, WIRE_LEN, 'Span.events');
        events.push(spanEvent(buf, f.at, f.end));
        break;
      case 12:
        droppedEvents = num(buf, f);
        break;
      case 13:
        expect(f, WIRE_LEN, 'Span.links');
        links.push(spanLink(buf, f.at, f.end));
        break;
      case 14:
        droppedLinks = num(buf, f);
        break;
      case 15:
        expect(f, WIRE_LEN, 'Span.status');
        statusField = f;
        break;
      case 16:
        expect(f, WIRE_I32, 'Span.flags');
        flags = at(buf, f).fixed32();
        break;
    }
  }
  return {
    traceId,
    spanId,
    ...(parentSpanId !== undefined ? { parentSpanId } : {}),
    ...(traceState !== undefined ? { traceState } : {}),
    name,
    kind,
    startTimeUnixNano: startTime,
    endTimeUnixNano: endTime,
    attributes,
    droppedAttributesCount: dropped,
    events,
    droppedEventsCount: droppedEvents,
    status: status(buf, statusField),
    links,
    droppedLinksCount: droppedLinks,
    flags,
  };
}

/**
 * The OTLP JSON of a protobuf request body (`ExportLogsServiceRequest` or
 * `ExportTraceServiceRequest`, by `shape`): the same object the OTel JS
 * `JsonLogsSerializer` / `JsonTraceSerializer` make of the same SDK
 * records, key order included (test/delivery/otlp-protobuf.test.ts
 * compares the two on generated records). Where protobuf cannot tell a
 * field at its default from an absent one (proto3 leaves both out), the
 * result has what the JSON serializer writes for a record the SDK makes:
 * `body: {}`, `attributes: []`, `flags: 0` beside a trace id; an empty
 * `severityText`, `eventName`, scope version or status message is left out.
 * Unknown fields are skipped.
 *
 * @throws ProtobufWireError when the body is not a readable protobuf message.
 */
export function decodeProtobufRequest(body: Uint8Array, shape: RequestShape): ExportRequestJson {
  const spans = shape.items === 'spans';
  const out: Json[] = [];
  for (const rf of fieldsOf(body)) {
    if (!isLen(rf, 1)) continue;
    let res: Field | undefined;
    let schemaUrl: string | undefined;
    const scopes: Json[] = [];
    for (const f of fieldsOf(body, rf.at, rf.end)) {
      if (isLen(f, 1)) res = f;
      else if (isLen(f, 3)) schemaUrl = utf8(body, f);
      else if (isLen(f, 2)) {
        let sc: Field | undefined;
        let scopeSchemaUrl: string | undefined;
        const items: Json[] = [];
        for (const g of fieldsOf(body, f.at, f.end)) {
          if (isLen(g, 1)) sc = g;
          else if (isLen(g, 3)) scopeSchemaUrl = utf8(body, g);
          else if (isLen(g, 2)) items.push(spans ? span(body, g.at, g.end) : logRecord(body, g.at, g.end));
        }
        scopes.push({ scope: scope(body, sc), [shape.items]: items, ...(scopeSchemaUrl !== undefined ? { schemaUrl: scopeSchemaUrl } : {}) });
      }
    }
    out.push({ resource: resource(body, res, schemaUrl), [shape.scope]: scopes, ...(schemaUrl !== undefined ? { schemaUrl } : {}) });
  }
  return { [shape.resource]: out };
}

/** The instance ids (`factline.event.instance_id` string attributes) still readable in bytes that are not a whole protobuf request. */
export function instanceIdsInProtobuf(bytes: Uint8Array, key: string): string[] {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  const ids: string[] = [];
  // KeyValue: 0a <len> key 12 <len> AnyValue{ 0a <len> string }
  const marker = `\x0a${String.fromCharCode(key.length)}${key}\x12`;
  let i = text.indexOf(marker);
  while (i >= 0) {
    const p = i + marker.length + 1;
    if (text.charCodeAt(p) === 0x0a) {
      const len = text.charCodeAt(p + 1);
      if (len < 0x80 && p + 2 + len <= text.length) ids.push(Buffer.from(text.slice(p + 2, p + 2 + len), 'latin1').toString('utf8'));
    }
    i = text.indexOf(marker, i + 1);
  }
  return ids;
}

/** The `message` of a `google.rpc.Status` in protobuf (an OTLP/HTTP error response), or undefined. */
export function statusMessageOf(body: Uint8Array): string | undefined {
  try {
    for (const f of fieldsOf(body)) if (isLen(f, 2)) return utf8(body, f);
  } catch {
    // not a Status
  }
  return undefined;
}
