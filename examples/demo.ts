/*
 * `npm run demo`: the README's main job. One simulated Intent loop, printed
 * in the one-line text form and written to `.factline/events.jsonl`
 * (factline's hash-chained format) and `.factline/intent-events.jsonl`
 * (Intent's flat format). With OTEL_EXPORTER_OTLP_ENDPOINT set it also ships
 * to that Collector; without it, nothing leaves the process.
 */
import { verifyChain } from '../src/chain/index.js';
import { runIntentLoop, LOOP } from './intent-loop.js';

const dir = process.env.FACTLINE_DEMO_DIR ?? '.factline';
const file = `${dir}/events.jsonl`;
const intentFile = `${dir}/intent-events.jsonl`;
const otlp = Boolean(process.env.OTEL_EXPORTER_OTLP_ENDPOINT || process.env.OTEL_EXPORTER_OTLP_LOGS_ENDPOINT);
const say = (line: string) => process.stderr.write(`factline demo: ${line}\n`);

say(`one Intent loop (${LOOP.traceKey}) → console, ${file}, ${intentFile}${otlp ? `, OTLP ${process.env.OTEL_EXPORTER_OTLP_ENDPOINT ?? ''}` : ' (no OTLP: set OTEL_EXPORTER_OTLP_ENDPOINT to ship to a Collector)'}`);
const intent = await runIntentLoop({ otlp, file, intentFile, console: true, validation: 'strict' });
const stats = intent.stats();
await intent.shutdown();
const chain = await verifyChain(file);
say(`${stats.emitted} events emitted, ${stats.invalid} invalid; ${file}: ${chain.ok ? `${chain.records} records in total, hash chain intact` : `chain broken at line ${chain.line}: ${chain.message}`}`);
say(`the loop's trace: ${intent.tracing.keyFor(LOOP.intent)} → W3C trace id in every event's trace_id`);
if (!chain.ok) process.exitCode = 1;
