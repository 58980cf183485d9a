/*
 * npm run bench: factline against the raw OpenTelemetry SDK and pino, in one
 * run, on the same payload. Not a test: timings vary by machine and load, so
 * nothing here asserts a time; it prints figures and ratios. Three groups:
 *
 * - emit: ns per event against the raw SDK's `logger.emit` of the same
 *   record, and inside an active recording span against the raw SDK's
 *   `logger.emit` plus `span.addEvent` with the same attributes. Every OTel
 *   case uses the same BatchLogRecordProcessor with an exporter that does
 *   nothing, so the cost measured is the caller's: building the record and
 *   queueing it. Events are emitted in synchronous chunks that fit the queue,
 *   and the queue is flushed between chunks outside the timed region, so no
 *   case gets cheaper by having its records dropped on a full queue.
 * - files: events/s into a real file, pino (async sonic-boom) against the
 *   JSONL sink with the hash chain on; each chunk is timed until its bytes
 *   are written (pino's flush, the end of the sink's tick), and with
 *   `fsync: 'always'` until `flush()` resolves (on disk).
 * - readers: CPU seconds of `factline validate` and `factline verify` on
 *   generated files against a plain read-and-parse floor.
 *
 * Cases are interleaved round by round and medians taken, by wall clock and
 * by the process's CPU time (steadier on a shared machine).
 */
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { ExportResultCode } from '@opentelemetry/core';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { BatchLogRecordProcessor, LoggerProvider, type LogRecordExporter } from '@opentelemetry/sdk-logs';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { createHash, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { closeSync, mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { z } from 'zod';
import { defineCatalog } from '../src/catalog/index.js';
import { createEmitter } from '../src/emitter/index.js';
import { createOtelSink } from '../src/otel/sink.js';
import { createJsonlSink } from '../src/sinks/jsonl/index.js';
import { intentCatalog } from '../src/intent/catalog.js';
import { createIntentFileSink } from '../src/intent/flat.js';
import { validateCommand } from '../src/cli/validate.js';
import { verifyCommand } from '../src/cli/verify.js';

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

const payload = { user_id: '550e8400-e29b-41d4-a716-446655440000', ip: '192.168.1.42', method: 'password' as const, mfa: true };
const catalog = defineCatalog({
  'auth.user.login:1': z.object({ user_id: z.string(), ip: z.string(), method: z.enum(['password', 'oauth']), mfa: z.boolean() }),
  'auth.user.debugged:1': { schema: z.object({ user_id: z.string(), ip: z.string(), method: z.enum(['password', 'oauth']), mfa: z.boolean() }), severity: 'DEBUG' },
});

const noopExporter: LogRecordExporter = {
  export: (_records, done) => done({ code: ExportResultCode.SUCCESS }),
  shutdown: async () => {},
  forceFlush: async () => {},
};

function provider(): LoggerProvider {
  return new LoggerProvider({
    processors: [new BatchLogRecordProcessor({ exporter: noopExporter, maxQueueSize: CHUNK * 2, maxExportBatchSize: 512, scheduledDelayMillis: 60_000 })],
  });
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
}

interface Median {
  /** Median wall-clock ns per event. */
  wall: number;
  /** Median CPU ns (user + system, of the whole process) per event: steadier on a loaded machine. */
  cpu: number;
}

const median = (xs: number[]): number => {
  xs.sort((a, b) => a - b);
  return xs[Math.floor(xs.length / 2)]!;
};

/**
 * Runs every case once per round, round-robin, so that whatever the machine
 * does meanwhile (GC, other processes, CPU frequency) falls on all cases
 * alike; each round starts one case later, so that the garbage a case leaves
 * for the collector is not always collected in the same next case. Returns
 * each case's median ns per event over the rounds, by wall clock and by the
 * process's CPU time.
 */
async function measureAll(cases: readonly Case[], rounds = ROUNDS): Promise<Median[]> {
  const wall: number[][] = cases.map(() => []);
  const cpu: number[][] = cases.map(() => []);
  for (let r = 0; r < WARMUP_ROUNDS + rounds; r++) {
    for (let j = 0; j < cases.length; j++) {
      const k = (j + r) % cases.length;
      const c = cases[k]!;
      const n = c.chunk ?? CHUNK;
      const loop = (): void => {
        for (let i = 0; i < n; i++) c.run();
      };
      const c0 = process.cpuUsage();
      const t0 = process.hrtime.bigint();
      if (c.wrap) c.wrap(loop);
      else loop();
      if (c.settle) await c.settle();
      const t1 = process.hrtime.bigint();
      const c1 = process.cpuUsage(c0);
      await c.flush();
      if (r >= WARMUP_ROUNDS) {
        wall[k]!.push(Number(t1 - t0) / n);
        cpu[k]!.push(((c1.user + c1.system) * 1000) / n);
      }
    }
    if (r % 10 === 9) process.stderr.write(`  round ${r + 1} of ${WARMUP_ROUNDS + rounds}\n`);
  }
  return cases.map((_, k) => ({ wall: median(wall[k]!), cpu: median(cpu[k]!) }));
}

function printTable(title: string, rows: readonly [string, Median, Median | undefined][]): void {
  const width = Math.max(...rows.map(([n]) => n.length));
  process.stdout.write(`\n${title}\n`);
  process.stdout.write(`${'case'.padEnd(width)}  ${'ns/event'.padStart(9)}  ${'events/s'.padStart(10)}  ${'ratio'.padStart(7)}  ${'CPU ns'.padStart(8)}  ${'CPU ratio'.padStart(9)}\n`);
  for (const [name, m, base] of rows) {
    const ratio = base ? `${(m.wall / base.wall).toFixed(2)}x` : '';
    const cpuRatio = base ? `${(m.cpu / base.cpu).toFixed(2)}x` : '';
    process.stdout.write(
      `${name.padEnd(width)}  ${m.wall.toFixed(0).padStart(9)}  ${(1e9 / m.wall).toFixed(0).padStart(10)}  ${ratio.padStart(7)}  ${m.cpu.toFixed(0).padStart(8)}  ${cpuRatio.padStart(9)}\n`,
    );
  }
}

async function main(): Promise<void> {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const tracerProvider = new BasicTracerProvider();
  const tracer = tracerProvider.getTracer('bench');
  // One recording span per chunk, the same for both span cases of a round.
  let span = tracer.startSpan('request');
  const inSpan = (loop: () => void): void => context.with(trace.setSpan(context.active(), span), loop);
  const nextSpan = (): void => {
    span.end();
    span = tracer.startSpan('request');
  };

  const rawProvider = provider();
  const rawLogger = rawProvider.getLogger('bench');
  const flProvider = provider();
  const flSink = createOtelSink({ logger: flProvider.getLogger('factline') });
  const quiet = () => {};
  const validated = createEmitter(catalog, { sinks: [flSink], validation: 'report', onProblem: quiet });
  const unvalidated = createEmitter(catalog, { sinks: [flSink], validation: 'off', onProblem: quiet });
  const filtered = createEmitter(catalog, { sinks: [flSink], validation: 'report', filter: { minSeverity: 'INFO' }, onProblem: quiet });
  const dest = pino.destination({ dest: '/dev/null', sync: false, minLength: 4096 });
  await once(dest, 'ready');
  const logger = pino({ base: undefined }, dest);

  // The same record factline builds, written by hand: event name, body,
  // timestamps and the same attribute set (docs/mapping.md).
  const rawAttributes = (instanceId = randomUUID()): Record<string, string | number | boolean> => ({
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
  const rawEmit = (): void => {
    const now = Date.now();
    rawLogger.emit({ eventName: 'auth.user.login', timestamp: now, observedTimestamp: now, severityNumber: SeverityNumber.INFO, severityText: 'INFO', body: payload, attributes: rawAttributes() });
  };
  // In a span: the log record in the span's context, and a span event with
  // the same attributes plus the payload's fields, as factline writes it.
  const rawEmitInSpan = (): void => {
    const now = Date.now();
    const id = randomUUID();
    rawLogger.emit({ eventName: 'auth.user.login', timestamp: now, observedTimestamp: now, severityNumber: SeverityNumber.INFO, severityText: 'INFO', body: payload, attributes: rawAttributes(id), context: context.active() });
    const attributes = rawAttributes(id);
    attributes.user_id = payload.user_id;
    attributes.ip = payload.ip;
    attributes.method = payload.method;
    attributes.mfa = payload.mfa;
    span.addEvent('auth.user.login', attributes, now);
  };

  const emitCases: Case[] = [
    { name: '(a) OTel SDK logger.emit (same record), batch + no-op', run: rawEmit, flush: () => rawProvider.forceFlush() },
    { name: '(b) factline emit, validation on (report)', run: () => validated.emit('auth.user.login:1', payload), flush: () => flProvider.forceFlush() },
    { name: '(c) factline emit, validation off', run: () => unvalidated.emit('auth.user.login:1', payload), flush: () => flProvider.forceFlush() },
    { name: '(d) factline emit, filtered out before any sink', run: () => filtered.emit('auth.user.debugged:1', payload), flush: async () => {} },
    { name: '(e) pino info() to /dev/null', run: () => logger.info(payload, 'auth.user.login'), flush: () => new Promise<void>((done) => dest.flush(() => done())) },
    { name: '(f) OTel SDK logger.emit + span.addEvent, in an active span', run: rawEmitInSpan, wrap: inSpan, flush: () => rawProvider.forceFlush() },
    {
      name: '(g) factline emit, validation on, in an active span',
      run: () => validated.emit('auth.user.login:1', payload),
      wrap: inSpan,
      flush: async () => {
        await flProvider.forceFlush();
        nextSpan();
      },
    },
  ];

  process.stdout.write(`factline bench: node ${process.version}, cases interleaved, medians over ${ROUNDS} rounds (files: ${FILE_ROUNDS}); CPU = the process's user+system time\n`);
  const m = await measureAll(emitCases);
  printTable(`emit: ${CHUNK} events per chunk; ratios to (a), and (f) to (a), (g) to (f)`, [
    [emitCases[0]!.name, m[0]!, m[0]!],
    [emitCases[1]!.name, m[1]!, m[0]!],
    [emitCases[2]!.name, m[2]!, m[0]!],
    [emitCases[3]!.name, m[3]!, undefined],
    [emitCases[4]!.name, m[4]!, m[0]!],
    [emitCases[5]!.name, m[5]!, m[0]!],
    [emitCases[6]!.name, m[6]!, m[5]!],
  ]);
  if (filtered.stats().emitted !== 0) throw new Error('the filtered case emitted events: the benchmark is wrong');
  await Promise.all([rawProvider.shutdown(), flProvider.shutdown()]);
  span.end();

  const dir = mkdtempSync(join(tmpdir(), 'factline-bench-'));
  try {
    await files(dir);
    await readers(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
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
      name: '(h) pino info() to a file (async sonic-boom)',
      run: () => pinoLogger.info(payload, 'auth.user.login'),
      // Timed until sonic-boom has written the chunk: the bytes are in the kernel.
      settle: () => new Promise<void>((done) => pinoDest.flush(() => done())),
      flush: async () => {},
    },
    {
      name: '(i) factline emit -> events.jsonl, chain on, fsync interval',
      run: () => toInterval.emit('auth.user.login:1', payload),
      // Timed until the end of the tick: every line is in the kernel by then.
      settle: nextTick,
      flush: async () => {},
    },
    {
      name: '(j) factline emit -> events.jsonl, chain on, fsync always',
      run: () => toAlways.emit('auth.user.login:1', payload),
      // Timed until flush() resolves: every line is on disk by then.
      settle: () => toAlways.flush(),
      flush: async () => {},
      chunk: FSYNC_CHUNK,
    },
  ];
  const m = await measureAll(cases, FILE_ROUNDS);
  printTable(`files: ${CHUNK} events per chunk (fsync always: ${FSYNC_CHUNK}, emitted in one tick); ratios to (h)`, [
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

/** A plain loop over a file's lines: 1 MiB reads, split at \n, JSON.parse; with `hash`, SHA-256 of each line too. */
function floor(path: string, hash: boolean): number {
  const fd = openSync(path, 'r');
  const buf = Buffer.allocUnsafe(1024 * 1024);
  let rest = '';
  let n = 0;
  try {
    for (;;) {
      const got = readSync(fd, buf, 0, buf.length, null);
      if (got === 0) break;
      const text = rest + buf.toString('utf8', 0, got);
      let from = 0;
      for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', from)) {
        const line = text.slice(from, nl);
        from = nl + 1;
        JSON.parse(line);
        if (hash) createHash('sha256').update(line).digest('hex');
        n++;
      }
      rest = text.slice(from);
    }
  } finally {
    closeSync(fd);
  }
  return n;
}

async function cpuSeconds(f: () => unknown): Promise<{ cpu: number; wall: number }> {
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await f();
  const t1 = process.hrtime.bigint();
  const c1 = process.cpuUsage(c0);
  return { cpu: (c1.user + c1.system) / 1e6, wall: Number(t1 - t0) / 1e9 };
}

/** `factline validate` and `factline verify` on READ_LINES lines against their floors, interleaved. */
async function readers(dir: string): Promise<void> {
  const intentPath = join(dir, 'intent.jsonl');
  const chainPath = join(dir, 'chain.jsonl');
  const intentSink = createIntentFileSink({ path: intentPath, fsync: 'never', maxBytes: 0 });
  const chainSink = createJsonlSink({ path: chainPath, fsync: 'never', maxBytes: 0 });
  const events = createEmitter(intentCatalog, { sinks: [intentSink, chainSink], validation: 'strict' });
  const sources = ['cli', 'mcp', 'email', 'slack', 'agent'] as const;
  for (let i = 0; i < READ_LINES; i++) {
    events.emit('signal.signal.created:1', { signal_id: `SIG-${i}`, source: sources[i % 5]!, content: `the login page times out after ${i % 97} s on mobile`, confidence: (i % 100) / 100 });
  }
  await events.shutdown();
  const io = { out: () => {}, err: (l: string) => process.stderr.write(`  ${l}\n`) };
  const runs: Record<string, { cpu: number[]; wall: number[] }> = {};
  const add = (k: string, r: { cpu: number; wall: number }): void => {
    runs[k] ??= { cpu: [], wall: [] };
    runs[k].cpu.push(r.cpu);
    runs[k].wall.push(r.wall);
  };
  for (let rep = 0; rep < READ_REPS; rep++) {
    add('validate floor', await cpuSeconds(() => floor(intentPath, false)));
    add('validate', await cpuSeconds(async () => {
      if ((await validateCommand([intentPath], io)) !== 0) throw new Error('validate failed: the benchmark is wrong');
    }));
    add('verify floor', await cpuSeconds(() => floor(chainPath, true)));
    add('verify', await cpuSeconds(async () => {
      if ((await verifyCommand(['--only', chainPath], io)) !== 0) throw new Error('verify failed: the benchmark is wrong');
    }));
  }
  const row = (name: string, k: string, base?: string): string => {
    const cpu = median(runs[k]!.cpu);
    const wall = median(runs[k]!.wall);
    const ratio = base ? `${(cpu / median(runs[base]!.cpu)).toFixed(2)}x` : '';
    return `${name.padEnd(58)}  ${cpu.toFixed(2).padStart(6)}  ${wall.toFixed(2).padStart(6)}  ${ratio.padStart(9)}\n`;
  };
  process.stdout.write(`\nreaders: ${READ_LINES} lines, median of ${READ_REPS} interleaved runs; ratios by CPU time\n`);
  process.stdout.write(`${'case'.padEnd(58)}  ${'CPU s'.padStart(6)}  ${'wall s'.padStart(6)}  ${'CPU ratio'.padStart(9)}\n`);
  process.stdout.write(row('(k) floor: read 1 MiB chunks + JSON.parse per line', 'validate floor'));
  process.stdout.write(row('(l) factline validate, Intent lines', 'validate', 'validate floor'));
  process.stdout.write(row('(m) floor: read + JSON.parse + SHA-256 per line', 'verify floor'));
  process.stdout.write(row('(n) factline verify, chained records', 'verify', 'verify floor'));
}

main().catch((e) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exitCode = 1;
});
