import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { LOGS_SHAPE, TRACES_SHAPE } from '../../../src/delivery/otlp-json.js';
import { decodeProtobufRequest } from '../../../src/delivery/otlp-protobuf.js';

/** How the endpoint answers right now. */
export type EndpointMode =
  | { kind: 'accept'; delayMs?: number }
  /** `retryAfter`: the Retry-After header, as sent (a number of seconds or any text). */
  | { kind: 'status'; status: number; retryAfter?: number | string }
  /** Takes the request and never answers (an endpoint that hung); the request is not taken. */
  | { kind: 'hang' }
  /** `status` for a request that holds a record whose JSON contains `marker`; else 200. */
  | { kind: 'refuse-marked'; marker: string; status: number }
  /**
   * 400 for a request that holds a record whose JSON contains `marker`, naming the record; else 200.
   * With `thenHang`, every request after the first 400 hangs (the client split the batch and then died, say).
   */
  | { kind: 'poison'; marker: string; thenHang?: boolean }
  /** 200 with an OTLP partial success rejecting `rejected` records of each request. */
  | { kind: 'partial'; rejected: number; message: string };

interface JsonRecord {
  attributes?: { key: string; value?: { stringValue?: string } }[];
}

const INSTANCE_ID = 'factline.event.instance_id';

/* The few protobuf messages the endpoint answers with, written by hand (opentelemetry-proto, google/rpc/status.proto). */
const varint = (n: number): number[] => {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
};
const lenField = (no: number, bytes: Uint8Array): Buffer => Buffer.concat([Buffer.from([...varint((no << 3) | 2), ...varint(bytes.byteLength)]), bytes]);
/** `google.rpc.Status { code = 1; message = 2 }`. */
export function protobufStatus(code: number, message: string): Buffer {
  return Buffer.concat([Buffer.from([0x08, ...varint(code)]), lenField(2, Buffer.from(message, 'utf8'))]);
}
/** `ExportLogsServiceResponse { partial_success = 1 { rejected_log_records = 1; error_message = 2 } }` (the trace one alike). */
export function protobufPartialSuccess(rejected: number, message: string): Buffer {
  return lenField(1, Buffer.concat([Buffer.from([0x08, ...varint(rejected)]), lenField(2, Buffer.from(message, 'utf8'))]));
}

function idsOf(body: { resourceLogs?: { scopeLogs?: { logRecords?: JsonRecord[] }[] }[] }): { id: string; record: JsonRecord }[] {
  const out: { id: string; record: JsonRecord }[] = [];
  for (const rl of body.resourceLogs ?? [])
    for (const sl of rl.scopeLogs ?? [])
      for (const r of sl.logRecords ?? []) out.push({ id: r.attributes?.find((a) => a.key === INSTANCE_ID)?.value?.stringValue ?? '', record: r });
  return out;
}

/**
 * A real OTLP/HTTP logs endpoint on 127.0.0.1 (node:http), for the fault
 * suite: it records the instance id of every record it acknowledges, and
 * can answer slowly, with an error status, refuse poisoned records, or stop
 * listening altogether (connection refused).
 */
