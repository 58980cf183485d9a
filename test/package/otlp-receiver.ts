import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LOGS_SHAPE, TRACES_SHAPE } from '../../src/delivery/otlp-json.js';
import { decodeProtobufRequest } from '../../src/delivery/otlp-protobuf.js';

/*
 * An OTLP/HTTP receiver, in-process: it answers like a Collector and keeps
 * every request body it accepted, as OTLP JSON. It takes OTLP's JSON
 * encoding (the `http/json` protocol) and the binary protobuf one
 * (`http/protobuf`, read with factline's decoder to the same OTLP JSON);
 * `requests` says which each request was.
 */
export interface OtlpJsonLogRecord {
  traceId?: string;
  spanId?: string;
  eventName?: string;
  attributes?: { key: string; value: Record<string, unknown> }[];
}
export interface OtlpJsonSpan {
  traceId: string;
  spanId: string;
  name: string;
  kind: number;
  events?: { name: string; attributes?: { key: string; value: Record<string, unknown> }[] }[];
}

export interface OtlpReceiver {
  readonly url: string;
  readonly requests: { path: string; contentType: string }[];
  logRecords(): OtlpJsonLogRecord[];
  spans(): OtlpJsonSpan[];
  close(): Promise<void>;
}

export async function startOtlpJsonReceiver(): Promise<OtlpReceiver> {
  const bodies: { path: string; body: any }[] = [];
  const requests: { path: string; contentType: string }[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '';
      const contentType = String(req.headers['content-type'] ?? '');
      requests.push({ path, contentType });
      const body = Buffer.concat(chunks);
      if (contentType.startsWith('application/x-protobuf')) {
        bodies.push({ path, body: decodeProtobufRequest(body, path === '/v1/traces' ? TRACES_SHAPE : LOGS_SHAPE) });
        res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
        return;
      }
      if (!contentType.startsWith('application/json')) {
        res.writeHead(415).end();
        return;
      }
      bodies.push({ path, body: JSON.parse(body.toString('utf8')) });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    logRecords: () =>
      bodies.filter((b) => b.path === '/v1/logs').flatMap((b) => b.body.resourceLogs.flatMap((r: any) => r.scopeLogs.flatMap((s: any) => s.logRecords))),
    spans: () =>
      bodies.filter((b) => b.path === '/v1/traces').flatMap((b) => b.body.resourceSpans.flatMap((r: any) => r.scopeSpans.flatMap((s: any) => s.spans))),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The string value of an OTLP JSON attribute. */
export function attr(rec: { attributes?: { key: string; value: Record<string, unknown> }[] }, key: string): unknown {
  const a = rec.attributes?.find((x) => x.key === key);
  return a === undefined ? undefined : Object.values(a.value)[0];
}
