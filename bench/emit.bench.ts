/*
 * npm run bench: factline against the raw OpenTelemetry SDK and pino, in one
 * run, on the same payload. Not a test: timings vary by machine and load, so
 * nothing here asserts a time; it prints figures and ratios. Three groups:
 *
 * - emit: ns per event against the raw SDK's `logger.emit` of the same
 *   record, and inside an active recording span against the raw SDK's
 *   `logger.emit` plus `span.addEvent` with the same attributes; for a flat
 *   4-field payload in a burst and at one event per millisecond (a clock
 *   that moves 1 ms per event, so no time string is ever reused), and for a
 *   nested 7-field payload (an object, an array of 3 objects, a string
 *   array; enum, regex and length checks). Every OTel
 *   case uses the same BatchLogRecordProcessor with an exporter that does
 *   nothing, so the cost measured is the caller's: building the record and
 *   queueing it. Events are emitted in synchronous chunks that fit the queue,
 *   and the queue is flushed between chunks outside the timed region, so no
 *   case gets cheaper by having its records dropped on a full queue.
 * - files: events/s into a real file, pino (async sonic-boom) against the
 *   JSONL sink with the hash chain on; each chunk is timed until its bytes
 *   are written (pino's flush, the end of the sink's tick), and with
 *   `fsync: 'always'` until `flush()` resolves (on disk).
 * - readers: CPU seconds of `factline validate` (a mixed Intent file) and
 *   `factline verify`, each its own process as the CLI runs, against a
 *   floor process that reads and parses (and hashes, as verify does) every line.
 *
 * BENCH_GROUPS (comma-separated: pipeline, files, readers; default all)
 * chooses the groups that run after emit; empty runs emit alone.
 * BENCH_ONLY=readers runs the readers group alone, without emit.
 * BENCH_BEFORE=<dir> (another checkout of factline, built: `<dir>/dist`,
 * `<dir>/node_modules`) adds that build's factline cases to the same run,
 * each printed under the row it matches with its ratio to the same raw
 * case: a before/after comparison on one machine state. It covers the emit
 * rows with a goal and the readers (`validate`, `verify`).
 *
 * Cases are interleaved round by round, in a new random order each round,
 * with the young generation collected (untimed) before each, so that no
 * case pays for another's short-lived garbage; medians are taken by wall clock and by the process's
 * CPU time (steadier on a shared machine), and each CPU ratio is the median
 * of the ratios taken round by round. Every case counts what it produced (log records
 * exported, span events recorded, lines read) and the run fails when a
 * count is not what it should be: nothing is timed that did nothing.
 */
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { ExportResultCode } from '@opentelemetry/core';
import { type AnyValue, SeverityNumber } from '@opentelemetry/api-logs';
import { BatchLogRecordProcessor, LoggerProvider, type LogRecordExporter } from '@opentelemetry/sdk-logs';
import { BasicTracerProvider, type ReadableSpan, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as OTLPProtoLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pino from 'pino';
import { z } from 'zod';
import { defineCatalog } from '../src/catalog/index.js';
import { createEmitter } from '../src/emitter/index.js';
import { createOtelSink } from '../src/otel/sink.js';
import { createOtelPipeline } from '../src/otel/setup.js';
import { countProtobufRecords } from '../src/delivery/otlp-protobuf.js';
import { createJsonlSink } from '../src/sinks/jsonl/index.js';
import { intentCatalog } from '../src/intent/catalog.js';
import { createIntentFileSink } from '../src/intent/flat.js';

/** The collector, callable (as `node --expose-gc` gives it): the bench collects between cases, untimed. */
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as (options?: { type: 'minor' | 'major' }) => void;

const CHUNK = 2000;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 60);
const WARMUP_ROUNDS = 5;
/** Rounds of the file cases (each writes real files). */
const FILE_ROUNDS = Number(process.env.BENCH_FILE_ROUNDS ?? 20);
/** Events per chunk with fsync: 'always' (one disk flush each before group commit). */
const FSYNC_CHUNK = 100;
/** Lines of the files that validate and verify read, and runs of each. */
const READ_LINES = Number(process.env.BENCH_READ_LINES ?? 200_000);
const READ_REPS = Number(process.env.BENCH_READ_REPS ?? 3);
/** The groups to run after emit, from BENCH_GROUPS (comma-separated: pipeline, files, readers); default all. */
/** Another built checkout whose factline cases run beside this one's (see the file's comment). */
const BEFORE = process.env.BENCH_BEFORE?.trim() || undefined;
const GROUPS = new Set((process.env.BENCH_GROUPS ?? 'pipeline,files,readers').split(',').map((g) => g.trim()));

const payload = { user_id: '550e8400-e29b-41d4-a716-446655440000', ip: '192.168.1.42', method: 'password' as const, mfa: true };
/** The nested payload: an object, an array of 3 objects, a string array; enum, regex and length checks. */
const nested = {
  order_id: 'ord_5f2c9a1e',
  status: 'paid' as const,
  customer: { id: '550e8400-e29b-41d4-a716-446655440000', country: 'DE', tier: 'pro' as const },
  items: [
    { sku: 'SKU-1001', qty: 2, price_cents: 1299 },
    { sku: 'SKU-2002', qty: 1, price_cents: 4999 },
    { sku: 'SKU-3003', qty: 5, price_cents: 199 },
  ],
  tags: ['web', 'promo', 'first-order'],
  total_cents: 8592,
  channel: 'web',
};
const nestedSchema = z.object({
  order_id: z.string().regex(/^ord_[0-9a-f]{8}$/),
  status: z.enum(['placed', 'paid', 'shipped']),
  customer: z.object({ id: z.string().length(36), country: z.string().length(2), tier: z.enum(['free', 'pro', 'enterprise']) }),
  items: z.array(z.object({ sku: z.string().min(1).max(32), qty: z.number().int().positive(), price_cents: z.number().int().nonnegative() })).max(100),
  tags: z.array(z.string().max(32)),
  total_cents: z.number().int().nonnegative(),
  channel: z.string().min(1).max(16),
});

