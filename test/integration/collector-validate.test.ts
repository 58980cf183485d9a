import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE_CONFIG, buildCollector, CONFIG_DIR, OVERLAY_DIR, SKIP_NOTE } from './support/collector.js';

/*
 * The Collector YAML that ships is the YAML this suite checks, against a real
 * Collector built from collector-config/builder-config.yaml (STYLE.md: "the
 * Collector YAML that ships is the YAML the integration test runs").
 *
 * Without Go the build is impossible: outside CI the suite skips with that
 * reason; with CI set it fails, so a broken toolchain cannot pass as green
 * (SKIP_NOTE and buildCollector, shared with the pipeline suites, are in
 * support/collector.ts).
 */

const MANIFEST = join(CONFIG_DIR, 'builder-config.yaml');

/** YAML files in collector-config/ that are deliberately not Collector configs. */
const NOT_COLLECTOR_CONFIGS = new Set(['builder-config.yaml', 'loki.yaml', 'tempo.yaml']);

/**
 * Component type names of the distribution at the pinned release. Pinned so
 * that a version bump that renames a type (as 0.15x did: filelog -> file_log,
 * otlphttp -> otlp_http, otlp -> otlp_grpc) shows up here, not in production.
 */
const EXPECTED_TYPES = {
  receivers: ['file_log', 'otlp'],
  processors: ['attributes', 'batch', 'memory_limiter', 'resource', 'transform'],
  exporters: ['debug', 'file', 'otlp_grpc', 'otlp_http'],
  extensions: ['file_storage', 'health_check'],
} as const;
type Kind = keyof typeof EXPECTED_TYPES;
const KINDS = Object.keys(EXPECTED_TYPES) as Kind[];

function yamlFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
    .sort();
}

/** A Collector config is a YAML file with a top-level `service:` section. */
function isCollectorConfig(file: string): boolean {
  return /^service:\s*$/m.test(readFileSync(file, 'utf8'));
}

/** `gomod` entries of the manifest ("<module path> <version>"), by component kind. */
function manifestModules(): Record<Kind, string[]> {
  const out: Record<Kind, string[]> = { receivers: [], processors: [], exporters: [], extensions: [] };
  let section = '';
  for (const line of readFileSync(MANIFEST, 'utf8').split('\n')) {
    const top = /^([a-z_]+):/.exec(line);
    if (top?.[1] !== undefined) section = top[1];
    const mod = /^\s+-\s+gomod:\s+(\S+\s+v\S+)\s*$/.exec(line);
    if (mod?.[1] !== undefined && (KINDS as string[]).includes(section)) out[section as Kind].push(mod[1]);
  }
  return out;
}

/**
 * `components` output, reduced to type name and module per kind. The command
 * prints YAML in which each component is a `- name: <type>` item followed by
 * `module: <path> <version>`; the parse relies only on that.
 */
function parseComponents(text: string): Record<Kind, { name: string; module: string }[]> {
  const out: Record<Kind, { name: string; module: string }[]> = { receivers: [], processors: [], exporters: [], extensions: [] };
  let section = '';
  let current: { name: string; module: string } | undefined;
  for (const line of text.split('\n')) {
    const top = /^([a-z_]+):/.exec(line);
    if (top?.[1] !== undefined) {
      section = top[1];
      current = undefined;
      continue;
    }
    if (!(KINDS as string[]).includes(section)) continue;
    const name = /^\s*-\s+name:\s+(\S+)/.exec(line);
    if (name?.[1] !== undefined) {
      current = { name: name[1], module: '' };
      out[section as Kind].push(current);
      continue;
    }
    const mod = /^\s+module:\s+(\S+\s+v\S+)\s*$/.exec(line);
    if (mod?.[1] !== undefined && current) current.module = mod[1];
  }
  return out;
}

/**
 * Component types a Collector config declares: the keys two spaces under the
 * top-level `receivers:`, `processors:`, `exporters:` and `extensions:`,
 * without their `/name` suffix.
 */
function declaredTypes(file: string): Record<Kind, string[]> {
  const out: Record<Kind, string[]> = { receivers: [], processors: [], exporters: [], extensions: [] };
  let section = '';
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const top = /^([a-z_]+):/.exec(line);
    if (top?.[1] !== undefined) section = top[1];
    const key = /^ {2}([a-z_0-9]+)(?:\/[^:]*)?:/.exec(line);
    if (key?.[1] !== undefined && (KINDS as string[]).includes(section)) out[section as Kind].push(key[1]);
  }
  return out;
}

