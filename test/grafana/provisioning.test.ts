import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LOKI_DATASOURCE, TEMPO_DATASOURCE } from '../../grafana/src/index.js';
import { DEMO } from '../support/demo-figures.js';
import { syntaxErrors } from '../support/query-grammar.js';
import { parseYamlSubset, YamlSubsetError, type YamlValue } from './yaml-subset.js';

/*
 * The provisioning files are the ones docker-compose.yml mounts, loaded here
 * as they are: configs ship as real files, and the tests read those files. No YAML library is installed, so they
 * are read with test/grafana/yaml-subset.ts, which refuses anything outside
 * its subset rather than guess.
 */
const root = new URL('../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');
type Obj = { [key: string]: YamlValue };
const obj = (v: YamlValue | undefined): Obj => {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error(`not a mapping: ${JSON.stringify(v)}`);
  return v;
};
const list = (v: YamlValue | undefined): YamlValue[] => {
  if (!Array.isArray(v)) throw new Error(`not a sequence: ${JSON.stringify(v)}`);
  return v;
};

/** Grafana expands $VAR / ${VAR} in provisioning files and reads $$ as $. */
const afterGrafanaExpansion = (s: string) =>
  s
    .replace(/\$\$/g, '\u0000')
    .replace(/\$\{?[A-Za-z_][A-Za-z0-9_]*\}?/g, '')
    .replace(/\u0000/g, '$');

describe('grafana/provisioning/datasources/factline.yaml', () => {
  const text = read('grafana/provisioning/datasources/factline.yaml');
  const doc = obj(parseYamlSubset(text));
  const sources = list(doc.datasources).map(obj);
  const loki = sources.find((s) => s.type === 'loki')!;
  const tempo = sources.find((s) => s.type === 'tempo')!;

  it('provisions Loki and Tempo with the fixed uids the dashboards use', () => {
    expect(doc.apiVersion).toBe(1);
    expect(sources.map((s) => [s.type, s.uid])).toEqual([
      ['loki', LOKI_DATASOURCE.uid],
      ['tempo', TEMPO_DATASOURCE.uid],
    ]);
    // The URLs come from Grafana's environment; docker-compose.yml gives the defaults.
    expect(loki.url).toBe('${FACTLINE_GRAFANA_LOKI_URL}');
    expect(tempo.url).toBe('${FACTLINE_GRAFANA_TEMPO_URL}');
    const compose = read('docker-compose.yml');
    expect(compose).toContain('FACTLINE_GRAFANA_LOKI_URL: ${FACTLINE_GRAFANA_LOKI_URL:-http://loki:3100}');
    expect(compose).toContain('FACTLINE_GRAFANA_TEMPO_URL: ${FACTLINE_GRAFANA_TEMPO_URL:-http://tempo:3200}');
  });

  it('has every provisioning directory Grafana looks for, so it logs no error at start', () => {
    for (const dir of ['datasources', 'dashboards', 'plugins', 'alerting']) {
      expect(existsSync(new URL(`grafana/provisioning/${dir}/`, root)), dir).toBe(true);
    }
  });

  it("keeps only files with a suffix Grafana's alerting reader accepts in alerting/, so it logs no warning", () => {
    const files = readdirSync(new URL('grafana/provisioning/alerting/', root));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) expect(f, f).toMatch(/\.(ya?ml|json)$/);
    expect(read('grafana/provisioning/alerting/factline.yaml')).toMatch(/^apiVersion: 1$/m);
  });

  it("links a log line's trace_id structured metadata to its trace in Tempo", () => {
    const [field] = list(obj(loki.jsonData).derivedFields).map(obj);
    expect(field).toMatchObject({ matcherType: 'label', matcherRegex: 'trace_id', datasourceUid: TEMPO_DATASOURCE.uid });
    expect(afterGrafanaExpansion(String(field!.url))).toBe('${__value.raw}');
  });

  it("links a span to its trace's log lines with a LogQL query Grafana can parse", () => {
    const t2l = obj(obj(tempo.jsonData).tracesToLogsV2);
    expect(t2l).toMatchObject({ datasourceUid: LOKI_DATASOURCE.uid, customQuery: true });
    const query = afterGrafanaExpansion(String(t2l.query));
    expect(query).toBe('{service_name="${__span.tags["service.name"]}"} | trace_id="${__span.traceId}"');
    const sample = query.replace('${__span.tags["service.name"]}', 'intent-demo').replace('${__span.traceId}', DEMO.traceId);
    expect(syntaxErrors('logql', sample)).toEqual([]);
  });

  it('keeps every Grafana link variable escaped from environment expansion', () => {
    for (const m of text.matchAll(/\$+\{__/g)) expect(m[0]).toBe('$${__');
  });
});

describe('grafana/provisioning/dashboards/factline.yaml', () => {
  const doc = obj(parseYamlSubset(read('grafana/provisioning/dashboards/factline.yaml')));
  const [provider] = list(doc.providers).map(obj);

  it('loads the dashboards from the directory docker-compose.yml mounts grafana/dashboards at', () => {
    expect(provider).toMatchObject({ type: 'file', options: { path: '/var/lib/grafana/dashboards' } });
    const compose = read('docker-compose.yml');
    expect(compose).toContain('./grafana/dashboards:/var/lib/grafana/dashboards');
    expect(compose).toContain('./grafana/provisioning:/etc/grafana/provisioning');
  });

  it('puts them in the folder factline, with a fixed uid', () => {
    expect(provider).toMatchObject({ folder: 'factline', folderUid: 'factline' });
  });

  it('finds the generated dashboards there', () => {
    expect(existsSync(new URL('grafana/dashboards/', root))).toBe(true);
    expect(readdirSync(new URL('grafana/dashboards/', root)).filter((f) => f.endsWith('.json')).length).toBe(3);
  });
});

describe('the YAML subset reader', () => {
  it('reads mappings, sequences of mappings and the three scalar styles', () => {
    expect(parseYamlSubset("a: 1\nb:\n  - c: 'x''y' # note\n    d: \"q\\\"\"\n  - plain text\ne: true\n")).toEqual({
      a: 1,
      b: [{ c: "x'y", d: 'q"' }, 'plain text'],
      e: true,
    });
  });

  it.each([
    ['a:\n\tb: 1', 'tab'],
    ['a: [1, 2]', 'flow collection'],
    ['a: &x 1', 'anchor'],
    ['a: |\n  text', 'block scalar'],
    ['a: 1\na: 2', 'duplicate key'],
    ['a: b: c', 'plain ": "'],
  ])('refuses %j (%s)', (source) => {
    expect(() => parseYamlSubset(source)).toThrow(YamlSubsetError);
  });
});
