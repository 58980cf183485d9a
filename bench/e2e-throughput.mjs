#!/usr/bin/env node
/**
 * End-to-end throughput through the real OpenTelemetry Collector into real
 * Loki: a burst of the nested event (the one of bench/emit.bench.ts) emitted
 * in one synchronous loop, then counted in Loki until every record has
 * arrived. events/s = burst / (last arrival - first emit).
 *
 * Cases, each in a fresh child process, in a rotating order per run:
 *   factline   factline's default pipeline (createOtelPipeline: durable
 *              delivery, 64 MiB buffer, OTLP/HTTP protobuf), with validation
 *   factline-json  the same with OTEL_EXPORTER_OTLP_PROTOCOL=http/json
 *              (OTLP JSON bodies; not in the default cases)
 *   raw-json   the raw OTel SDK: BatchLogRecordProcessor (queue = burst) +
 *              the OTLP/HTTP JSON exporter
 *   raw-proto  the same with the OTLP/HTTP protobuf exporter (the
 *              specification's default protocol)
 *   factline-before  with `--before <dir>`: factline's default pipeline
 *              as built in another checkout (`<dir>/dist`), e.g. the
 *              commit before a change, to compare in the same run
 *
 * Each process runs on after its loop as a service would, and shuts down
 * once its pipeline has exported the whole burst (factline: nothing
 * pending; the raw SDK: its exporter reported every record exported).
 *
 * "Last arrival" is the first poll (every POLL_MS, default 500) at which
 * `sum(count_over_time({service_name="<run>"}[1h]))` reaches the burst
 * (a count past it is lines Loki holds twice, from the Collector's retries
 * of requests Loki answered 503 after taking part of them; reported as
 * `duplicates`); a
 * case that stops gaining for STALL_MS (default 60000) is reported with
 * what arrived. Not part of `npm test` (it needs running backends and takes
 * minutes).
 *
 * Usage (after `npm run build`), with a Loki and a Collector running (the
 * project's docker-compose.yml, or Loki and the Collector started with the
 * configs under collector-config/):
 *
 *   FACTLINE_OTLP_ENDPOINT=http://127.0.0.1:4318 FACTLINE_LOKI_URL=http://127.0.0.1:3100 \
 *     node bench/e2e-throughput.mjs [--burst 200000] [--runs 3] [--cases factline,raw-json,raw-proto] [--before ../other-checkout]
 *
 * Prints one line per case and run, then the median events/s per case and
 * its ratio to raw-json and raw-proto.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));

const nested = {
  order_id: 'ord_5f2c9a1e',
  status: 'paid',
  customer: { id: '550e8400-e29b-41d4-a716-446655440000', country: 'DE', tier: 'pro' },
  items: [
    { sku: 'SKU-1001', qty: 2, price_cents: 1299 },
    { sku: 'SKU-2002', qty: 1, price_cents: 4999 },
    { sku: 'SKU-3003', qty: 5, price_cents: 199 },
  ],
  tags: ['web', 'promo', 'first-order'],
  total_cents: 8592,
  channel: 'web',
};

/** The child: emits the burst with one case's pipeline, prints when its loop started and ended, and exits once all is exported. */
async function child(kind, service, burst, endpoint, root) {
  const say = (o) => process.stdout.write(`${JSON.stringify(o)}\n`);
  if (kind.startsWith('factline')) {
    const { z } = await import('zod');
    const { createOtelPipeline } = await import(`${root}/dist/src/otel/index.js`);
    const { createEmitter, defineCatalog } = await import(`${root}/dist/src/index.js`);
    const catalog = defineCatalog({
      'shop.order.placed:1': z.object({
        order_id: z.string().regex(/^ord_[0-9a-f]{8}$/),
        status: z.enum(['placed', 'paid', 'shipped']),
        customer: z.object({ id: z.string().length(36), country: z.string().length(2), tier: z.enum(['free', 'pro', 'enterprise']) }),
        items: z.array(z.object({ sku: z.string().min(1).max(32), qty: z.number().int().positive(), price_cents: z.number().int().nonnegative() })).max(100),
        tags: z.array(z.string().max(32)),
        total_cents: z.number().int().nonnegative(),
        channel: z.string().min(1).max(16),
      }),
    });
    const pipeline = createOtelPipeline(
      { registerGlobals: false, serviceName: service },
      {
        OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
        OTEL_TRACES_EXPORTER: 'none',
        ...(kind === 'factline-json' ? { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' } : {}),
      },
    );
    const problems = {};
    const events = createEmitter(catalog, {
      sinks: [pipeline.sink],
      validation: 'report',
      onProblem: (p) => {
        problems[p.code] = (problems[p.code] ?? 0) + 1;
      },
    });
    const t0 = Date.now();
    for (let i = 0; i < burst; i++) events.emit('shop.order.placed:1', nested);
    const t1 = Date.now();
    const held = pipeline.delivery.stats();
    say({ t0, t1, bufferBytes: held.bufferBytes, dropped: held.dropped });
    // A running service goes on delivering: wait for the buffer to drain before shutdown (its flush budget is 5 s).
    for (const until = Date.now() + 600_000; pipeline.delivery.stats().pending > 0 && Date.now() < until; ) await new Promise((r) => setTimeout(r, 50));
    await events.shutdown();
    say({ done: Date.now(), stats: pipeline.delivery.stats(), problems });
    return;
  }
  const { LoggerProvider, BatchLogRecordProcessor } = await import('@opentelemetry/sdk-logs');
  const { resourceFromAttributes } = await import('@opentelemetry/resources');
  const { SeverityNumber } = await import('@opentelemetry/api-logs');
  const { OTLPLogExporter } = await import(kind === 'raw-proto' ? '@opentelemetry/exporter-logs-otlp-proto' : '@opentelemetry/exporter-logs-otlp-http');
  // Counts what the exporter got through, so that the process waits for it as a running service would.
  const otlp = new OTLPLogExporter({ url: `${endpoint}/v1/logs` });
  let exported = 0;
  const exporter = {
    export: (records, done) =>
      otlp.export(records, (result) => {
        if (result.code === 0) exported += records.length;
        done(result);
      }),
    shutdown: () => otlp.shutdown(),
    forceFlush: () => otlp.forceFlush(),
  };
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': service }),
    processors: [new BatchLogRecordProcessor({ exporter, maxQueueSize: burst })],
  });
  const logger = provider.getLogger('bench');
  const t0 = Date.now();
  for (let i = 0; i < burst; i++) {
    const now = Date.now();
    logger.emit({
      eventName: 'shop.order.placed',
      timestamp: now,
      observedTimestamp: now,
      severityNumber: SeverityNumber.INFO,
      severityText: 'INFO',
      body: nested,
      attributes: {
        'factline.event.id': 'shop.order.placed:1',
        'factline.event.domain': 'shop',
        'factline.event.entity': 'order',
        'factline.event.action': 'placed',
        'factline.event.version': 1,
        'factline.catalog': 'default',
        'factline.event.instance_id': randomUUID(),
        'factline.event.schema_version': 1,
        'factline.source.type': 'runtime',
      },
    });
  }
  say({ t0, t1: Date.now() });
  // Its batch processor exports one batch at a time (shutdown would flush the whole queue at once): wait, then shut down.
  for (const until = Date.now() + 600_000; exported < burst && Date.now() < until; ) await new Promise((r) => setTimeout(r, 50));
  await provider.shutdown();
  say({ done: Date.now() });
}

