import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { VERSION } from '../src/version.js';
import { TOOL_PACKAGES } from '../src/cli/tools.js';
import { SDK_INSTALL_COMMANDS, sdkInstallAdvice } from '../src/otel/sdk.js';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const lock = JSON.parse(readFileSync(new URL('../package-lock.json', import.meta.url), 'utf8'));

function satisfiesRange(version: string, range: string): boolean {
  // The peer ranges are written as ">=A.B.C <X.Y.Z", alternatives joined by "||"; compare numerically.
  if (range.includes('||')) return range.split('||').some((r) => satisfiesRange(version, r.trim()));
  const num = (v: string) => v.split('.').map(Number) as [number, number, number];
  const cmp = (a: string, b: string) => {
    const [x, y] = [num(a), num(b)];
    for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
    return 0;
  };
  return range.split(/\s+/).every((part) => {
    const m = /^(>=|<|<=|>)(\d+\.\d+\.\d+)$/.exec(part);
    if (!m) throw new Error(`unsupported range part ${part}`);
    const c = cmp(version, m[2]!);
    return m[1] === '>=' ? c >= 0 : m[1] === '<' ? c < 0 : m[1] === '<=' ? c <= 0 : c > 0;
  });
}

describe('the package', () => {
  it('has @opentelemetry/api as a peer dependency, and the installed dev version is inside the peer range', () => {
    const range = pkg.peerDependencies['@opentelemetry/api'];
    expect(range).toBeDefined();
    expect(pkg.dependencies['@opentelemetry/api']).toBeUndefined();
    const installed = lock.packages['node_modules/@opentelemetry/api'].version;
    expect(satisfiesRange(installed, range)).toBe(true);
    expect(satisfiesRange(pkg.devDependencies['@opentelemetry/api'], range)).toBe(true);
  });

  /*
   * The service's OpenTelemetry packages are the ones factline uses: every
   * @opentelemetry/* package is a peer whose range admits the SDK 2 line
   * (root lock: sdk-node 0.2xx, API 1.9) and the SDK 3 line (test/sdk3:
   * sdk-node 0.30x, API 1.10), so npm installs no second copy beside either.
   */
  it('takes every OpenTelemetry package as a peer admitting both SDK lines, and depends on none', () => {
    expect(Object.keys(pkg.dependencies).filter((n) => n.startsWith('@opentelemetry/'))).toEqual([]);
    const sdk3 = JSON.parse(readFileSync(new URL('../test/sdk3/package-lock.json', import.meta.url), 'utf8'));
    const peers = Object.entries(pkg.peerDependencies as Record<string, string>).filter(([n]) => n.startsWith('@opentelemetry/'));
    expect(peers.length).toBeGreaterThan(10);
    for (const [name, range] of peers) {
      for (const [line, set] of [
        ['SDK 2', lock],
        ['SDK 3', sdk3],
      ] as const) {
        const installed = set.packages[`node_modules/${name}`]?.version as string | undefined;
        // @opentelemetry/api-logs is SDK 2 only: SDK 3 keeps the Logs API in @opentelemetry/api.
        if (name === '@opentelemetry/api-logs' && line === 'SDK 3') {
          expect(installed, `${line} ${name}`).toBeUndefined();
          continue;
        }
        expect(installed, `${line} ${name}`).toBeDefined();
        expect(satisfiesRange(installed!, range), `${line} ${name}@${installed} in ${range}`).toBe(true);
      }
      // Only the API is a required peer: the SDK packages are loaded when factline's own pipeline is built.
      expect(pkg.peerDependenciesMeta?.[name]?.optional ?? false, name).toBe(name !== '@opentelemetry/api');
    }
  });

  it('has a second dependency set (test/sdk3) that differs from the root one only in the OpenTelemetry packages', () => {
    const sdk3 = JSON.parse(readFileSync(new URL('../test/sdk3/package.json', import.meta.url), 'utf8'));
    const others = (deps: Record<string, string>) => Object.fromEntries(Object.entries(deps).filter(([n]) => !n.startsWith('@opentelemetry/')));
    // `node scripts/sdk3.mjs --sync` brings test/sdk3 in line after a change to the root's dependencies.
    expect(others(sdk3.devDependencies), 'run: node scripts/sdk3.mjs --sync').toEqual(others({ ...pkg.devDependencies, ...pkg.dependencies }));
    expect(sdk3.devDependencies['@opentelemetry/api']).toMatch(/^1\.10\./);
    expect(sdk3.devDependencies['@opentelemetry/sdk-node']).toMatch(/^0\.3\d\d\./);
  });

  it('keeps the tools (query engine, MCP server) out of a plain install: optional peers, installed by @factline/tools', () => {
    const tools = JSON.parse(readFileSync(new URL('../packages/tools/package.json', import.meta.url), 'utf8'));
    for (const name of TOOL_PACKAGES) {
      expect(pkg.dependencies[name], name).toBeUndefined();
      expect(pkg.peerDependencies[name], name).toBeDefined();
      expect(pkg.peerDependenciesMeta[name], name).toEqual({ optional: true });
      expect(tools.dependencies[name], name).toBe(pkg.peerDependencies[name]);
      // The repository installs every tool, so its own tests and `npx factline` run them.
      expect(pkg.devDependencies[name], name).toBeDefined();
      expect(lock.packages[`node_modules/${name}`], name).toBeDefined();
    }
    expect(tools.dependencies.factline).toBe(pkg.version);
    expect(tools.version).toBe(pkg.version);
    expect(Object.keys(pkg.dependencies)).toEqual(['proper-lockfile']);
  });

  it('has zod 4 as a peer dependency, not a dependency', () => {
    expect(pkg.peerDependencies.zod).toBe('^4.0.0');
    expect(pkg.dependencies.zod).toBeUndefined();
  });

  it('reports the same version in code as in package.json', () => {
    expect(VERSION).toBe(pkg.version);
  });

  it('has an exports map and a bin whose sources exist', () => {
    const toSource = (p: string) =>
      new URL(
        '../' +
          p
            .replace(/^\.\/dist\//, '')
            .replace(/\.js$/, '.ts')
            .replace(/\.d\.ts$/, '.ts'),
        import.meta.url,
      );
    for (const [sub, target] of Object.entries(pkg.exports as Record<string, string | { import: string; types: string }>)) {
      if (typeof target === 'string') continue;
      expect(existsSync(toSource(target.import)), `${sub} → ${target.import}`).toBe(true);
      expect(target.types.replace(/\.d\.ts$/, '.js')).toBe(target.import);
    }
    expect(existsSync(toSource(pkg.bin.factline))).toBe(true);
  });
});

/*
 * npm runs these scripts of a package when it installs it (npm 11 warns about
 * every package that has one and is not allowed to), so the packed manifests
 * carry none: the build runs on `prepack`, before `npm pack` and `npm publish`
 * (docs.npmjs.com, "Life Cycle Scripts").
 */
const INSTALL_SCRIPTS = ['preinstall', 'install', 'postinstall', 'preprepare', 'prepare', 'postprepare'];

describe('the packed manifests', () => {
  // Two `npm pack` runs (no build): seconds, but minutes on a loaded machine.
  it('carry no install-time script, and factline builds on prepack', () => {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const work = mkdtempSync(join(tmpdir(), 'factline-manifest-'));
    try {
      for (const dir of ['../', '../packages/tools/']) {
        const cwd = fileURLToPath(new URL(dir, import.meta.url));
        // --ignore-scripts: the manifest is the question here, not the build (the package suite packs with it).
        const [packed] = JSON.parse(
          execFileSync(npm, ['pack', '--json', '--ignore-scripts', '--pack-destination', work], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }),
        ) as { filename: string }[];
        const manifest = JSON.parse(execFileSync('tar', ['-xzOf', join(work, packed!.filename), 'package/package.json'], { encoding: 'utf8' })) as {
          name: string;
          scripts?: Record<string, string>;
        };
        expect(
          Object.keys(manifest.scripts ?? {}).filter((k) => INSTALL_SCRIPTS.includes(k)),
          manifest.name,
        ).toEqual([]);
        if (manifest.name === 'factline') expect(manifest.scripts?.prepack).toBe('npm run build');
      }
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }, 180_000);
});

describe("the README's install commands", () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('## Use it in a service'), readme.indexOf('\n## ', readme.indexOf('## Use it in a service') + 1));
  const installs = [...section.matchAll(/^npm install \/path\/to\/factline\/factline-<version>\.tgz zod@4(.*)$/gm)].map((m) => m[1]!.trim());

  it('install the OpenTelemetry SDK the service.ts snippet needs, with the commands OtelSdkMissingError gives, one per SDK line', () => {
    // service.ts builds factline's own pipeline: without the SDK packages it throws OtelSdkMissingError.
    expect(installs).toEqual([SDK_INSTALL_COMMANDS.sdk3, SDK_INSTALL_COMMANDS.sdk2].map((c) => c.replace(/^npm install /, '')));
  });

  it("pin an API inside factline's peer range for the SDK 2 line", () => {
    const api = /"@opentelemetry\/api@~(\d+\.\d+)"/.exec(SDK_INSTALL_COMMANDS.sdk2)![1]!;
    expect(satisfiesRange(`${api}.0`, pkg.peerDependencies['@opentelemetry/api'])).toBe(true);
  });

  it('OtelSdkMissingError advice gives the command of the line the API and the running Node allow', () => {
    const missing = ['@opentelemetry/sdk-logs'];
    expect(sdkInstallAdvice(missing, { apiLogs: true, node: '24.1.0' }).startsWith(`${SDK_INSTALL_COMMANDS.sdk3} `)).toBe(true);
    expect(sdkInstallAdvice(missing, { apiLogs: true, node: '22.15.0' }).startsWith(`${SDK_INSTALL_COMMANDS.sdk3} `)).toBe(true);
    // API 1.10 on Node 20: the SDK 3 line would not run, so the SDK 2 line with API 1.9.
    const onNode20 = sdkInstallAdvice(missing, { apiLogs: true, node: '20.19.0' });
    expect(onNode20.startsWith(`${SDK_INSTALL_COMMANDS.sdk2} `)).toBe(true);
    expect(onNode20).toContain('needs Node 22.15 or later, this is Node 20.19.0');
    expect(onNode20).toContain('or only npm install "@opentelemetry/api@~1.9" "@opentelemetry/sdk-logs@<0.300"');
    expect(sdkInstallAdvice(missing, { apiLogs: false, node: '24.1.0' }).startsWith(`${SDK_INSTALL_COMMANDS.sdk2} `)).toBe(true);
  });
});
