import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

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

describe('the packed tarball', () => {
  const work = mkdtempSync(join(tmpdir(), 'factline-pack-'));
  const project = join(work, 'service');
  let files: string[];
  let tarball: string;

  beforeAll(() => {
    // `npm pack` runs `prepare` (the build) first, as `npm publish` does.
    const [packed] = JSON.parse(execFileSync(npm, ['pack', '--json', '--pack-destination', work], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }));
    files = packed.files.map((f: { path: string }) => f.path);
    tarball = join(work, packed.filename);
    execFileSync('mkdir', ['-p', project]);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'service', version: '1.0.0', private: true }, null, 2));
    execFileSync(npm, ['install', '--no-audit', '--no-fund', '--loglevel=error', tarball, HOST_SDK, '@opentelemetry/api@1.9', 'zod@4', 'typescript@5.9'], { cwd: project, stdio: ['ignore', 'inherit', 'inherit'] });
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
    expect(execFileSync(process.execPath, ['--no-warnings', '-e', script], { cwd: project, encoding: 'utf8' }).trim()).toBe('function');
    const esm = subpaths.map((s) => `await import(${JSON.stringify(s)});`).join('\n') + "\nconst { setupFactline } = await import('factline'); console.log(typeof setupFactline);";
    expect(execFileSync(process.execPath, ['--input-type=module', '-e', esm], { cwd: project, encoding: 'utf8' }).trim()).toBe('function');
  });

  it('type-checks every subpath under moduleResolution node10 and nodenext', () => {
    const source = subpaths.map((s, i) => `import * as m${i} from ${JSON.stringify(s)};\nexport const k${i} = Object.keys(m${i});`).join('\n') + "\nimport { setupFactline } from 'factline';\nexport const f: typeof setupFactline = setupFactline;\n";
    writeFileSync(join(project, 'check.ts'), source);
    for (const [module, moduleResolution] of [['commonjs', 'node10'], ['nodenext', 'nodenext']]) {
      const tsconfig = { compilerOptions: { module, moduleResolution, target: 'es2022', strict: true, noEmit: true, skipLibCheck: true, types: [] }, files: ['check.ts'] };
      writeFileSync(join(project, 'tsconfig.json'), JSON.stringify(tsconfig));
      const run = () => execFileSync(process.execPath, [join(project, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], { cwd: project, encoding: 'utf8' });
      expect(run, `${moduleResolution}`).not.toThrow();
    }
  });
});
