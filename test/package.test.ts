import { readFileSync, existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { VERSION } from '../src/version.js';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const lock = JSON.parse(readFileSync(new URL('../package-lock.json', import.meta.url), 'utf8'));

function satisfiesRange(version: string, range: string): boolean {
  // The peer range is written as ">=A.B.C <X.Y.Z"; compare numerically.
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

  it('stays on the OpenTelemetry JS 2.x line that runs on Node 20, with ranges that dedupe with a host SDK', () => {
    // Caret ranges (0.223.x / 2.x from 2.12), never exact pins: an exact pin
    // different from the host's @opentelemetry/sdk-node installs second copies.
    expect(pkg.dependencies['@opentelemetry/sdk-logs']).toMatch(/^\^0\.223\.\d+$/);
    expect(pkg.dependencies['@opentelemetry/exporter-logs-otlp-http']).toMatch(/^\^0\.223\.\d+$/);
    expect(pkg.dependencies['@opentelemetry/sdk-trace-base']).toMatch(/^\^2\.12\.\d+$/);
    for (const [name, range] of Object.entries(pkg.dependencies as Record<string, string>)) {
      if (name.startsWith('@opentelemetry/')) expect(range, name).toMatch(/^\^(0\.223|2\.12)\.\d+$/);
    }
  });

  it('has zod 4 as a peer dependency, not a dependency', () => {
    expect(pkg.peerDependencies.zod).toBe('^4.0.0');
    expect(pkg.dependencies.zod).toBeUndefined();
  });

  it('reports the same version in code as in package.json', () => {
    expect(VERSION).toBe(pkg.version);
  });

  it('has an exports map and a bin whose sources exist', () => {
    const toSource = (p: string) => new URL('../' + p.replace(/^\.\/dist\//, '').replace(/\.js$/, '.ts').replace(/\.d\.ts$/, '.ts'), import.meta.url);
    for (const [sub, target] of Object.entries(pkg.exports as Record<string, string | { import: string; types: string }>)) {
      if (typeof target === 'string') continue;
      expect(existsSync(toSource(target.import)), `${sub} → ${target.import}`).toBe(true);
      expect(target.types.replace(/\.d\.ts$/, '.js')).toBe(target.import);
    }
    expect(existsSync(toSource(pkg.bin.factline))).toBe(true);
  });
});
