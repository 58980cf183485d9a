import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createOtlpTransport } from '../../src/otel/otlp-transport.js';

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('createOtlpTransport reads the OTLP variables from the env it is given', () => {
  it('takes endpoint and timeout from env, not from process.env', () => {
    vi.stubEnv('OTEL_EXPORTER_OTLP_ENDPOINT', 'http://from-process-env:4318');
    vi.stubEnv('OTEL_EXPORTER_OTLP_TIMEOUT', '1234');
    const logs = createOtlpTransport('logs', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector.example:4318', OTEL_EXPORTER_OTLP_TIMEOUT: '2500' });
    expect({ endpoint: logs.transport.endpoint, timeoutMillis: logs.timeoutMillis }).toEqual({
      endpoint: 'http://collector.example:4318/v1/logs',
      timeoutMillis: 2500,
    });
    // The signal's own variable wins over the shared one, as the specification says.
    const traces = createOtlpTransport('traces', {
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector.example:4318',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://tempo.example:4318/v1/traces',
    });
    expect(traces.transport.endpoint).toBe('http://tempo.example:4318/v1/traces');
    // An env without the variables means the specification's defaults, whatever process.env says.
    expect(createOtlpTransport('logs', {}).transport.endpoint).toBe('http://localhost:4318/v1/logs');
    expect(createOtlpTransport('logs', {}).timeoutMillis).toBe(10_000);
    // process.env is left as it was, and stays the default.
    expect(process.env.OTEL_EXPORTER_OTLP_ENDPOINT).toBe('http://from-process-env:4318');
    expect(createOtlpTransport('logs').transport.endpoint).toBe('http://from-process-env:4318/v1/logs');
  });

  it('sends the headers env names to the endpoint env names', async () => {
    const seen: { url: string | undefined; headers: IncomingHttpHeaders }[] = [];
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        seen.push({ url: req.url, headers: req.headers });
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end('{}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      vi.stubEnv('OTEL_EXPORTER_OTLP_HEADERS', 'x-from=process-env');
      const { port } = server.address() as AddressInfo;
      const { transport } = createOtlpTransport('logs', {
        OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: `http://127.0.0.1:${port}/v1/logs`,
        OTEL_EXPORTER_OTLP_HEADERS: 'x-tenant=acme,x-from=env',
      });
      const outcome = await transport.send(Buffer.from('{}'), 5_000);
      transport.shutdown?.();
      expect(outcome).toEqual({ kind: 'accepted', rejected: 0 });
      expect(seen.map((s) => ({ url: s.url, tenant: s.headers['x-tenant'], from: s.headers['x-from'] }))).toEqual([
        { url: '/v1/logs', tenant: 'acme', from: 'env' },
      ]);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
