import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/*
 * An OTLP/HTTP receiver for OTLP's JSON encoding (the exporters'
 * `http/json` protocol), in-process: it answers like a Collector and keeps
 * every request body it accepted.
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
      if (!contentType.startsWith('application/json')) {
        res.writeHead(415).end();
        return;
      }
      bodies.push({ path, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
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
