import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attr, startOtlpJsonReceiver } from './otlp-receiver.js';

/*
 * The packed tarball, installed from the npm registry into a fresh project
 * beside the OpenTelemetry Node SDK, as a service owner would.
 */
const root = fileURLToPath(new URL('../../', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const HOST_SDK = '@opentelemetry/sdk-node@0.223.0';
const subpaths = Object.keys(pkg.exports as Record<string, unknown>).filter((k) => k !== './package.json').map((k) => (k === '.' ? 'factline' : `factline/${k.slice(2)}`));

/** Every `node_modules/<name>/package.json` under dir, with the path it sits at. */
function installed(dir: string, prefix = ''): { path: string; name: string; version: string }[] {
  const nm = join(dir, 'node_modules');
  if (!existsSync(nm)) return [];
  const out: { path: string; name: string; version: string }[] = [];
  for (const entry of readdirSync(nm)) {
    if (entry.startsWith('.')) continue;
    const names = entry.startsWith('@') ? readdirSync(join(nm, entry)).map((n) => `${entry}/${n}`) : [entry];
    for (const name of names) {
      const at = join(nm, name);
      const manifest = join(at, 'package.json');
      if (!existsSync(manifest)) continue;
      const path = posix.join(prefix, 'node_modules', name);
      out.push({ path, name, version: JSON.parse(readFileSync(manifest, 'utf8')).version }, ...installed(at, path));
    }
  }
  return out;
}

const work = mkdtempSync(join(tmpdir(), 'factline-pack-'));
const project = join(work, 'service');

/** The ```ts blocks of the README's "Use it in a service" section, by the file name in their first line (`// name.ts`). */
function readmeServiceSnippets(): Record<string, string> {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const start = readme.indexOf('## Use it in a service');
  const end = readme.indexOf('### Options', start);
  const out: Record<string, string> = {};
  for (const m of readme.slice(start, end).matchAll(/```ts\n([\s\S]*?)```/g)) {
    const name = /^\/\/ (\S+\.ts)/.exec(m[1]!)?.[1];
    if (name === undefined) throw new Error(`a README block without a "// name.ts" first line:\n${m[1]}`);
    out[name] = m[1]!;
  }
  return out;
}

/** A free TCP port on 127.0.0.1. */
async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * Starts a README service, sends it one request (retrying until it
 * listens), then SIGTERM, and waits for it to exit by itself.
 */
async function runService(cwd: string, args: string[], env: Record<string, string>, traceId?: string) {
  const port = await freePort();
  const child = spawn(process.execPath, args, { cwd, env: { PATH: process.env.PATH, PORT: String(port), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const headers: Record<string, string> = traceId ? { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` } : {};
  let served = false;
  for (let attempt = 0; attempt < 200 && !served && child.exitCode === null; attempt++) {
    served = await fetch(`http://127.0.0.1:${port}/`, { headers }).then(
      async (r) => (await r.text()) === 'ok\n',
      () => new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 100)),
    );
  }
  if (!served) child.kill('SIGKILL');
  else child.kill('SIGTERM');
  const deadline = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const exit = await exited;
  clearTimeout(deadline);
  if (!served) throw new Error(`the service never answered:\n${output}`);
  return { exit, output };
}

describe('the packed tarball', () => {
  let files: string[];
  let tarball: string;

  beforeAll(() => {
    // `npm pack` runs `prepare` (the build) first, as `npm publish` does.
    const [packed] = JSON.parse(execFileSync(npm, ['pack', '--json', '--pack-destination', work], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }));
    files = packed.files.map((f: { path: string }) => f.path);
    tarball = join(work, packed.filename);
    execFileSync('mkdir', ['-p', project]);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'service', version: '1.0.0', private: true, type: 'module' }, null, 2));
    const deps = [tarball, HOST_SDK, '@opentelemetry/instrumentation-http@0.223.0', '@opentelemetry/api@1.9', 'zod@4', 'typescript@5.9', '@types/node@20'];
    execFileSync(npm, ['install', '--no-audit', '--no-fund', '--loglevel=error', ...deps], { cwd: project, stdio: ['ignore', 'inherit', 'inherit'] });
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('ships what users run: the built library, its sources for the source maps, configs, docs and the LICENSE', () => {
    expect(files).toContain('LICENSE');
    expect(readFileSync(join(root, 'LICENSE'), 'utf8')).toMatch(/Apache License\s+Version 2\.0, January 2004/);
    expect(files).toContain('dist/src/index.js');
    expect(files).toContain('dist/src/index.d.ts');
    expect(files).toContain(pkg.bin.factline.replace(/^\.\//, ''));
    expect(files.filter((f) => /^dist\/(bench|examples|test)\//.test(f) || /^(bench|test|examples)\//.test(f))).toEqual([]);
    expect(files.filter((f) => /\.test\.|overlays\//.test(f))).toEqual([]);
  });

  it('has no source map that points at a file it does not ship', () => {
    const maps = files.filter((f) => f.endsWith('.map'));
    const missing = maps.flatMap((m) => {
      const map = JSON.parse(readFileSync(join(root, m), 'utf8')) as { sources: string[] };
      return map.sources.map((s) => posix.normalize(posix.join(posix.dirname(m), s))).filter((s) => !files.includes(s));
    });
    expect(missing).toEqual([]);
  });

  it(`installs beside ${HOST_SDK} without a second copy of any OpenTelemetry package`, () => {
    const otel = installed(project).filter((p) => p.name.startsWith('@opentelemetry/'));
    expect(otel.length).toBeGreaterThan(10);
    expect(otel.filter((p) => p.path.split('node_modules').length > 2)).toEqual([]);
    // `npm ls` agrees: no invalid or missing dependency in the tree.
    execFileSync(npm, ['ls', '--all'], { cwd: project, stdio: 'ignore' });
  });

  it('loads every subpath with require() and with import', () => {
    const script = subpaths.map((s) => `if (typeof require(${JSON.stringify(s)}) !== 'object') throw new Error(${JSON.stringify(s)});`).join('\n') + "\nconsole.log(typeof require('factline').setupFactline);";
    // --input-type=commonjs: the project is "type": "module", and this is the CommonJS user's require().
    expect(execFileSync(process.execPath, ['--no-warnings', '--input-type=commonjs', '-e', script], { cwd: project, encoding: 'utf8' }).trim()).toBe('function');
    const esm = subpaths.map((s) => `await import(${JSON.stringify(s)});`).join('\n') + "\nconst { setupFactline } = await import('factline'); console.log(typeof setupFactline);";
    expect(execFileSync(process.execPath, ['--input-type=module', '-e', esm], { cwd: project, encoding: 'utf8' }).trim()).toBe('function');
  });

  it('type-checks every subpath under moduleResolution node10 and nodenext, from CommonJS and from ESM', () => {
    const source = subpaths.map((s, i) => `import * as m${i} from ${JSON.stringify(s)};\nexport const k${i} = Object.keys(m${i});`).join('\n') + "\nimport { setupFactline } from 'factline';\nexport const f: typeof setupFactline = setupFactline;\n";
    writeFileSync(join(project, 'check.cts'), source);
    writeFileSync(join(project, 'check.mts'), source);
    for (const [module, moduleResolution, files] of [['commonjs', 'node10', ['check.cts']], ['nodenext', 'nodenext', ['check.cts', 'check.mts']]] as const) {
      const tsconfig = { compilerOptions: { module, moduleResolution, target: 'es2022', strict: true, noEmit: true, skipLibCheck: true, types: [] }, files };
      writeFileSync(join(project, 'tsconfig.json'), JSON.stringify(tsconfig));
      tsc(project);
    }
  });

  it("compiles and runs the README's service snippets against the installed package", async () => {
    const blocks = readmeServiceSnippets();
    expect(Object.keys(blocks)).toEqual(['catalog.ts', 'service.ts', 'telemetry.ts', 'server.ts']);
    const dir = join(project, 'readme');
    execFileSync('mkdir', ['-p', dir]);
    for (const [name, code] of Object.entries(blocks)) writeFileSync(join(dir, name), code);
    const tsconfig = { compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', strict: true, skipLibCheck: true, types: ['node'], outDir: 'out' }, include: ['*.ts'] };
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(tsconfig));
    tsc(dir);

    // service.ts: its own pipeline (exporters off here), the events file, SIGTERM.
    const plain = await runService(dir, ['out/service.js'], { OTEL_LOGS_EXPORTER: 'none', OTEL_TRACES_EXPORTER: 'none' });
    expect(plain.exit).toEqual({ code: 0, signal: null });
    const lines = readFileSync(join(dir, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.event_id)).toEqual(['auth.user.login:1']);

    // telemetry.ts + server.ts: the service's NodeSDK, exporting to a receiver here.
    const receiver = await startOtlpJsonReceiver();
    try {
      const traceId = randomBytes(16).toString('hex');
      const withSdk = await runService(dir, ['--import', './out/telemetry.js', 'out/server.js'], { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_METRICS_EXPORTER: 'none' }, traceId);
      expect(withSdk.exit, withSdk.output).toEqual({ code: 0, signal: null });
      const events = receiver.logRecords().filter((r) => attr(r, 'factline.event.id') !== undefined);
      expect(events.map((r) => [r.eventName, r.traceId])).toEqual([['auth.user.locked', traceId]]);
      expect(receiver.spans().find((sp) => sp.traceId === traceId)?.events?.map((e) => e.name)).toEqual(['auth.user.locked']);
    } finally {
      await receiver.close();
    }
  });
});

function tsc(cwd: string): void {
  try {
    execFileSync(process.execPath, [join(project, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], { cwd, encoding: 'utf8' });
  } catch (e) {
    throw new Error(`tsc in ${cwd} failed:\n${(e as { stdout?: string }).stdout ?? String(e)}`);
  }
}
