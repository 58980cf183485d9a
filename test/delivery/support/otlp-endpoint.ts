import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

/** How the endpoint answers right now. */
export type EndpointMode =
  | { kind: 'accept'; delayMs?: number }
  /** `retryAfter`: the Retry-After header, as sent (a number of seconds or any text). */
  | { kind: 'status'; status: number; retryAfter?: number | string }
  /** Takes the request and never answers (an endpoint that hung); the request is not taken. */
  | { kind: 'hang' }
  /** `status` for a request that holds a record whose JSON contains `marker`; else 200. */
  | { kind: 'refuse-marked'; marker: string; status: number }
  /** 400 for a request that holds a record whose JSON contains `marker`, naming the record; else 200. */
  | { kind: 'poison'; marker: string }
  /** 200 with an OTLP partial success rejecting `rejected` records of each request. */
  | { kind: 'partial'; rejected: number; message: string };

interface JsonRecord {
  attributes?: { key: string; value?: { stringValue?: string } }[];
}

const INSTANCE_ID = 'factline.event.instance_id';

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
    const mode = this.mode;
    if (mode.kind === 'hang') {
      if (Buffer.concat(chunks).byteLength > 2) this.hungBatches++;
      res.on('close', () => {
        if (!res.writableEnded) this.abandonedByClient++;
      });
      return;
    }
    if (mode.kind === 'status') {
      res.writeHead(mode.status, { 'Content-Type': 'application/json', ...(mode.retryAfter !== undefined ? { 'Retry-After': String(mode.retryAfter) } : {}) });
      res.end(JSON.stringify({ code: 14, message: 'unavailable' }));
      return;
    }
    let bytes = Buffer.concat(chunks);
    let records: { id: string; record: JsonRecord }[];
    try {
      if (req.headers['content-encoding'] === 'gzip') {
        this.gzipRequests++;
        bytes = gunzipSync(bytes);
      }
      const parsed = JSON.parse(bytes.toString('utf8')) as { resourceSpans?: { scopeSpans?: { spans?: { spanId: string }[] }[] }[] };
      if (req.url === '/v1/traces') {
        for (const rs of parsed.resourceSpans ?? []) for (const ss of rs.scopeSpans ?? []) for (const sp of ss.spans ?? []) this.spans.add(sp.spanId);
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end('{}');
        return;
      }
      records = idsOf(parsed as Parameters<typeof idsOf>[0]);
    } catch (e) {
      res.writeHead(400, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ code: 3, message: `unreadable request: ${(e as Error).message}` }));
      return;
    }
    if (records.length === 0) this.emptyRequests++;
    if (mode.kind === 'refuse-marked' && records.some((r) => JSON.stringify(r.record).includes(mode.marker))) {
      res.writeHead(mode.status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ code: 13, message: 'internal error on a marked record' }));
      return;
    }
    if (mode.kind === 'poison') {
      const bad = records.find((r) => JSON.stringify(r.record).includes(mode.marker));
      if (bad) {
        res.writeHead(400, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ code: 3, message: `log record ${bad.id} is poisoned` }));
        return;
      }
    }
    // Taken before the (slow) answer, as a real receiver would: a client
    // that times out and sends again produces a duplicate, not a loss.
    for (const r of records) this.received.add(r.id);
    this.acknowledged += records.length;
    if (mode.kind === 'accept' && mode.delayMs) await new Promise((r) => setTimeout(r, mode.delayMs));
    if (res.destroyed) return;
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(mode.kind === 'partial' ? JSON.stringify({ partialSuccess: { rejectedLogRecords: String(mode.rejected), errorMessage: mode.message } }) : '{}');
  }

  async stop(): Promise<void> {
    await this.down();
  }
}
