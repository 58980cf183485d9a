import { request as httpRequest, Agent as HttpAgent, type IncomingMessage } from 'node:http';
import { request as httpsRequest, Agent as HttpsAgent } from 'node:https';
import { sdkPackage } from '../otel/sdk.js';
import { gunzipBody, gzipBody } from './gzip.js';
import { contentTypeOf, statusMessageOf, type OtlpEncoding } from './otlp-protobuf.js';
import type { LogTransport, SendOutcome } from './send-outcome.js';

/** Status codes OTLP/HTTP names retryable (as the OTel JS exporters and the Collector's exporterhelper do). */
const RETRYABLE = new Set([429, 502, 503, 504]);
/** Status codes that refuse the records a request carries: splitting the batch finds them. */
const REFUSED = new Set([400, 413, 422]);
/** A response body larger than this is not read (as in the OTel JS exporter). */
const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

export interface OtlpHttpTransportOptions {
  /** Full URL of the logs endpoint, e.g. `http://localhost:4318/v1/logs`. */
  url: string;
  /** Request headers (besides `Content-Type`, which is each request's own: see `LogTransport.send`). */
  headers?: () => Promise<Record<string, string>>;
  compression?: 'gzip' | 'none';
  /** Most requests in flight on the keep-alive agent. Default 4. */
  maxSockets?: number;
  /** The partial-success counter of the signal: `rejectedLogRecords` (default) or `rejectedSpans`. */
  rejectedField?: 'rejectedLogRecords' | 'rejectedSpans';
  /**
   * TLS of an `https:` endpoint (ignored for `http:`): `ca`, the PEM
   * certificates the endpoint's certificate is checked against instead of
   * Node's bundled roots; `cert` and `key`, the client's PEM certificate
   * chain and private key for mutual TLS (both or neither).
   */
  tls?: OtlpTls;
}

/** PEM text or bytes of an OTLP/HTTP client's TLS files (`OTEL_EXPORTER_OTLP_CERTIFICATE`, `_CLIENT_CERTIFICATE`, `_CLIENT_KEY`). */
export interface OtlpTls {
  ca?: string | Buffer;
  cert?: string | Buffer;
  key?: string | Buffer;
}

/** Longest `Retry-After` honoured, in ms: a longer one is cut to this. */
export const MAX_RETRY_AFTER_MS = 60_000;

/**
 * `Retry-After` as milliseconds, or `undefined` when it is not a usable
 * delay: only a positive integer of delay-seconds (`1`, `30`) or an
 * HTTP-date in the future (RFC 9110 §10.2.3) counts. `0`, a date in the
 * past, `1.5`, `-1` and anything else are `undefined`, and the caller uses
 * its normal exponential backoff, as the Collector's exporters do (their
 * delay is the larger of the backoff and the server's throttle). A delay
 * over {@link MAX_RETRY_AFTER_MS} (60 s) is cut to it.
 *
 * @internal The transport's own reading; not part of the package's API.
 * @example
 * parseRetryAfter('3'); // 3000
 * parseRetryAfter('0'); // undefined: use the backoff
 */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  const v = value?.trim();
  if (v === undefined || v === '') return undefined;
  let ms: number;
  if (/^\d+$/.test(v)) ms = Number(v) * 1000;
  else if (
    /^[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(v) ||
    /^[A-Za-z]+, \d{2}-[A-Za-z]{3}-\d{2} \d{2}:\d{2}:\d{2} GMT$/.test(v) ||
    /^[A-Za-z]{3} [A-Za-z]{3} [ \d]\d \d{2}:\d{2}:\d{2} \d{4}$/.test(v)
  ) {
    const at = Date.parse(v);
    if (Number.isNaN(at)) return undefined;
    ms = at - now;
  } else return undefined;
  return ms > 0 ? Math.min(ms, MAX_RETRY_AFTER_MS) : undefined;
}

/**
 * The encoding of a response body: its `Content-Type`, else that of the
 * request (OTLP/HTTP: the server answers in the encoding of the request).
 */
