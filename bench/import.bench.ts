/*
 * npm run bench:import: the CPU time of loading factline against loading the
 * raw OpenTelemetry SDK a service would import to do the same without it
 * (sdk-logs, the trace SDK, and the OTLP/HTTP log and trace exporters), in
 * one run, as ratios. Each measurement is a new Node process that times its
 * own `await import(...)` with process.cpuUsage (user + system), so what an
 * earlier import loaded is never counted as free; the cases run round by
 * round, interleaved, and the medians are compared. Not a test: nothing
 * asserts a time.
 *
 * Cases:
 * - raw SDK: the four SDK packages;
 * - factline: `import('factline')` (the built dist/src/index.js);
 * - factline after zod: the same import in a process that already loaded
 *   zod, which the service's catalog is written with;
 * - factline + own pipeline: the import and `createOtelPipeline()` (which
 *   loads the SDK packages from the install), against the raw SDK's imports
 *   and its LoggerProvider and TracerProvider with the two OTLP/HTTP exporters;
 * - with BENCH_BASELINE=<git ref> (e.g. main), `import('factline')` of that
 *   revision too, built here into a temporary directory that shares this
 *   checkout's node_modules: before and after in the same run.
 *
 * BENCH_ROUNDS (default 15) sets the rounds.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const root = fileURLToPath(new URL('../..', import.meta.url));
const built = join(root, 'dist', 'src', 'index.js');

/** The trace SDK of the installed line: `sdk-trace-base` on SDK 2 (what services import there), `sdk-trace` on SDK 3. */
const traceSdk = existsSync(join(root, 'node_modules', '@opentelemetry', 'sdk-trace-base')) ? '@opentelemetry/sdk-trace-base' : '@opentelemetry/sdk-trace';
const RAW = ['@opentelemetry/sdk-logs', traceSdk, '@opentelemetry/exporter-logs-otlp-http', '@opentelemetry/exporter-trace-otlp-http'];

const rawImports = `const m = await Promise.all(${JSON.stringify(RAW)}.map((s) => import(s)));`;
const timed = (body: string) => `const t0 = process.cpuUsage(); ${body} const d = process.cpuUsage(t0); process.stdout.write(String(d.user + d.system));`;

const cases: { name: string; script: string }[] = [
  { name: 'raw SDK: import sdk-logs, trace SDK, OTLP/HTTP exporters', script: timed(rawImports) },
  { name: "factline: import('factline')", script: timed(`await import(${JSON.stringify(pathToFileURL(built).href)});`) },
  {
    // zod is what a service's catalog is written with: loaded by the service anyway.
    name: "factline after zod: import('factline') in a process that has zod loaded",
    script: `await import('zod'); ${timed(`await import(${JSON.stringify(pathToFileURL(built).href)});`)}`,
  },
  {
    name: 'raw SDK: imports + LoggerProvider and TracerProvider with OTLP/HTTP exporters',
    script: timed(
      `${rawImports} const [logs, tr, le, te] = m; new logs.LoggerProvider({ processors: [new logs.BatchLogRecordProcessor({ exporter: new le.OTLPLogExporter() })] }); new (tr.TracerProvider ?? tr.BasicTracerProvider)({ spanProcessors: [new tr.BatchSpanProcessor(${traceSdk.endsWith('-base') ? 'new te.OTLPTraceExporter()' : '{ exporter: new te.OTLPTraceExporter() }'})] });`,
    ),
  },
  {
    name: 'factline: import + createOtelPipeline() (loads the SDK)',
    script: timed(
      `const f = await import(${JSON.stringify(pathToFileURL(built).href)}); f.createOtelPipeline({ serviceName: 'bench', registerGlobals: false });`,
    ),
  },
];

let baselineDir: string | undefined;
const baseline = process.env.BENCH_BASELINE;
if (baseline) {
  baselineDir = mkdtempSync(join(tmpdir(), 'factline-bench-baseline-'));
  execFileSync('sh', [
    '-c',
    `git -C ${JSON.stringify(root)} archive ${JSON.stringify(baseline)} src tsconfig.json tsconfig.build.json package.json | tar -x -C ${JSON.stringify(baselineDir)}`,
  ]);
  symlinkSync(join(root, 'node_modules'), join(baselineDir, 'node_modules'), 'dir');
  execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(baselineDir, 'tsconfig.build.json')], {
    cwd: baselineDir,
    stdio: 'inherit',
  });
  const entry = pathToFileURL(join(baselineDir, 'dist', 'src', 'index.js')).href;
  cases.splice(2, 0, { name: `factline at ${baseline}: import('factline')`, script: timed(`await import(${JSON.stringify(entry)});`) });
}

const samples = cases.map(() => [] as number[]);
for (let round = 0; round < ROUNDS; round++) {
  cases.forEach((c, i) => {
    const out = execFileSync(process.execPath, ['--input-type=module', '--no-warnings', '-e', c.script], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, OTEL_SDK_DISABLED: 'false' },
    });
    samples[i]!.push(Number(out) / 1000);
  });
}
if (baselineDir) rmSync(baselineDir, { recursive: true, force: true });

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const m = samples.map(median);
const raw = m[0]!;
const rawSetup = m[cases.findIndex((c) => c.name.startsWith('raw SDK: imports +'))]!;
process.stdout.write(`Node ${process.versions.node}, ${ROUNDS} rounds, median CPU ms (user + system) per new process; trace SDK ${traceSdk}\n`);
cases.forEach((c, i) => {
  const against = c.name.includes('createOtelPipeline') ? rawSetup : raw;
  const ratio = c.name.startsWith('raw SDK') ? '' : `  ${(m[i]! / against).toFixed(2)}x the raw SDK${c.name.includes('createOtelPipeline') ? ' set-up' : ''}`;
  process.stdout.write(`${c.name.padEnd(80)} ${m[i]!.toFixed(1).padStart(7)} ms${ratio}\n`);
});
