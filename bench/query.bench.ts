/*
 * npm run bench:query: the local LogQL engine against the floor, in one run,
 * on 1,000,000 factline events (about 490 MB) written by factline's own
 * emitter and JSONL sink into a temporary directory.
 *
 * The floor is a plain Node loop over the same file: every line read (with the
 * shared line reader, and with node:readline) and JSON.parse'd, nothing else.
 * Each query's CPU time (user + system of this process, which runs the
 * engine on one thread) is printed with its ratio to the faster floor's,
 * then its wall time, and the peak RSS of the process; the cases run in a
 * rotated order each round, so none always follows the same one. CPU time,
 * not wall time, makes the ratio hold on a loaded machine. Not a test:
 * nothing asserts a time.
 *
 * Every row is a count the engine answers, checked against the same count
 * by a plain loop over the payloads (the run fails on a difference or 0).
 * When LOGCLI names a logcli binary (or `logcli` is on the PATH), Loki's own
 * `logcli query --stdin` runs each row's log query on the same file, in
 * 20 MB slices, and the lines it printed are counted against the engine.
 *
 * BENCH_EVENTS changes the number of events; BENCH_DIR keeps the generated
 * file between runs.
 */
import { spawn } from 'node:child_process';
import { closeSync, createReadStream, existsSync, mkdtempSync, openSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { defineCatalog } from '../src/catalog/index.js';
import { createEmitter } from '../src/emitter/index.js';
import { readLineBatches } from '../src/lines/read-lines.js';
import { createLocalBackend } from '../src/query/index.js';
import { createJsonlSink } from '../src/sinks/jsonl/index.js';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

const catalog = defineCatalog(
  {
    'agent.code.generated:1': z.object({
      file: z.string(),
      language: z.string(),
      lines_added: z.int(),
      lines_removed: z.int(),
      confidence: z.number(),
      duration_ms: z.int(),
      prompt_tokens: z.int(),
      completion_tokens: z.int(),
      summary: z.string(),
    }),
    'agent.code.generation_failed:1': z.object({ file: z.string(), language: z.string(), confidence: z.number(), error: z.string(), attempt: z.int() }),
    'agent.test.passed:1': z.object({ file: z.string(), suite: z.string(), duration_ms: z.int(), assertions: z.int() }),
  },
  { name: 'bench' },
);

const FILES = [
  'src/auth/login.ts',
  'src/auth/session.ts',
  'src/api/handler.ts',
  'src/db/pool.ts',
  'src/ui/form.tsx',
  'src/auth/token.ts',
  'src/billing/invoice.ts',
];
const MODELS = ['claude-sonnet-4', 'gpt-5', 'gemini-2.5-pro'];

async function generate(path: string): Promise<void> {
  const sink = createJsonlSink({ path, fsync: 'never', maxBytes: 4 * 1024 ** 3 });
  // The service the queries select: without it every line would carry unknown_service:node and match nothing.
  const emitter = createEmitter(catalog, { sinks: [sink], validation: 'off', serviceName: 'bench' });
  const t0 = Date.parse('2026-11-01T00:00:00.000Z');
  for (let i = 0; i < EVENTS; i++) {
    const file = FILES[i % FILES.length]!;
    const source = { type: 'child_agent' as const, model: MODELS[i % MODELS.length]!, name: 'bench-agent' };
    const time = t0 + i * 1000;
    const k = i % 10;
    if (k < 6) {
      emitter.emit(
        'agent.code.generated:1',
        {
          file,
          language: 'typescript',
          lines_added: (i * 7) % 120,
          lines_removed: (i * 3) % 40,
          confidence: ((i * 37) % 100) / 100,
          duration_ms: 800 + ((i * 13) % 5000),
          prompt_tokens: 1200 + (i % 900),
          completion_tokens: 300 + (i % 700),
          summary: `Refactored ${file} to validate the input before use (iteration ${i})`,
        },
        { time, source, sessionId: `S-${i % 1000}` },
      );
    } else if (k < 8) {
      emitter.emit(
        'agent.code.generation_failed:1',
        {
          file,
          language: 'typescript',
          confidence: ((i * 37) % 100) / 100,
          error: `TS2345: Argument of type 'string' is not assignable (attempt ${i % 3})`,
          attempt: i % 3,
        },
        { time, source, sessionId: `S-${i % 1000}` },
      );
    } else {
      emitter.emit(
        'agent.test.passed:1',
        { file: file.replace('src/', 'test/'), suite: 'unit', duration_ms: 20 + (i % 300), assertions: 1 + (i % 40) },
        { time, source },
      );
    }
    if (i % 10_000 === 9_999) await sink.flush();
  }
  await sink.shutdown();
}

async function floorReader(path: string): Promise<number> {
  let n = 0;
  for await (const batch of readLineBatches(path)) for (const l of batch) if (JSON.parse(l.text) !== null) n++;
  return n;
}

async function floorReadline(path: string): Promise<number> {
  let n = 0;
  const rl = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  for await (const line of rl) if (JSON.parse(line) !== null) n++;
  return n;
}

/** Wall time and this process's CPU time (user + system), in ms. */
async function time<T>(run: () => Promise<T>): Promise<{ ms: number; cpuMs: number; result: T }> {
  const t = process.hrtime.bigint();
  const c = process.cpuUsage();
  const result = await run();
  const used = process.cpuUsage(c);
  return { ms: Number(process.hrtime.bigint() - t) / 1e6, cpuMs: (used.user + used.system) / 1000, result };
}

function logcliPath(): string | undefined {
  if (process.env.LOGCLI !== undefined) return existsSync(process.env.LOGCLI) ? process.env.LOGCLI : undefined;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir !== '' && existsSync(join(dir, 'logcli'))) return join(dir, 'logcli');
  }
  return undefined;
}