describe('collector-config/', () => {
  it('classifies every YAML file as a Collector config or a known non-Collector file', () => {
    for (const file of yamlFiles(CONFIG_DIR)) {
      const expected = !NOT_COLLECTOR_CONFIGS.has(file);
      expect({ file, isCollectorConfig: isCollectorConfig(join(CONFIG_DIR, file)) }).toEqual({ file, isCollectorConfig: expected });
    }
  });

  it('pins every component of the manifest to one version', () => {
    const text = readFileSync(MANIFEST, 'utf8');
    const builder = /cmd\/builder@(v\S+)/.exec(text)?.[1];
    const versions = new Set([...text.matchAll(/^\s+(?:-\s+)?gomod:\s+\S+\s+(v\S+)$/gm)].map((m) => m[1]).filter((v) => v?.startsWith('v0.')));
    expect(builder).toMatch(/^v0\.\d+\.\d+$/);
    expect([...versions]).toEqual([builder]);
  });
});

describe('the pinned Collector', () => {
  let binary = '';
  // validate reads env vars but binds no port and touches no file; the values
  // are harmless stand-ins so that no default path on this machine matters.
  let scratch = '';
  let env: NodeJS.ProcessEnv = {};

  beforeAll(async () => {
    if (SKIP_NOTE !== undefined) return;
    binary = await buildCollector();
    scratch = mkdtempSync(join(tmpdir(), 'factline-collector-validate-'));
    env = {
      ...process.env,
      FACTLINE_COLLECTOR_STORAGE: join(scratch, 'storage'),
      FACTLINE_EVENTS_FILE: join(scratch, 'events.jsonl'),
      FACTLINE_COLLECTOR_OUT_DIR: join(scratch, 'out'),
      LOKI_OTLP_ENDPOINT: 'http://127.0.0.1:3100/otlp',
      TEMPO_OTLP_ENDPOINT: '127.0.0.1:4317',
      // overlays/test-endpoints.yaml has no default for it: a test must say where its server is.
      FACTLINE_TEST_TRACES_ENDPOINT: 'http://127.0.0.1:4319',
    };
  });

  afterAll(() => {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  function validate(...configs: string[]): { status: number | null; output: string } {
    const args = ['validate', ...configs.flatMap((c) => ['--config', c])];
    const res = spawnSync(binary, args, { env, encoding: 'utf8', timeout: 60_000 });
    return { status: res.status, output: `${res.stdout}${res.stderr}` };
  }

  const configs = yamlFiles(CONFIG_DIR).filter((f) => !NOT_COLLECTOR_CONFIGS.has(f));
  const overlays = yamlFiles(OVERLAY_DIR);

  it('ships at least the production config and one overlay', () => {
    expect(configs).toContain('otel-collector.yaml');
    expect(overlays.length).toBeGreaterThan(0);
  });

  it.for(configs)('validate accepts collector-config/%s', (file, ctx) => {
    if (SKIP_NOTE !== undefined) ctx.skip(SKIP_NOTE);
    const { status, output } = validate(join(CONFIG_DIR, file));
    expect({ status, output }).toEqual({ status: 0, output: expect.any(String) });
  });

  it.for(overlays)('validate accepts otel-collector.yaml + overlays/%s', (file, ctx) => {
    if (SKIP_NOTE !== undefined) ctx.skip(SKIP_NOTE);
    const { status, output } = validate(BASE_CONFIG, join(OVERLAY_DIR, file));
    expect({ status, output }).toEqual({ status: 0, output: expect.any(String) });
  });

  // validate accepts deprecated aliases (filelog, otlphttp, ...) silently;
  // `components` lists only current names, so compare against it.
  it('the shipped configs use only current component type names', (ctx) => {
    if (SKIP_NOTE !== undefined) ctx.skip(SKIP_NOTE);
    const res = spawnSync(binary, ['components'], { encoding: 'utf8', timeout: 60_000 });
    expect(res.status).toBe(0);
    const listed = parseComponents(res.stdout);
    const files = [...configs.map((f) => join(CONFIG_DIR, f)), ...overlays.map((f) => join(OVERLAY_DIR, f))];
    for (const file of files) {
      const declared = declaredTypes(file);
      for (const kind of KINDS) {
        const unknown = declared[kind].filter((t) => !listed[kind].some((c) => c.name === t));
        expect({ file, kind, unknown }).toEqual({ file, kind, unknown: [] });
      }
    }
  });

  it('lists every manifest module, under the pinned type names, in `components`', (ctx) => {
    if (SKIP_NOTE !== undefined) ctx.skip(SKIP_NOTE);
    const res = spawnSync(binary, ['components'], { encoding: 'utf8', timeout: 60_000 });
    expect(res.status).toBe(0);
    const listed = parseComponents(res.stdout);
    const wanted = manifestModules();
    for (const kind of KINDS) {
      expect({ kind, modules: listed[kind].map((c) => c.module).sort() }).toEqual({ kind, modules: [...wanted[kind]].sort() });
      expect({ kind, types: listed[kind].map((c) => c.name).sort() }).toEqual({ kind, types: [...EXPECTED_TYPES[kind]] });
    }
  });
});
