/*
 * npm run bench: ns per event for factline against the raw OpenTelemetry SDK
 * and pino, in one run, on the same payload. Not a test: timings vary by
 * machine and load, so nothing here asserts a time; it prints figures and
 * ratios to (a) the raw SDK.
 *
 * Every OTel case uses the same BatchLogRecordProcessor with an exporter that
 * does nothing, so the cost measured is the caller's: building the record and
 * queueing it. Events are emitted in synchronous chunks that fit the queue,
 * and the queue is flushed between chunks outside the timed region, so no
 * case gets cheaper by having its records dropped on a full queue.
 */
import { ExportResultCode } from '@opentelemetry/core';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { BatchLogRecordProcessor, LoggerProvider, type LogRecordExporter } from '@opentelemetry/sdk-logs';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import pino from 'pino';
import { z } from 'zod';
import { defineCatalog } from '../src/catalog/index.js';
import { createEmitter } from '../src/emitter/index.js';
import { createOtelSink } from '../src/otel/sink.js';

const CHUNK = 2000;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 60);
const WARMUP_ROUNDS = 5;

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
  flush: () => Promise<void>;
}

/**
 * Runs every case once per round, round-robin, so that whatever the machine
 * does meanwhile (GC, other processes, CPU frequency) falls on all cases
 * alike; returns each case's median ns per event over the rounds.
 */
async function measureAll(cases: readonly Case[]): Promise<number[]> {
  const samples: number[][] = cases.map(() => []);
  for (let r = 0; r < WARMUP_ROUNDS + ROUNDS; r++) {
    for (let k = 0; k < cases.length; k++) {
      const c = cases[k]!;
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < CHUNK; i++) c.run();
      const t1 = process.hrtime.bigint();
      await c.flush();
      if (r >= WARMUP_ROUNDS) samples[k]!.push(Number(t1 - t0) / CHUNK);
    }
    if (r % 10 === 9) process.stderr.write(`  round ${r + 1} of ${WARMUP_ROUNDS + ROUNDS}\n`);
  }
  return samples.map((xs) => {
    xs.sort((a, b) => a - b);
    return xs[Math.floor(xs.length / 2)]!;
  });
}

async function main(): Promise<void> {
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

  const cases: Case[] = [
    {
      name: '(a) OTel SDK logger.emit (same record), batch + no-op',
      // The same record factline builds, written by hand: event name, body,
      // timestamps and the same attribute set (docs/mapping.md).
      run: () => {
        const now = Date.now();
        rawLogger.emit({
          eventName: 'auth.user.login',
          timestamp: now,
          observedTimestamp: now,
          severityNumber: SeverityNumber.INFO,
          severityText: 'INFO',
          body: payload,
          attributes: {
            'factline.event.id': 'auth.user.login:1',
            'factline.event.domain': 'auth',
            'factline.event.entity': 'user',
            'factline.event.action': 'login',
            'factline.event.version': 1,
            'factline.catalog': 'default',
            'factline.event.instance_id': randomUUID(),
            'factline.event.schema_version': 1,
            'factline.source.type': 'runtime',
          },
        });
      },
      flush: () => rawProvider.forceFlush(),
    },
    { name: '(b) factline emit, validation on (report)', run: () => validated.emit('auth.user.login:1', payload), flush: () => flProvider.forceFlush() },
    { name: '(c) factline emit, validation off', run: () => unvalidated.emit('auth.user.login:1', payload), flush: () => flProvider.forceFlush() },
    { name: '(d) factline emit, filtered out before any sink', run: () => filtered.emit('auth.user.debugged:1', payload), flush: async () => {} },
    { name: '(e) pino info() to /dev/null', run: () => logger.info(payload, 'auth.user.login'), flush: () => new Promise<void>((done) => dest.flush(() => done())) },
  ];

  process.stdout.write(`factline bench: ${ROUNDS} rounds of ${CHUNK} events per case, cases interleaved (median per event), node ${process.version}\n\n`);
  const medians = await measureAll(cases);
  const results: [string, number][] = cases.map((c, i) => [c.name, medians[i]!]);
  const base = results[0]![1];
  const width = Math.max(...results.map(([n]) => n.length));
  process.stdout.write(`${'case'.padEnd(width)}  ${'ns/event'.padStart(9)}  ${'vs (a)'.padStart(7)}\n`);
  for (const [name, ns] of results) {
    process.stdout.write(`${name.padEnd(width)}  ${ns.toFixed(0).padStart(9)}  ${(ns / base).toFixed(2).padStart(6)}x\n`);
  }
  if (filtered.stats().emitted !== 0) throw new Error('the filtered case emitted events: the benchmark is wrong');
  await Promise.all([rawProvider.shutdown(), flProvider.shutdown()]);
}

main().catch((e) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exitCode = 1;
});