function responseEncoding(res: IncomingMessage, sent: OtlpEncoding): OtlpEncoding | undefined {
  const type = (res.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/x-protobuf') return 'protobuf';
  if (type === 'application/json') return 'json';
  return type === '' ? sent : undefined;
}

/**
 * `partial_success` of an OTLP/HTTP response body (ExportLogsServiceResponse,
 * ExportTraceServiceResponse): protobuf read with the OTel JS response
 * deserializer, JSON parsed. An empty or unreadable body rejects nothing.
 */
function partialSuccess(body: Buffer, field: RejectedField, encoding: OtlpEncoding | undefined): { rejected: number; message?: string } {
  if (body.length === 0 || encoding === undefined) return { rejected: 0 };
  try {
    let p: ({ errorMessage?: string | undefined } & Partial<Record<RejectedField, unknown>>) | undefined;
    if (encoding === 'protobuf') {
      const t = sdkPackage('@opentelemetry/otlp-transformer');
      p = (field === 'rejectedSpans' ? t.ProtobufTraceSerializer : t.ProtobufLogsSerializer).deserializeResponse(body).partialSuccess as typeof p;
    } else {
      p = (JSON.parse(body.toString('utf8')) as { partialSuccess?: typeof p }).partialSuccess;
    }
    const rejected = Number(p?.[field] ?? 0);
    return { rejected: Number.isFinite(rejected) ? rejected : 0, ...(p?.errorMessage ? { message: p.errorMessage } : {}) };
  } catch {
    return { rejected: 0 }; // not an OTLP response: nothing more to learn
  }
}

/** The human reason of an error response: OTLP puts a `google.rpc.Status` (`message`) in the body, in the response's encoding. */
function reasonOf(res: IncomingMessage, body: Buffer, encoding: OtlpEncoding | undefined): string {
  if (encoding === 'protobuf') {
    const message = statusMessageOf(body);
    if (message !== undefined) return `${res.statusCode} ${message}`;
  }
  const text = body.toString('utf8').slice(0, 2_000);
  try {
    const parsed = JSON.parse(text) as { message?: string };
    if (typeof parsed.message === 'string') return `${res.statusCode} ${parsed.message}`;
  } catch {
    // plain text body
  }
  return `${res.statusCode} ${text || res.statusMessage || ''}`.trim();
}

type RejectedField = 'rejectedLogRecords' | 'rejectedSpans';

/**
 * OTLP/HTTP transport for log records or spans, on `node:http`: one POST per
 * batch, with the `Content-Type` of the body's encoding
 * (`application/x-protobuf` or `application/json`), the answer classified
 * as a `SendOutcome` (a partial success read in the response's encoding).
 * It does not retry: the `DurableLogRecordProcessor` keeps the records and
 * decides.
 *
 * @example
 * const transport = createOtlpHttpTransport({ url: 'http://localhost:4318/v1/logs' });
 * const outcome = await transport.send(body, 10_000); // { kind: 'accepted', rejected: 0 }
 */
export function createOtlpHttpTransport(options: OtlpHttpTransportOptions): LogTransport {
  const url = new URL(options.url);
  const https = url.protocol === 'https:';
  const maxSockets = options.maxSockets ?? 4;
  // The TLS options go on each request too: a request without the pooled agent (the probe) makes its connection with them.
  const tls = https ? (options.tls ?? {}) : {};
  const agent = https ? new HttpsAgent({ keepAlive: true, maxSockets, ...tls }) : new HttpAgent({ keepAlive: true, maxSockets });
  const request = https ? httpsRequest : httpRequest;
  const headersOf = options.headers ?? (() => Promise.resolve({}));
  const gzip = options.compression === 'gzip';
  const rejectedField = options.rejectedField ?? 'rejectedLogRecords';

  const post = async (
    body: Uint8Array,
    timeoutMs: number,
    signal: AbortSignal | undefined,
    pooled: boolean,
    encoding: 'gzip' | undefined,
    format: OtlpEncoding,
  ): Promise<SendOutcome> => {
    const headers: Record<string, string> = { ...(await headersOf().catch(() => ({}))), 'Content-Type': contentTypeOf(format) };
    // A body held gzip-compressed goes out as it is when the endpoint is sent gzip; else it is decompressed once here.
    const payload = gzip ? (encoding === 'gzip' ? body : gzipBody(body)) : encoding === 'gzip' ? gunzipBody(body) : body;
    if (gzip) headers['Content-Encoding'] = 'gzip';
    return new Promise<SendOutcome>((resolve) => {
      let settled = false;
      const done = (o: SendOutcome) => {
        if (!settled) {
          settled = true;
          resolve(o);
        }
      };
      const req = request(
        url,
        { method: 'POST', headers: { ...headers, 'Content-Length': String(payload.length) }, agent: pooled ? agent : false, ...tls },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            size += c.length;
            if (size <= MAX_RESPONSE_BYTES) chunks.push(c);
          });
          res.on('error', (e) => done({ kind: 'retryable', reason: `reading the response failed: ${e.message}` }));
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            const data = Buffer.concat(chunks);
            const answeredIn = responseEncoding(res, format);
            if (status >= 200 && status < 300) return done({ kind: 'accepted', ...partialSuccess(data, rejectedField, answeredIn) });
            const reason = reasonOf(res, data, answeredIn);
            if (REFUSED.has(status)) return done({ kind: 'refused', status, reason });
            // 429/502/503/504 by OTLP's rules; anything else is not about the records (see SendOutcome).
            const retryAfterMs = RETRYABLE.has(status) ? parseRetryAfter(res.headers['retry-after']) : undefined;
            done({ kind: 'retryable', status, reason, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) });
          });
        },
      );
      // A timeout is a retry decision, not a failure: the endpoint may still take the request.
      req.setTimeout(timeoutMs, () => {
        done({ kind: 'retryable', reason: `no response within ${timeoutMs} ms`, timedOut: true });
        req.destroy();
      });
      req.on('error', (e) => done({ kind: 'retryable', reason: `${(e as NodeJS.ErrnoException).code ?? 'error'}: ${e.message}` }));
      if (signal) {
        const abandon = () => {
          done({ kind: 'retryable', reason: `abandoned: ${String(signal.reason ?? 'aborted')}`, abandoned: true });
          req.destroy();
        };
        if (signal.aborted) abandon();
        else signal.addEventListener('abort', abandon, { once: true });
      }
      req.end(payload);
    });
  };

  return {
    endpoint: options.url,
    acceptsGzip: true,
    send: (body, timeoutMs, signal, encoding, format = 'json') => post(body, timeoutMs, signal, true, encoding, format),
    // A connection of its own: the pooled sockets may all be stuck on an endpoint that hung.
    probe: (body, timeoutMs, format = 'json') => post(body, timeoutMs, AbortSignal.timeout(timeoutMs), false, undefined, format),
    shutdown() {
      agent.destroy();
    },
  };
}