/** The bench's catalog definitions, built with a given zod (the before build's catalog takes schemas of its own zod copy). */
const definitionsWith = (zz: typeof z, nestedOf: typeof nestedSchema) => ({
  'auth.user.login:1': zz.object({ user_id: zz.string(), ip: zz.string(), method: zz.enum(['password', 'oauth']), mfa: zz.boolean() }),
  'auth.user.debugged:1': {
    schema: zz.object({ user_id: zz.string(), ip: zz.string(), method: zz.enum(['password', 'oauth']), mfa: zz.boolean() }),
    severity: 'DEBUG' as const,
  },
  'shop.order.placed:1': nestedOf,
});
const catalog = defineCatalog(definitionsWith(z, nestedSchema));

/** What the bench uses of the before build's emitter. */
interface BenchEmitter {
  emit(id: string, payload: unknown): unknown;
  stats(): { emitted: number; invalid: number };
}

/** The before build's factline, loaded from `BENCH_BEFORE`: its emitter over its catalog, writing to a given logger. */
async function loadBefore(dir: string): Promise<{ label: string; emitterOn: (logger: unknown, options: Record<string, unknown>) => BenchEmitter }> {
  const url = (p: string) => pathToFileURL(join(dir, p)).href;
  const root = (await import(url('dist/src/index.js'))) as { createEmitter: (c: unknown, o: unknown) => BenchEmitter; defineCatalog: (d: unknown) => unknown };
  const otel = (await import(url('dist/src/otel/index.js'))) as { createOtelSink: (o: unknown) => unknown };
  const zb = ((await import(url('node_modules/zod/index.js'))) as { z: typeof z }).z;
  const nestedBefore = zb.object({
    order_id: zb.string().regex(/^ord_[0-9a-f]{8}$/),
    status: zb.enum(['placed', 'paid', 'shipped']),
    customer: zb.object({ id: zb.string().length(36), country: zb.string().length(2), tier: zb.enum(['free', 'pro', 'enterprise']) }),
    items: zb.array(zb.object({ sku: zb.string().min(1).max(32), qty: zb.number().int().positive(), price_cents: zb.number().int().nonnegative() })).max(100),
    tags: zb.array(zb.string().max(32)),
    total_cents: zb.number().int().nonnegative(),
    channel: zb.string().min(1).max(16),
  });
  const beforeCatalog = root.defineCatalog(definitionsWith(zb, nestedBefore));
  let label = dir;
  try {
    const r = spawnSync('git', ['-C', dir, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' });
    if (r.status === 0) label = r.stdout.trim();
  } catch {
    // the directory's name stays the label
  }
  return { label, emitterOn: (logger, options) => root.createEmitter(beforeCatalog, { sinks: [otel.createOtelSink({ logger })], ...options }) };
}

/** The nested event's attributes, as factline writes them, built by hand as a literal (the cheapest way). */
const orderAttributesOf = (instanceId: string): Record<string, string | number | boolean | string[]> => ({
  'factline.event.id': 'shop.order.placed:1',
  'factline.event.domain': 'shop',
  'factline.event.entity': 'order',
  'factline.event.action': 'placed',
  'factline.event.version': 1,
  'factline.catalog': 'default',
  'factline.event.instance_id': instanceId,
  'factline.event.schema_version': 1,
  'factline.source.type': 'runtime',
});

/** An exporter that does nothing but count what it was given. */
function countingExporter(): LogRecordExporter & { count: number } {
  const e = {
    count: 0,
    export: (records: readonly unknown[], done: (r: { code: ExportResultCode }) => void) => {
      e.count += records.length;
      done({ code: ExportResultCode.SUCCESS });
    },
    shutdown: async () => {},
    forceFlush: async () => {},
  };
  return e;
}

/** A logger provider of its own per case, so that each case's exported records can be counted. */
function provider(): LoggerProvider & { exported: () => number } {
  const exporter = countingExporter();
  const p = new LoggerProvider({
    processors: [new BatchLogRecordProcessor({ exporter, maxQueueSize: CHUNK * 2, maxExportBatchSize: 512, scheduledDelayMillis: 60_000 })],
  }) as LoggerProvider & { exported: () => number };
  p.exported = () => exporter.count;
  return p;
}

/** A small seeded PRNG (mulberry32): the case order of each round, the same from run to run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Case {
  name: string;
  run: () => void;
  /** Untimed: empties the processor's queue between chunks. */
  flush: () => Promise<void>;
  /** Runs the chunk's loop (inside an active span, for example). Default: calls it. */
  wrap?: (loop: () => void) => void;
  /** Timed, after the loop: until the chunk's bytes are where the case promises (in the kernel, on disk). */
  settle?: () => Promise<void>;
  /** Events per chunk. Default {@link CHUNK}. */
  chunk?: number;
  /** Chunks this case has run (warm-up included), for its count check. */
  chunks?: number;
}

interface Median {
  /** Median wall-clock ns per event. */
  wall: number;
  /** Median CPU ns (user + system, of the whole process) per event: steadier on a loaded machine. */
  cpu: number;
  /** CPU ns per event of each round, for ratios taken round by round. */
  cpuRounds: number[];
}

/** The median over the rounds of a case's CPU time to its base's in the same round: what one machine state gives both. */
function roundRatio(m: Median, base: Median): number {
  return median(m.cpuRounds.map((c, r) => c / base.cpuRounds[r]!));
}

const median = (xs: number[]): number => {
  xs.sort((a, b) => a - b);
  return xs[Math.floor(xs.length / 2)]!;
};

/**
 * Runs every case once per round, so that whatever the machine does
 * meanwhile (GC, other processes, CPU frequency) falls on all cases alike;
 * each round runs the cases in a new random order, so that the garbage a
 * case leaves for the collector is not always collected on the clock of the
 * same next case. Returns each case's median ns per event over the rounds,
 * by wall clock and by the process's CPU time.
 */
async function measureAll(cases: readonly Case[], rounds = ROUNDS): Promise<Median[]> {
  const wall: number[][] = cases.map(() => []);
  const cpu: number[][] = cases.map(() => []);
  const random = prng(0x5eed + cases.length);
  const order = cases.map((_, k) => k);
  for (let r = 0; r < WARMUP_ROUNDS + rounds; r++) {
    for (let j = order.length - 1; j > 0; j--) {
      const i = Math.floor(random() * (j + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (const k of order) {
      const c = cases[k]!;
      const n = c.chunk ?? CHUNK;
      const loop = (): void => {
        for (let i = 0; i < n; i++) c.run();
      };
      // Untimed: the young generation collected, so that the case pays for its own short-lived garbage, never for its predecessor's.
      gc({ type: 'minor' });
      const c0 = process.cpuUsage();
      const t0 = process.hrtime.bigint();
      if (c.wrap) c.wrap(loop);
      else loop();
      if (c.settle) await c.settle();
      const t1 = process.hrtime.bigint();
      const c1 = process.cpuUsage(c0);
      await c.flush();
      c.chunks = (c.chunks ?? 0) + 1;
      if (r >= WARMUP_ROUNDS) {
        wall[k]!.push(Number(t1 - t0) / n);
        cpu[k]!.push(((c1.user + c1.system) * 1000) / n);
      }
    }
    if (r % 10 === 9) process.stderr.write(`  round ${r + 1} of ${WARMUP_ROUNDS + rounds}\n`);
  }
  return cases.map((_, k) => ({ wall: median([...wall[k]!]), cpu: median([...cpu[k]!]), cpuRounds: cpu[k]! }));
}

function printTable(title: string, rows: readonly [string, Median, Median | undefined, string?][]): void {
  const width = Math.max(...rows.map(([n]) => n.length));
  process.stdout.write(`\n${title}\n`);
  process.stdout.write('(ratio: of the wall-clock medians; CPU ratio: the median over rounds of CPU time to the base case in the same round)\n');
  process.stdout.write(
    `${'case'.padEnd(width)}  ${'ns/event'.padStart(9)}  ${'events/s'.padStart(10)}  ${'ratio'.padStart(7)}  ${'CPU ns'.padStart(8)}  ${'CPU ratio'.padStart(9)}  goal (CPU)\n`,
  );
  for (const [name, m, base, goal] of rows) {
    const ratio = base ? `${(m.wall / base.wall).toFixed(2)}x` : '';
    const cpuRatio = base ? `${roundRatio(m, base).toFixed(2)}x` : '';
    process.stdout.write(
      `${name.padEnd(width)}  ${m.wall.toFixed(0).padStart(9)}  ${(1e9 / m.wall).toFixed(0).padStart(10)}  ${ratio.padStart(7)}  ${m.cpu.toFixed(0).padStart(8)}  ${cpuRatio.padStart(9)}  ${goal ?? ''}\n`,
    );
  }
}

/** Counts the span events of every span that ends: the span cases' answers. */
class SpanEventCounter implements SpanProcessor {
  events = 0;
  onStart(): void {}
  onEnd(span: ReadableSpan): void {
    this.events += span.events.length;
  }
  forceFlush = async (): Promise<void> => {};
  shutdown = async (): Promise<void> => {};
}

async function main(): Promise<void> {
  if (process.env.BENCH_ONLY === 'readers') {
    const only = mkdtempSync(join(tmpdir(), 'factline-bench-'));
    try {
      await readers(only);
    } finally {
      rmSync(only, { recursive: true, force: true });
    }
    return;
  }
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const spanEvents = new SpanEventCounter();
  // Room for a whole chunk's events on one span (the SDK's default keeps 128 and drops the rest, which would time dropping).
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [spanEvents], spanLimits: { eventCountLimit: CHUNK } });
  const tracer = tracerProvider.getTracer('bench');
  // A recording span per chunk of a span case, ended after the chunk (its events counted then).
  let span = tracer.startSpan('request');
  const inSpan = (loop: () => void): void => context.with(trace.setSpan(context.active(), span), loop);
  const nextSpan = (): void => {
    span.end();
    span = tracer.startSpan('request');
  };

  const quiet = () => {};
  /** A clock that moves one millisecond per reading: one event per ms, every time string new. */
  let tick = Date.now();
  const perMs = (): number => ++tick;
  const dest = pino.destination({ dest: '/dev/null', sync: false, minLength: 4096 });
  await once(dest, 'ready');
  const logger = pino({ base: undefined }, dest);

  // The same record factline builds, written by hand: event name, body,
  // timestamps and the same attribute set (docs/mapping.md).
  // The raw cases build their attributes as a literal per event, the cheapest way by hand.
  const loginAttributes = (instanceId: string): Record<string, string | number | boolean | string[]> => ({
    'factline.event.id': 'auth.user.login:1',
    'factline.event.domain': 'auth',
    'factline.event.entity': 'user',
    'factline.event.action': 'login',
    'factline.event.version': 1,
    'factline.catalog': 'default',
    'factline.event.instance_id': instanceId,
    'factline.event.schema_version': 1,
    'factline.source.type': 'runtime',
  });
  type Attrs = Record<string, string | number | boolean | string[]>;
  /** The span event's attributes of the flat payload: the log record's plus the payload's fields. */
  const loginSpanFields = (attributes: Attrs): void => {
    attributes.user_id = payload.user_id;
    attributes.ip = payload.ip;
    attributes.method = payload.method;
    attributes.mfa = payload.mfa;
  };
  /** The same for the nested payload, as factline flattens it: nested object keys dotted, an array of strings as an array, an array of objects as JSON text. */
  const orderSpanFields = (attributes: Attrs): void => {
    attributes.order_id = nested.order_id;
    attributes.status = nested.status;
    attributes['customer.id'] = nested.customer.id;
    attributes['customer.country'] = nested.customer.country;
    attributes['customer.tier'] = nested.customer.tier;
    attributes.items = JSON.stringify(nested.items);
    attributes.tags = nested.tags;
    attributes.total_cents = nested.total_cents;
    attributes.channel = nested.channel;
  };

  type Provider = LoggerProvider & { exported: () => number };
  /**
   * A raw SDK case: `logger.emit` of the record factline builds, with a new
   * instance id per event; with `spanFields`, in the active span's context
   * and followed by `span.addEvent` with the same attributes plus the
   * payload's fields, as factline writes its span event.
   */
  const raw = (
    eventName: string,
    body: AnyValue,
    attributesOf: (instanceId: string) => Attrs,
    options: { clock?: () => number; spanFields?: (attributes: Attrs) => void } = {},
  ): { provider: Provider; run: () => void } => {
    const p = provider();
    const log = p.getLogger('bench');
    const clock = options.clock ?? Date.now;
    const spanFields = options.spanFields;
    const run = (): void => {
      const now = clock();
      const id = randomUUID();
      log.emit({
        eventName,
        timestamp: now,
        observedTimestamp: now,
        severityNumber: SeverityNumber.INFO,
        severityText: 'INFO',
        body,
        attributes: attributesOf(id),
        // Without a context the SDK takes the active one itself.
        context: spanFields ? context.active() : undefined,
      });
      if (spanFields) {
        const attributes = attributesOf(id);
        spanFields(attributes);
        span.addEvent(eventName, attributes, now);
      }
    };
    return { provider: p, run };
  };
  /** A factline case: an emitter with the OTel sink on a logger provider of its own. */
  const fl = (options: { validation: 'report' | 'off'; now?: () => number; filter?: { minSeverity: 'INFO' } }) => {
    const p = provider();
    const sink = createOtelSink({ logger: p.getLogger('factline') });
    return { provider: p, emitter: createEmitter(catalog, { sinks: [sink], onProblem: quiet, ...options }) };
  };

  const rawFlat = raw('auth.user.login', payload, loginAttributes);
  const rawFlatMs = raw('auth.user.login', payload, loginAttributes, { clock: perMs });
  const rawFlatSpan = raw('auth.user.login', payload, loginAttributes, { spanFields: loginSpanFields });
  const rawNested = raw('shop.order.placed', nested, orderAttributesOf);
  const rawNestedSpan = raw('shop.order.placed', nested, orderAttributesOf, { spanFields: orderSpanFields });

  const flReport = fl({ validation: 'report' });
  const flOff = fl({ validation: 'off' });
  const flFiltered = fl({ validation: 'report', filter: { minSeverity: 'INFO' } });
  const flMs = fl({ validation: 'report', now: perMs });
  const flSpan = fl({ validation: 'report' });
  const flNested = fl({ validation: 'report' });
  const flNestedOff = fl({ validation: 'off' });
  const flNestedSpan = fl({ validation: 'report' });
  // The before build's cases, each the same as this build's case of its letter.
  const before = BEFORE ? await loadBefore(BEFORE) : undefined;
  const flBefore = (options: { validation: 'report' | 'off'; now?: () => number }) => {
    const p = provider();
    return { provider: p, emitter: before!.emitterOn(p.getLogger('factline'), { onProblem: quiet, ...options }) };
  };

  /** What each case must have produced, checked after the run. */
  interface Expect {
    records?: () => number;
    spanEvents?: boolean;
  }
  /** A case that emits to a provider of its own: its queue flushed between chunks, its records counted; in a span, a new span per chunk. */
  const exporting = (name: string, run: () => void, p: Provider, inASpan = false): Case & Expect => ({
    name,
    run,
    flush: inASpan
      ? async () => {
          await p.forceFlush();
          nextSpan();
        }
      : () => p.forceFlush(),
    records: p.exported,
    ...(inASpan ? { wrap: inSpan, spanEvents: true } : {}),
  });
  const emitCases: (Case & Expect)[] = [
    exporting('(a) OTel SDK logger.emit (same record), batch + no-op', rawFlat.run, rawFlat.provider),
    exporting('(b) factline emit, validation on (report)', () => flReport.emitter.emit('auth.user.login:1', payload), flReport.provider),
    exporting('(c) factline emit, validation off', () => flOff.emitter.emit('auth.user.login:1', payload), flOff.provider),
    { name: '(d) factline emit, filtered out before any sink', run: () => flFiltered.emitter.emit('auth.user.debugged:1', payload), flush: async () => {} },
    {
      name: '(e) pino info() to /dev/null',
      run: () => logger.info(payload, 'auth.user.login'),
      flush: () => new Promise<void>((done) => dest.flush(() => done())),
    },
    exporting('(f) OTel SDK logger.emit + span.addEvent, in an active span', rawFlatSpan.run, rawFlatSpan.provider, true),
    exporting('(g) factline emit, validation on, in an active span', () => flSpan.emitter.emit('auth.user.login:1', payload), flSpan.provider, true),
    exporting('(h) OTel SDK logger.emit, one event per ms', rawFlatMs.run, rawFlatMs.provider),
    exporting('(i) factline emit, report, one event per ms', () => flMs.emitter.emit('auth.user.login:1', payload), flMs.provider),
    exporting('(j) OTel SDK logger.emit, nested payload', rawNested.run, rawNested.provider),
    exporting('(k) factline emit, nested payload, report', () => flNested.emitter.emit('shop.order.placed:1', nested), flNested.provider),
    exporting('(l) factline emit, nested payload, validation off', () => flNestedOff.emitter.emit('shop.order.placed:1', nested), flNestedOff.provider),
    exporting('(m) OTel SDK logger.emit + span.addEvent, nested, in a span', rawNestedSpan.run, rawNestedSpan.provider, true),
    exporting('(n) factline emit, nested, report, in a span', () => flNestedSpan.emitter.emit('shop.order.placed:1', nested), flNestedSpan.provider, true),
  ];
  const beforeEmitters: { provider: Provider; emitter: BenchEmitter }[] = [];
  if (before) {
    const add = (letter: string, what: string, id: string, p: unknown, options: { validation: 'report' | 'off'; now?: () => number }, inASpan = false) => {
      const b = flBefore(options);
      beforeEmitters.push(b);
      emitCases.push(exporting(`(${letter}.b) before (${before.label}): ${what}`, () => b.emitter.emit(id, p), b.provider, inASpan));
    };
    add('g', 'flat, report, in an active span', 'auth.user.login:1', payload, { validation: 'report' }, true);
    add('i', 'flat, report, one event per ms', 'auth.user.login:1', payload, { validation: 'report', now: perMs });
    add('k', 'nested payload, report', 'shop.order.placed:1', nested, { validation: 'report' });
    add('l', 'nested payload, validation off', 'shop.order.placed:1', nested, { validation: 'off' });
    add('n', 'nested, report, in a span', 'shop.order.placed:1', nested, { validation: 'report' }, true);
  }

  process.stdout.write(
    `factline bench: node ${process.version}, cases interleaved in a random order per round, medians over ${ROUNDS} rounds (files: ${FILE_ROUNDS}); CPU = the process's user+system time\n`,
  );
  const m = await measureAll(emitCases);
  const byName = (letter: string): number => emitCases.findIndex((c) => c.name.startsWith(`(${letter})`));
  type Row = [string, Median, Median | undefined, string?];
  const row = (letter: string, base?: string, goal?: string): Row[] => {
    const own: Row = [emitCases[byName(letter)]!.name, m[byName(letter)]!, base ? m[byName(base)]! : undefined, goal];
    // The before build's case of the same letter, if it ran, under it.
    const b = emitCases.findIndex((c) => c.name.startsWith(`(${letter}.b)`));
    return b === -1 ? [own] : [own, [emitCases[b]!.name, m[b]!, base ? m[byName(base)]! : undefined, goal]];
  };
  printTable(`emit: ${CHUNK} events per chunk; each ratio to the raw SDK doing the same work in the same run`, [
    ...row('a', 'a'),
    ...row('b', 'a'),
    ...row('c', 'a'),
    ...row('d'),
    ...row('e', 'a'),
    ...row('f', 'a'),
    ...row('g', 'f', '<= 1.3x'),
    ...row('h', 'h'),
    ...row('i', 'h', '<= 1.3x'),
    ...row('j', 'j'),
    ...row('k', 'j', '<= 1.3x'),
    ...row('l', 'j', '<= 1.1x'),
    ...row('m', 'm'),
    ...row('n', 'm', '<= 1.3x'),
  ]);

  // The answers: every emitted event exported once, every span case's events on its spans.
  nextSpan();
  let expectedSpanEvents = 0;
  for (const c of emitCases) {
    const n = (c.chunks ?? 0) * (c.chunk ?? CHUNK);
    if (c.records && c.records() !== n) throw new Error(`${c.name}: ${c.records()} log records exported, ${n} emitted: the benchmark is wrong`);
    if (c.spanEvents) expectedSpanEvents += n;
  }
  if (spanEvents.events !== expectedSpanEvents)
    throw new Error(`span events recorded: ${spanEvents.events}, expected ${expectedSpanEvents}: the benchmark is wrong`);
  if (flFiltered.emitter.stats().emitted !== 0) throw new Error('the filtered case emitted events: the benchmark is wrong');
  for (const e of [flReport, flMs, flSpan, flNested, flNestedSpan, ...beforeEmitters])
    if (e.emitter.stats().invalid !== 0) throw new Error('a valid payload was flagged invalid: the benchmark is wrong');
  process.stdout.write(
    `checked: ${emitCases.filter((c) => c.records).length} cases exported every record they emitted; ${spanEvents.events} span events recorded\n`,
  );
  await Promise.all(
    [
      rawFlat,
      rawFlatMs,
      rawFlatSpan,
      rawNested,
      rawNestedSpan,
      flReport,
      flOff,
      flFiltered,
      flMs,
      flSpan,
      flNested,
      flNestedOff,
      flNestedSpan,
      ...beforeEmitters,
    ].map((x) => x.provider.shutdown()),
  );
  span.end();

  if (GROUPS.has('pipeline')) await pipelineBurst();

  const dir = mkdtempSync(join(tmpdir(), 'factline-bench-'));
  try {
    if (GROUPS.has('files')) await files(dir);
    if (GROUPS.has('readers')) await readers(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Events in the burst through the default pipeline. */
const BURST = Number(process.env.BENCH_BURST ?? 200_000);

/**
 * A healthy OTLP/HTTP endpoint on 127.0.0.1: answers every request 200 at
 * once and counts the log records it was sent (in OTLP JSON each has one
 * `timeUnixNano`; a protobuf body's are counted at the wire level).
 */
async function otlpEndpoint(): Promise<{ url: string; records: () => number; close: () => Promise<void> }> {
  let records = 0;
  const server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (b: Buffer) => parts.push(b));
    req.on('end', () => {
      let body = Buffer.concat(parts);
      if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
      const protobuf = req.headers['content-type'] === 'application/x-protobuf';
      if (req.url === '/v1/logs') {
        if (protobuf) records += countProtobufRecords(body);
        else {
          const text = body.toString('utf8');
          for (let i = text.indexOf('"timeUnixNano"'); i !== -1; i = text.indexOf('"timeUnixNano"', i + 1)) records++;
        }
      }
      if (protobuf) res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
      else res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, records: () => records, close: () => new Promise((done) => server.close(() => done())) };
}

/**
 * The default pipeline (`createOtelPipeline`: durable delivery, 64 MiB
 * buffer, no spool) against the raw SDK (BatchLogRecordProcessor + the OTLP
 * HTTP/JSON exporter, its queue sized to hold the burst) taking a burst of
 * the nested event in one synchronous loop, each to its own healthy
 * endpoint: the emit rate (CPU), the memory each held record takes (heap
 * and buffers after a full collection, per record), and what arrived.
 */
async function pipelineBurst(): Promise<void> {
  const heldBytes = (): number => {
    gc();
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };
  const rows: string[] = [];
  // factline's default pipeline.
  {
    const endpoint = await otlpEndpoint();
    // The transport reads its endpoint from process.env (the OTel exporter's own configuration code).
    const saved = process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = endpoint.url;
    const pipeline = createOtelPipeline({ registerGlobals: false, serviceName: 'bench' }, { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint.url });
    if (saved === undefined) delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
    else process.env.OTEL_EXPORTER_OTLP_ENDPOINT = saved;
    const events = createEmitter(catalog, { sinks: [pipeline.sink], validation: 'report', onProblem: () => {} });
    const before = heldBytes();
    const c0 = process.cpuUsage();
    for (let i = 0; i < BURST; i++) events.emit('shop.order.placed:1', nested);
    const c1 = process.cpuUsage(c0);
    const held = heldBytes() - before;
    const d = pipeline.delivery!.stats();
    // A running service goes on delivering after a burst: let it drain (at most 2 min) before shutdown, whose
    // flush budget (flushTimeoutMillis, 5 s) is for a process on its way out, then count what arrived.
    for (const until = Date.now() + 120_000; pipeline.delivery!.stats().pending > 0 && Date.now() < until; ) await new Promise((r) => setTimeout(r, 20));
    await events.shutdown();
    const c2 = process.cpuUsage(c0);
    const after = pipeline.delivery!.stats();
    await endpoint.close();
    // The answers: nothing lost unseen (every record arrived or was counted dropped), every one counted delivered arrived.
    // A batch still in flight at shutdown may arrive and be counted dropped too: arrived + dropped may pass the burst.
    if (endpoint.records() + after.dropped < BURST || endpoint.records() < after.delivered)
      throw new Error(`pipeline: ${endpoint.records()} arrived, ${after.dropped} dropped, ${after.delivered} delivered of ${BURST}: the benchmark is wrong`);
    if (endpoint.records() + after.dropped > BURST)
      process.stderr.write(`  pipeline: ${endpoint.records() + after.dropped - BURST} records arrived and were also counted dropped (in flight at shutdown)\n`);
    rows.push(
      row(
        '(v) factline default pipeline (durable delivery, 64 MiB buffer)',
        c1,
        c2,
        held,
        d.pending > 0 ? d.bufferBytes / d.pending : 0,
        endpoint.records(),
        after.dropped,
      ),
    );
  }
  // The raw SDK with the OTLP HTTP/JSON exporter, then the HTTP/protobuf one (the specification's default protocol).
  for (const [label, Exporter] of [
    ['(w) OTel SDK, batch processor + OTLP HTTP/JSON exporter (queue = burst)', OTLPLogExporter],
    ['(x) OTel SDK, batch processor + OTLP HTTP/protobuf exporter (queue = burst)', OTLPProtoLogExporter],
  ] as const) {
    const endpoint = await otlpEndpoint();
    const p = new LoggerProvider({
      processors: [new BatchLogRecordProcessor({ exporter: new Exporter({ url: `${endpoint.url}/v1/logs` }), maxQueueSize: BURST, maxExportBatchSize: 512 })],
    });
    const logger = p.getLogger('bench');
    const before = heldBytes();
    const c0 = process.cpuUsage();
    for (let i = 0; i < BURST; i++) {
      const now = Date.now();
      logger.emit({
        eventName: 'shop.order.placed',
        timestamp: now,
        observedTimestamp: now,
        severityNumber: SeverityNumber.INFO,
        severityText: 'INFO',
        body: nested,
        attributes: orderAttributesOf(randomUUID()),
      });
    }
    const c1 = process.cpuUsage(c0);
    const held = heldBytes() - before;
    await p.shutdown();
    const c2 = process.cpuUsage(c0);
    await endpoint.close();
    if (endpoint.records() !== BURST) throw new Error(`raw SDK: ${endpoint.records()} of ${BURST} arrived: the benchmark is wrong`);
    rows.push(row(label, c1, c2, held, undefined, endpoint.records(), 0));
  }
  process.stdout.write(
    `\npipeline: a burst of ${BURST} nested events in one loop, to a healthy endpoint on 127.0.0.1; held B/rec = (heap + buffers after a full collection, before any export) / burst; buffer B/rec = delivery buffer bytes / records in it\n`,
  );
  process.stdout.write("(emit: CPU of the loop; to delivered: CPU until shutdown() returned, the endpoint's parsing included, the same for both)\n");
  process.stdout.write(
    `${'case'.padEnd(72)}  ${'emit ns/ev'.padStart(10)}  ${'to delivered'.padStart(12)}  ${'held B/rec'.padStart(10)}  ${'buffer B/rec'.padStart(12)}  ${'arrived'.padStart(8)}  ${'dropped'.padStart(8)}\n`,
  );
  for (const r of rows) process.stdout.write(r);
  process.stdout.write(
    'goal: (v) drops 0 of the burst; (v) CPU per event vs (w) and (x) is the emit-rate ratio (factline sends protobuf by default, as (x))\n',
  );

  function row(
    name: string,
    cpu: NodeJS.CpuUsage,
    total: NodeJS.CpuUsage,
    held: number,
    bufferBytes: number | undefined /* per buffered record */,
    arrived: number,
    dropped: number,
  ): string {
    const ns = ((cpu.user + cpu.system) * 1000) / BURST;
    const all = ((total.user + total.system) * 1000) / BURST;
    return `${name.padEnd(72)}  ${ns.toFixed(0).padStart(10)}  ${all.toFixed(0).padStart(12)}  ${(held / BURST).toFixed(0).padStart(10)}  ${(bufferBytes === undefined ? '' : bufferBytes.toFixed(0)).padStart(12)}  ${String(arrived).padStart(8)}  ${String(dropped).padStart(8)}\n`;
  }
}

/** Lines into a real file: pino (async sonic-boom) against the JSONL sink, chain on. */
async function files(dir: string): Promise<void> {
  const quiet = () => {};
  const pinoDest = pino.destination({ dest: join(dir, 'pino.log'), sync: false, minLength: 4096 });
  await once(pinoDest, 'ready');
  const pinoLogger = pino({ base: undefined }, pinoDest);
  const intervalSink = createJsonlSink({ path: join(dir, 'interval', 'events.jsonl'), fsync: 'interval' });
  const alwaysSink = createJsonlSink({ path: join(dir, 'always', 'events.jsonl'), fsync: 'always' });
  const toInterval = createEmitter(catalog, { sinks: [intervalSink], validation: 'report', onProblem: quiet });
  const toAlways = createEmitter(catalog, { sinks: [alwaysSink], validation: 'report', onProblem: quiet });
  const nextTick = (): Promise<void> => new Promise((done) => setImmediate(done));
  const cases: Case[] = [
    {
      name: '(o) pino info() to a file (async sonic-boom)',
      run: () => pinoLogger.info(payload, 'auth.user.login'),
      // Timed until sonic-boom has written the chunk: the bytes are in the kernel.
      settle: () => new Promise<void>((done) => pinoDest.flush(() => done())),
      flush: async () => {},
    },
    {
      name: '(p) factline emit -> events.jsonl, chain on, fsync interval',
      run: () => toInterval.emit('auth.user.login:1', payload),
      // Timed until the end of the tick: every line is in the kernel by then.
      settle: nextTick,
      flush: async () => {},
    },
    {
      name: '(q) factline emit -> events.jsonl, chain on, fsync always',
      run: () => toAlways.emit('auth.user.login:1', payload),
      // Timed until flush() resolves: every line is on disk by then.
      settle: () => toAlways.flush(),
      flush: async () => {},
      chunk: FSYNC_CHUNK,
    },
  ];
  const m = await measureAll(cases, FILE_ROUNDS);
  printTable(`files: ${CHUNK} events per chunk (fsync always: ${FSYNC_CHUNK}, emitted in one tick); ratios to (o)`, [
    [cases[0]!.name, m[0]!, m[0]!],
    [cases[1]!.name, m[1]!, m[0]!],
    [cases[2]!.name, m[2]!, m[0]!],
  ]);
  const stats = [intervalSink.stats(), alwaysSink.stats()];
  await toInterval.shutdown();
  await toAlways.shutdown();
  pinoDest.end();
  if (stats.some((s) => s.dropped !== 0)) throw new Error('the JSONL sink dropped events: the benchmark is wrong');
}

/** Runs a process under the CPU probe; returns its CPU seconds (start-up included), wall seconds and output. */
function childCpu(args: string[]): { cpu: number; wall: number; out: string; code: number } {
  const probe = fileURLToPath(new URL('./cpu-probe.js', import.meta.url));
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['--import', pathToFileURL(probe).href, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const line = /FACTLINE_BENCH_CPU (.*)\n?$/.exec(r.stderr)?.[1];
  if (line === undefined) throw new Error(`${args.join(' ')}: no CPU figure (exit ${r.status}): ${r.stderr.slice(-500)}`);
  const u = JSON.parse(line) as { user: number; system: number };
  return { cpu: (u.user + u.system) / 1e6, wall, out: r.stdout, code: r.status ?? -1 };
}

/**
 * `factline validate` on a mixed Intent file (all 15 event types, from
 * Intent's own examples) and `factline verify` on a chained file, each run
 * as the CLI runs (its own process, start-up and module loading included),
 * against a floor process that reads and parses (and, for verify, hashes)
 * every line. Runs interleaved, in a new order each repetition.
 */
async function readers(dir: string): Promise<void> {
  const intentPath = join(dir, 'intent.jsonl');
  const chainPath = join(dir, 'chain.jsonl');
  const intentSink = createIntentFileSink({ path: intentPath, fsync: 'never', maxBytes: 0 });
  const chainSink = createJsonlSink({ path: chainPath, fsync: 'never', maxBytes: 0 });
  const events = createEmitter(intentCatalog, { sinks: [intentSink, chainSink], validation: 'strict' });
  // Intent's own example of each event type, emitted in turn.
  const fixture = readFileSync(new URL('../../test/fixtures/intent/seed-examples.jsonl', import.meta.url), 'utf8');
  const byWire = new Map(intentCatalog.list().map((t) => [t.wireName, t.id]));
  const examples = fixture
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const { event_type, timestamp: _t, ...payload } = JSON.parse(l) as Record<string, unknown>;
      return [byWire.get(event_type as string)!, payload] as const;
    });
  const types = new Set(examples.map(([id]) => id));
  if (types.size !== intentCatalog.list().length)
    throw new Error(`the examples cover ${types.size} of ${intentCatalog.list().length} Intent event types: the benchmark is wrong`);
  for (let i = 0; i < READ_LINES; i++) {
    const [id, p] = examples[i % examples.length]!;
    (events.emit as (id: string, p: unknown) => unknown)(id, p);
  }
  await events.shutdown();
  const cli = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
  const floorJs = fileURLToPath(new URL('./read-floor.js', import.meta.url));
  const kinds: Record<string, string[]> = {
    'validate floor': [floorJs, intentPath],
    validate: [cli, 'validate', intentPath],
    'verify floor': [floorJs, chainPath, 'hash'],
    verify: [cli, 'verify', '--only', chainPath],
  };
  if (BEFORE) {
    const beforeCli = join(BEFORE, 'dist', 'src', 'cli', 'main.js');
    kinds['validate before'] = [beforeCli, 'validate', intentPath];
    kinds['verify before'] = [beforeCli, 'verify', '--only', chainPath];
  }
  const runs: Record<string, { cpu: number[]; wall: number[] }> = {};
  const random = prng(0xf100d);
  for (let rep = 0; rep < READ_REPS; rep++) {
    const order = Object.keys(kinds).sort(() => random() - 0.5);
    for (const k of order) {
      const r = childCpu(kinds[k]!);
      // The answers: the floor read every line, the CLI found every line valid.
      if (r.code !== 0) throw new Error(`${k} exited ${r.code}: the benchmark is wrong`);
      if (k.endsWith('floor') && Number(r.out.trim()) !== READ_LINES)
        throw new Error(`${k} read ${r.out.trim()} lines, not ${READ_LINES}: the benchmark is wrong`);
      runs[k] ??= { cpu: [], wall: [] };
      runs[k].cpu.push(r.cpu);
      runs[k].wall.push(r.wall);
    }
  }
  const row = (name: string, k: string, base?: string, goal = ''): string => {
    const cpu = median(runs[k]!.cpu);
    const wall = median(runs[k]!.wall);
    const ratio = base ? `${(cpu / median(runs[base]!.cpu)).toFixed(2)}x` : '';
    return `${name.padEnd(66)}  ${cpu.toFixed(2).padStart(6)}  ${wall.toFixed(2).padStart(6)}  ${ratio.padStart(9)}  ${goal}\n`;
  };
  process.stdout.write(
    `\nreaders: ${READ_LINES} lines, each run its own process (start-up included), median of ${READ_REPS} interleaved runs; ratios by CPU time\n`,
  );
  process.stdout.write(`${'case'.padEnd(66)}  ${'CPU s'.padStart(6)}  ${'wall s'.padStart(6)}  ${'CPU ratio'.padStart(9)}  goal (CPU)\n`);
  process.stdout.write(row('(r) floor: read 1 MiB chunks + JSON.parse per line', 'validate floor'));
  process.stdout.write(row('(s) factline validate, mixed Intent file (15 event types)', 'validate', 'validate floor', '<= 1.5x'));
  if (BEFORE) process.stdout.write(row('(s.b) before: factline validate, the same file', 'validate before', 'validate floor', '<= 1.5x'));
  process.stdout.write(row("(t) floor: read + JSON.parse + SHA-256 per line (verify's hash)", 'verify floor'));
  process.stdout.write(row('(u) factline verify, chained records', 'verify', 'verify floor'));
  if (BEFORE) process.stdout.write(row('(u.b) before: factline verify, the same file', 'verify before', 'verify floor'));
}

main().catch((e) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exitCode = 1;
});