/** Runs logcli on the file in slices of about 20 MB of whole lines; the lines it printed, summed. */
async function logcliSlices(bin: string, query: string, file: string): Promise<{ ms: number; lines: number; error?: string }> {
  const SLICE = 20 * 1024 * 1024;
  const size = statSync(file).size;
  const fd = openSync(file, 'r');
  let ms = 0;
  let lines = 0;
  try {
    for (let at = 0; at < size; ) {
      const buf = Buffer.alloc(Math.min(SLICE, size - at));
      readSync(fd, buf, 0, buf.length, at);
      const cut = at + buf.length >= size ? buf.length : buf.lastIndexOf(0x0a) + 1;
      const slice = join(tmpdir(), `factline-bench-slice-${process.pid}.jsonl`);
      writeFileSync(slice, buf.subarray(0, cut));
      const r = await logcli(bin, query, slice);
      rmSync(slice, { force: true });
      if (r.error !== undefined) return { ms: ms + r.ms, lines, error: r.error };
      ms += r.ms;
      lines += r.lines;
      at += cut;
    }
  } finally {
    closeSync(fd);
  }
  return { ms, lines };
}

async function logcli(bin: string, query: string, file: string): Promise<{ ms: number; lines: number; error?: string }> {
  const t = process.hrtime.bigint();
  return new Promise((resolve) => {
    // --stdin stamps each line with the time it reads it: the window is "now".
    // --batch as large as --limit: logcli prints at most one batch (1,000) otherwise.
    const from = new Date(Date.now() - 3_600_000).toISOString();
    const to = new Date(Date.now() + 3_600_000).toISOString();
    const child = spawn(bin, ['query', '--stdin', '--limit', '100000000', '--batch', '100000000', '--quiet', `--from=${from}`, `--to=${to}`, query], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = 0;
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString().split('\n').length - 1));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    createReadStream(file)
      .pipe(child.stdin)
      .on('error', () => {});
    child.on('close', (code) => {
      resolve({ ms: Number(process.hrtime.bigint() - t) / 1e6, lines: out, ...(code !== 0 ? { error: err.trim().split('\n').pop() ?? `exit ${code}` } : {}) });
    });
  });
}