/** Records of the service in Loki now. */
async function countIn(loki, service) {
  const query = `sum(count_over_time({service_name="${service}"}[1h]))`;
  const res = await fetch(`${loki}/loki/api/v1/query?${new URLSearchParams({ query, time: String(Date.now() * 1e6) })}`);
  if (!res.ok) throw new Error(`Loki answered ${res.status}: ${await res.text()}`);
  const body = await res.json();
  return Number(body.data.result[0]?.value[1] ?? 0);
}

async function runCase(kind, burst, endpoint, loki, pollMs, stallMs, before) {
  const service = `e2e-${kind}-${Date.now().toString(36)}`;
  const root = kind === 'factline-before' ? resolve(before) : ROOT;
  const args = ['--child', kind, '--service', service, '--burst', String(burst), '--root', root];
  const proc = spawn(process.execPath, [fileURLToPath(import.meta.url), ...args], {
    cwd: ROOT,
    env: { ...process.env, FACTLINE_OTLP_ENDPOINT: endpoint },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = [];
  let buffered = '';
  proc.stdout.on('data', (d) => {
    buffered += d;
    for (let i = buffered.indexOf('\n'); i !== -1; i = buffered.indexOf('\n')) {
      lines.push(JSON.parse(buffered.slice(0, i)));
      buffered = buffered.slice(i + 1);
    }
  });
  const exited = new Promise((resolve) => proc.on('exit', resolve));
  while (lines.length === 0) await new Promise((r) => setTimeout(r, 50));
  const { t0, t1, bufferBytes, dropped } = lines[0];
  let arrived = 0;
  let lastGain = Date.now();
  let at = 0;
  while (arrived < burst && Date.now() - lastGain < stallMs) {
    await new Promise((r) => setTimeout(r, pollMs));
    const n = await countIn(loki, service);
    if (n > arrived) lastGain = Date.now();
    arrived = n;
    at = Date.now();
  }
  await exited;
  const seconds = (at - t0) / 1000;
  return {
    kind,
    service,
    arrived,
    loopMs: t1 - t0,
    seconds,
    perSecond: arrived >= burst ? burst / seconds : Number.NaN,
    // Lines Loki holds twice: the Collector retries a request Loki answered 503 after taking part of it (at-least-once).
    duplicates: Math.max(0, arrived - burst),
    ...(bufferBytes !== undefined ? { heldBytesPerRecord: bufferBytes / burst, droppedInLoop: dropped } : {}),
    ...(lines[1]?.stats ? { delivered: lines[1].stats.delivered, dropped: lines[1].stats.dropped, problems: lines[1].problems } : {}),
  };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const { values } = parseArgs({
  options: {
    child: { type: 'string' },
    service: { type: 'string' },
    root: { type: 'string' },
    before: { type: 'string' },
    burst: { type: 'string', default: '200000' },
    runs: { type: 'string', default: '3' },
    cases: { type: 'string', default: 'factline,raw-json,raw-proto' },
    'poll-ms': { type: 'string', default: '500' },
    'stall-ms': { type: 'string', default: '60000' },
  },
});
const burst = Number(values.burst);
const endpoint = process.env.FACTLINE_OTLP_ENDPOINT ?? 'http://127.0.0.1:4318';
if (values.child) {
  await child(values.child, values.service, burst, endpoint, values.root);
} else {
  const loki = process.env.FACTLINE_LOKI_URL ?? 'http://127.0.0.1:3100';
  const cases = [...values.cases.split(','), ...(values.before ? ['factline-before'] : [])];
  const results = [];
  process.stdout.write(`e2e: ${burst} nested events per case in one loop, node ${process.version}, Collector ${endpoint}, Loki ${loki}\n`);
  for (let run = 0; run < Number(values.runs); run++) {
    // Rotate the order: each case goes first once in every len(cases) runs.
    const order = cases.map((_, i) => cases[(i + run) % cases.length]);
    for (const kind of order) {
      const r = await runCase(kind, burst, endpoint, loki, Number(values['poll-ms']), Number(values['stall-ms']), values.before);
      results.push(r);
      process.stdout.write(`run ${run + 1} ${JSON.stringify(r)}\n`);
    }
  }
  // Over the runs in which the whole burst arrived; a run that stalled short of it is listed above and left out.
  const complete = (k) => results.filter((r) => r.kind === k && Number.isFinite(r.perSecond)).map((r) => r.perSecond);
  const med = Object.fromEntries(cases.map((k) => [k, complete(k).length > 0 ? median(complete(k)) : Number.NaN]));
  for (const k of cases) {
    const ratios = ['raw-json', 'raw-proto']
      .filter((b) => b in med && b !== k)
      .map((b) => `${(med[k] / med[b]).toFixed(2)}x ${b}`)
      .join(', ');
    process.stdout.write(`${k.padEnd(10)} median ${Math.round(med[k])} events/s of ${complete(k).length} complete runs${ratios ? ` (${ratios})` : ''}\n`);
  }
}
