// The process the restart test kills: factline's pipeline (compiled, dist/)
// with a spool, emitting at a rate. Modes:
//   emit <count> <rate> <idsFile>: emits, flushes (while the endpoint is down a
//     flush ends once every record is in the spool), appends the ids to
//     idsFile, prints "durable <n>", then keeps emitting until killed.
//   sealed <count> <rate> <idsFile>: emits, waits out scheduledDelayMillis (1 s, the
//     documented window in which a record is only in memory) without any flush,
//     appends the ids, prints "sealed <n>", then idles until killed.
//   signal <count>: installs shutdownOnSignals, emits, prints "ready", waits for SIGTERM.
//   drain: replays the spool, prints the delivery stats as JSON, exits.
import { appendFileSync } from 'node:fs';
import { setupFactline } from '../../../dist/src/index.js';
import { intentCatalog } from '../../../dist/src/intent/index.js';

const [mode, count, rate, idsFile] = process.argv.slice(2);
const sdk = setupFactline(intentCatalog, {
  serviceName: 'fault-child',
  spanExporter: null,
  registerGlobals: false,
  shutdownOnExit: false,
  validation: 'strict',
  onProblem: () => undefined,
});
const emitOne = (i) => sdk.emit('signal.signal.created:1', { signal_id: `SIG-${i}`, source: 'cli', content: `child event ${i}`, confidence: 0.5 }).id;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

if (mode === 'sealed') {
  const total = Number(count);
  const perTick = Math.max(1, Math.round(Number(rate) / 100));
  const ids = [];
  while (ids.length < total) {
    for (let k = 0; k < perTick && ids.length < total; k++) ids.push(emitOne(ids.length));
    await sleep(10);
  }
  // No flush: only the scheduled delay, plus time for the spool write.
  await sleep(1000 + 250);
  appendFileSync(idsFile, ids.join('\n') + '\n');
  process.stdout.write(`sealed ${ids.length} ${JSON.stringify(sdk.stats().sinks.otel)}\n`);
  setInterval(() => undefined, 1000);
} else if (mode === 'signal') {
  sdk.shutdownOnSignals();
  for (let i = 0; i < Number(count); i++) emitOne(i);
  process.stdout.write('ready\n');
  setInterval(() => undefined, 1000);
} else if (mode === 'emit') {
  const total = Number(count);
  const perTick = Math.max(1, Math.round(Number(rate) / 100));
  const ids = [];
  while (ids.length < total) {
    for (let k = 0; k < perTick && ids.length < total; k++) ids.push(emitOne(ids.length));
    await sleep(10);
  }
  await sdk.flush();
  appendFileSync(idsFile, ids.join('\n') + '\n');
  process.stdout.write(`durable ${ids.length} ${JSON.stringify(sdk.stats().sinks.otel)}\n`);
  // Mid-outage: still emitting when the SIGKILL comes.
  for (let i = total; ; i++) {
    emitOne(i);
    if (i % perTick === 0) await sleep(10);
  }
} else {
  const started = Date.now();
  for (;;) {
    const s = sdk.stats().sinks.otel;
    if (s.spooled === 0 && s.pending === 0 && s.delivered > 0) break;
    if (Date.now() - started > 120_000) break;
    await sleep(50);
  }
  const stats = sdk.stats().sinks.otel;
  await sdk.shutdown();
  process.stdout.write(`${JSON.stringify({ ...stats, drainMs: Date.now() - started, rss: process.memoryUsage().rss })}\n`);
}