async function main(): Promise<void> {
  const dir = process.env.BENCH_DIR ?? mkdtempSync(join(tmpdir(), 'factline-query-bench-'));
  const path = join(dir, 'events.jsonl');
  if (!existsSync(path)) {
    process.stdout.write(`generating ${EVENTS} events into ${path} ... `);
    const g = await time(() => generate(path));
    process.stdout.write(`${(g.ms / 1000).toFixed(1)} s\n`);
  }
  const size = statSync(path).size;
  console.log(`file: ${(size / 1e6).toFixed(0)} MB, ${EVENTS} events, ${(size / EVENTS).toFixed(0)} bytes per line`);

  const backend = createLocalBackend({ files: [path], serviceName: 'bench' });
  const end = BigInt(Date.parse('2026-12-31T00:00:00.000Z')) * 1_000_000n;
  // Each row: a count the engine answers, the same count by a plain loop over
  // the payloads (the bench fails when they differ or are 0), and the log
  // query logcli runs on the raw lines (whose payload fields are payload_*).
  interface Payload {
    error?: string;
    summary?: string;
    confidence?: number;
    file?: string;
  }
  const rows: { name: string; selector: string; logcli: string; recount: (p: Payload) => boolean }[] = [
    {
      name: '|= line filter',
      selector: '{service_name="bench"} |= "TS2345"',
      logcli: '{service_name="bench"} |= "TS2345"',
      recount: (p) => p.error?.includes('TS2345') === true,
    },
    {
      name: '|~ regex matching most lines',
      selector: '{service_name="bench"} |~ "Refactored .* to validate"',
      logcli: '{service_name="bench"} |~ "Refactored .* to validate"',
      recount: (p) => /Refactored .* to validate/.test(p.summary ?? ''),
    },
    {
      name: '| json label filter',
      selector: '{service_name="bench"} | json | confidence < 0.05 and file="src/auth/login.ts"',
      logcli: '{service_name="bench"} | json | payload_confidence < 0.05 and payload_file="src/auth/login.ts"',
      recount: (p) => (p.confidence ?? 1) < 0.05 && p.file === 'src/auth/login.ts',
    },
  ];
  const expected = rows.map(() => 0);
  for await (const batch of readLineBatches(path)) {
    for (const l of batch) {
      const p = (JSON.parse(l.text) as { payload: Payload }).payload;
      for (let i = 0; i < rows.length; i++) if (rows[i]!.recount(p)) expected[i]!++;
    }
  }
  const count = async (selector: string): Promise<number> => {
    const res = await backend.query({ query: `sum(count_over_time(${selector} [61d]))`, time: end });
    const v = (res.data.result as { value: [number, string] }[])[0]?.value[1];
    return Number(v ?? 0);
  };
  const queries = rows.map((r, i) => ({
    name: r.name,
    query: r.selector,
    run: async () => {
      const n = await count(r.selector);
      if (n === 0 || n !== expected[i]) throw new Error(`${r.name}: the engine counted ${n}, a plain loop ${expected[i]}`);
      return n;
    },
  }));
  queries.push({
    name: 'sum by (factline_event_id) (count_over_time)',
    query: 'sum by (factline_event_id) (count_over_time({service_name="bench"}[61d]))',
    run: async () => {
      const res = await backend.query({ query: 'sum by (factline_event_id) (count_over_time({service_name="bench"}[61d]))', time: end });
      const total = (res.data.result as { value: [number, string] }[]).reduce((a, s) => a + Number(s.value[1]), 0);
      if (total !== EVENTS) throw new Error(`count by event: ${total}, ${EVENTS} events written`);
      return total;
    },
  });

  const floorNames = ['floor: readLineBatches + JSON.parse', 'floor: node:readline + JSON.parse'];
  const cases: { name: string; run: () => Promise<unknown> }[] = [
    { name: floorNames[0]!, run: () => floorReader(path) },
    { name: floorNames[1]!, run: () => floorReadline(path) },
    ...queries,
  ];
  const wall: number[][] = cases.map(() => []);
  const cpu: number[][] = cases.map(() => []);
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  for (let r = 0; r < ROUNDS; r++) {
    for (let k = 0; k < cases.length; k++) {
      const i = (k + r) % cases.length;
      const t = await time(cases[i]!.run);
      wall[i]!.push(t.ms);
      cpu[i]!.push(t.cpuMs);
    }
  }
  clearInterval(sampler);
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const floorCpu = Math.min(median(cpu[0]!), median(cpu[1]!));
  const times = wall.slice(2);
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  console.log(`\nmedian of ${ROUNDS} rounds, order rotated each round; CPU time (ratio to the faster floor's), then wall time:`);
  for (let i = 0; i < cases.length; i++) {
    const ratio = i < 2 ? '' : `${(median(cpu[i]!) / floorCpu).toFixed(2)}x floor`;
    const query = i < 2 ? '' : queries[i - 2]!.query;
    console.log(
      `  ${cases[i]!.name.padEnd(48)} cpu ${s(median(cpu[i]!)).padStart(8)}  ${ratio.padEnd(11)}  wall ${s(median(wall[i]!)).padStart(8)}   ${query}`,
    );
  }
  console.log(`  peak RSS ${(peak / 1e6).toFixed(0)} MB`);

  const bin = logcliPath();
  if (bin !== undefined) {
    // logcli --stdin reads at most about 20 MB at once: the file goes in
    // 20 MB slices (whole lines), one logcli each, and what they print is
    // counted against the engine's count.
    console.log(`\nlogcli (${bin}) query --stdin, 20 MB slices of the same file:`);
    for (let i = 0; i < rows.length; i++) {
      const res = await logcliSlices(bin, rows[i]!.logcli, path);
      const agree =
        res.error === undefined ? (res.lines === expected[i] ? 'same count' : `count ${res.lines}, expected ${expected[i]}`) : `refused: ${res.error}`;
      const m = median(times[i]!);
      console.log(`  ${rows[i]!.name.padEnd(48)} wall ${(res.ms / 1000).toFixed(2)} s  local ${(m / res.ms).toFixed(2)}x logcli (wall)  ${agree}`);
    }
  } else console.log('\nlogcli: not found (set LOGCLI to compare with `logcli query --stdin`)');
  if (process.env.BENCH_DIR === undefined) rmSync(dir, { recursive: true, force: true });
}

await main();
