import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync, inflateSync } from 'node:zlib';

/*
 * Stands in for Loki and Tempo: an HTTP server that accepts OTLP/JSON export
 * requests on Loki's path (`/otlp/v1/logs`) and OTLP's (`/v1/traces`),
 * keeps every request, and answers 200 `{}` (an empty export response), or
 * 503 while told to refuse, which the otlp_http exporter retries.
 */

export const LOGS_PATH = '/otlp/v1/logs';
export const TRACES_PATH = '/v1/traces';

/** An OTLP/JSON AnyValue, as the Collector's JSON encoder writes it. */
export interface AnyValue {
  stringValue?: string;
  boolValue?: boolean;
  /** int64, written as a decimal string. */
  intValue?: string | number;
  doubleValue?: number;
  arrayValue?: { values?: AnyValue[] };
  kvlistValue?: { values?: KeyValue[] };
  bytesValue?: string;
}
export interface KeyValue {
  key: string;
  value: AnyValue;
}

export interface OtlpLogRecord {
  timeUnixNano?: string;
  observedTimeUnixNano?: string;
  severityNumber?: number;
  severityText?: string;
  body?: AnyValue;
  attributes?: KeyValue[];
  traceId?: string;
  spanId?: string;
  flags?: number;
  eventName?: string;
}

export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  startTimeUnixNano?: string;
  endTimeUnixNano?: string;
  attributes?: KeyValue[];
  events?: { name: string; timeUnixNano?: string; attributes?: KeyValue[] }[];
  status?: { code?: number; message?: string };
}

/** A log record with the resource and scope it was sent under. */
export interface ReceivedLog {
  resource: KeyValue[];
  scope: { name?: string; version?: string };
  record: OtlpLogRecord;
}

export interface ReceivedSpan {
  resource: KeyValue[];
  scope: { name?: string; version?: string };
  span: OtlpSpan;
}

export interface RecordedRequest {
  path: string;
  /** What the server answered. */
  status: number;
  /** The parsed JSON body (after gzip/deflate), or the reason it was not JSON. */
  body: unknown;
  error?: string;
}

interface LogsRequest {
  resourceLogs?: { resource?: { attributes?: KeyValue[] }; scopeLogs?: { scope?: { name?: string; version?: string }; logRecords?: OtlpLogRecord[] }[] }[];
}
interface TracesRequest {
  resourceSpans?: { resource?: { attributes?: KeyValue[] }; scopeSpans?: { scope?: { name?: string; version?: string }; spans?: OtlpSpan[] }[] }[];
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((done, fail) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => done(Buffer.concat(chunks)));
    req.on('error', fail);
  });
}

export class RecordingServer {
  readonly requests: RecordedRequest[] = [];
  private server: Server | undefined;
  private refusing = false;

  /** Starts listening on a free loopback port; resolves to the base URL (`http://127.0.0.1:PORT`). */
  async start(): Promise<string> {
    const server = createServer((req, res) => {
      void readBody(req).then((raw) => {
        const path = (req.url ?? '').split('?')[0]!;
        const known = req.method === 'POST' && (path === LOGS_PATH || path === TRACES_PATH);
        const status = !known ? 404 : this.refusing ? 503 : 200;
        const recorded: RecordedRequest = { path, status, body: undefined };
        try {
          const encoding = req.headers['content-encoding'];
          const bytes = encoding === 'gzip' ? gunzipSync(raw) : encoding === 'deflate' ? inflateSync(raw) : raw;
          if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) {
            throw new Error(`content-type ${req.headers['content-type']}: set FACTLINE_LOKI_OTLP_ENCODING=json / encoding: json`);
          }
          recorded.body = JSON.parse(bytes.toString('utf8'));
        } catch (err) {
          recorded.error = (err as Error).message;
        }
        this.requests.push(recorded);
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(status === 200 ? '{}' : JSON.stringify({ code: 14, message: 'refused by the test' }));
      });
    });
    this.server = server;
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  /**
   * Answers 503 to every export request until `accept()`. An outage the test
   * ends itself, not one of a fixed length: the steps inside it take as long
   * as the machine needs, so no test depends on its speed.
   */
  refuse(): void {
    this.refusing = true;
  }

  /** Ends the outage begun by `refuse()`: export requests get 200 again. */
  accept(): void {
    this.refusing = false;
  }

  /** How many export requests were answered 503 so far. */
  refusedCount(): number {
    return this.requests.filter((r) => r.status === 503).length;
  }

  /** Requests that could not be read as OTLP/JSON (a test should fail on any). */
  unreadable(): RecordedRequest[] {
    return this.requests.filter((r) => r.error !== undefined);
  }

  /** Log records of the requests on the logs path; by default only the delivered ones (answered 200). */
  logs(which: 'delivered' | 'refused' | 'all' = 'delivered'): ReceivedLog[] {
    const out: ReceivedLog[] = [];
    for (const req of this.select(LOGS_PATH, which)) {
      for (const rl of (req.body as LogsRequest).resourceLogs ?? []) {
        for (const sl of rl.scopeLogs ?? []) {
          for (const record of sl.logRecords ?? []) out.push({ resource: rl.resource?.attributes ?? [], scope: sl.scope ?? {}, record });
        }
      }
    }
    return out;
  }

  /** Spans of the requests on the traces path; by default only the delivered ones. */
  spans(which: 'delivered' | 'refused' | 'all' = 'delivered'): ReceivedSpan[] {
    const out: ReceivedSpan[] = [];
    for (const req of this.select(TRACES_PATH, which)) {
      for (const rs of (req.body as TracesRequest).resourceSpans ?? []) {
        for (const ss of rs.scopeSpans ?? []) {
          for (const span of ss.spans ?? []) out.push({ resource: rs.resource?.attributes ?? [], scope: ss.scope ?? {}, span });
        }
      }
    }
    return out;
  }

  private select(path: string, which: 'delivered' | 'refused' | 'all'): RecordedRequest[] {
    return this.requests.filter(
      (r) => r.path === path && r.error === undefined && (which === 'all' || (which === 'delivered' ? r.status === 200 : r.status === 503)),
    );
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((done) => server.close(() => done()));
  }
}