export class OtlpEndpoint {
  readonly received = new Set<string>();
  /** Span ids of the spans acknowledged on /v1/traces. */
  readonly spans = new Set<string>();
  /** Records acknowledged, duplicates included. */
  acknowledged = 0;
  requests = 0;
  /** Requests sent with `Content-Encoding: gzip` (decompressed before they are read). */
  gzipRequests = 0;
  /** Requests with no records (probes). */
  emptyRequests = 0;
  /** Requests by `Content-Type` (`application/x-protobuf`, `application/json`). */
  readonly contentTypes = new Map<string, number>();
  /** Requests held unanswered in `hang` mode that the client has since abandoned (closed). */
  abandonedByClient = 0;
  /** Requests with records held unanswered in `hang` mode. */
  hungBatches = 0;
  mode: EndpointMode = { kind: 'accept' };
  private server: Server | undefined;
  port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}/v1/logs`;
  }

  get tracesUrl(): string {
    return `http://127.0.0.1:${this.port}/v1/traces`;
  }

  async start(port = 0): Promise<this> {
    const server = createServer((req, res) => void this.handle(req, res));
    server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    return this;
  }

  /** Stops listening and cuts open connections: clients get ECONNREFUSED. */
  async down(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Listens again on the same port. */
  async up(): Promise<void> {
    if (!this.server) await this.start(this.port);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    this.requests++;
    const contentType = req.headers['content-type'] ?? '';
    this.contentTypes.set(contentType, (this.contentTypes.get(contentType) ?? 0) + 1);
    const protobuf = contentType === 'application/x-protobuf';
    // OTLP/HTTP: the answer is in the encoding of the request.
    const answerType = protobuf ? 'application/x-protobuf' : 'application/json';
    const mode = this.mode;
    if (mode.kind === 'hang') {
      if (Buffer.concat(chunks).byteLength > (protobuf ? 0 : 2)) this.hungBatches++;
      res.on('close', () => {
        if (!res.writableEnded) this.abandonedByClient++;
      });
      return;
    }
    if (mode.kind === 'status') {
      res.writeHead(mode.status, { 'Content-Type': answerType, ...(mode.retryAfter !== undefined ? { 'Retry-After': String(mode.retryAfter) } : {}) });
      res.end(protobuf ? protobufStatus(14, 'unavailable') : JSON.stringify({ code: 14, message: 'unavailable' }));
      return;
    }
    let bytes = Buffer.concat(chunks);
    let records: { id: string; record: JsonRecord }[];
    try {
      if (req.headers['content-encoding'] === 'gzip') {
        this.gzipRequests++;
        bytes = gunzipSync(bytes);
      }
      const traces = req.url === '/v1/traces';
      // A protobuf body is read with factline's own decoder, to the OTLP JSON of the same records.
      const parsed = (protobuf ? decodeProtobufRequest(bytes, traces ? TRACES_SHAPE : LOGS_SHAPE) : JSON.parse(bytes.toString('utf8'))) as {
        resourceSpans?: { scopeSpans?: { spans?: { spanId: string }[] }[] }[];
      };
      if (traces) {
        for (const rs of parsed.resourceSpans ?? []) for (const ss of rs.scopeSpans ?? []) for (const sp of ss.spans ?? []) this.spans.add(sp.spanId);
        res.writeHead(200, { 'Content-Type': answerType });
        res.end(protobuf ? '' : '{}');
        return;
      }
      records = idsOf(parsed as Parameters<typeof idsOf>[0]);
    } catch (e) {
      res.writeHead(400, { 'Content-Type': answerType });
      const message = `unreadable request: ${(e as Error).message}`;
      res.end(protobuf ? protobufStatus(3, message) : JSON.stringify({ code: 3, message }));
      return;
    }
    if (records.length === 0) this.emptyRequests++;
    if (mode.kind === 'refuse-marked' && records.some((r) => JSON.stringify(r.record).includes(mode.marker))) {
      res.writeHead(mode.status, { 'Content-Type': answerType });
      const message = 'internal error on a marked record';
      res.end(protobuf ? protobufStatus(13, message) : JSON.stringify({ code: 13, message }));
      return;
    }
    if (mode.kind === 'poison') {
      const bad = records.find((r) => JSON.stringify(r.record).includes(mode.marker));
      if (bad) {
        res.writeHead(400, { 'Content-Type': answerType });
        const message = `log record ${bad.id} is poisoned`;
        res.end(protobuf ? protobufStatus(3, message) : JSON.stringify({ code: 3, message }));
        if (mode.thenHang) this.mode = { kind: 'hang' };
        return;
      }
    }
    // Taken before the (slow) answer, as a real receiver would: a client
    // that times out and sends again produces a duplicate, not a loss.
    for (const r of records) this.received.add(r.id);
    this.acknowledged += records.length;
    if (mode.kind === 'accept' && mode.delayMs) await new Promise((r) => setTimeout(r, mode.delayMs));
    if (res.destroyed) return;
    res.writeHead(200, { 'Content-Type': answerType });
    if (mode.kind === 'partial')
      res.end(
        protobuf
          ? protobufPartialSuccess(mode.rejected, mode.message)
          : JSON.stringify({ partialSuccess: { rejectedLogRecords: String(mode.rejected), errorMessage: mode.message } }),
      );
    else res.end(protobuf ? '' : '{}');
  }

  async stop(): Promise<void> {
    await this.down();
  }
}
