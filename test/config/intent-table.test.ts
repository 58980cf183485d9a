import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { INTENT_EVENT_ID_BY_WIRE_NAME } from '../../src/intent/catalog.js';

/*
 * collector-config/otel-collector.yaml holds a copy of the Intent catalog's
 * wire name → EventID table (processors.transform/intent), so that lines of
 * Intent's flat file get the SDK's event name and attributes. The catalog is
 * the source; this test fails when the committed copy drifts from it
 * (a generated or copied artefact is checked against its source).
 *
 * There is no YAML parser among the dependencies (and none is added for one
 * test), so the processor's block is cut out of the text by indentation and
 * its statements read with a regex. The regex is strict about the statement's
 * shape: a table row written any other way is reported, not skipped.
 */

const CONFIG = fileURLToPath(new URL('../../collector-config/otel-collector.yaml', import.meta.url));
const text = readFileSync(CONFIG, 'utf8');

/** The lines of a two-space-indented block `  <key>:` under a top-level section, up to the next key at that indent. */
function block(section: string, key: string): string[] {
  const lines = text.split('\n');
  const top = lines.indexOf(`${section}:`);
  expect(top, `no top-level ${section}: in otel-collector.yaml`).toBeGreaterThanOrEqual(0);
  const start = lines.findIndex((l, i) => i > top && l === `  ${key}:`);
  expect(start, `no ${section}.${key} in otel-collector.yaml`).toBeGreaterThan(top);
  const end = lines.findIndex((l, i) => i > start && /^ {0,2}\S/.test(l) && !/^\s*#/.test(l));
  return lines.slice(start + 1, end === -1 ? undefined : end);
}

const WIRE = 'log.attributes["factline.event.wire_name"]';
const ROW = /^\s+- set\(log\.attributes\["factline\.event\.id"\], "([^"]+)"\) where log\.attributes\["factline\.event\.wire_name"\] == "([^"]+)"\s*$/;

describe('collector-config/otel-collector.yaml transform/intent', () => {
  const statements = block('processors', 'transform/intent').filter((l) => /^\s+- [a-z_]+\(/.test(l));
  const rows = statements.filter((l) => l.includes('set(log.attributes["factline.event.id"]'));

  it('maps every Intent event_type to its EventID exactly as INTENT_EVENT_ID_BY_WIRE_NAME does', () => {
    const parsed = rows.map((l) => {
      const m = ROW.exec(l);
      expect(m, `a table row of an unexpected shape: ${l.trim()}`).not.toBeNull();
      return [m![2]!, m![1]!] as const;
    });
    const table = new Map(parsed);
    expect(table.size, 'a wire name appears twice in the table').toBe(parsed.length);
    expect(Object.fromEntries(table)).toEqual(Object.fromEntries(INTENT_EVENT_ID_BY_WIRE_NAME));
    expect(table.size).toBe(15);
  });

  it('sets the EventID only from the table, and only on records that carry a wire name', () => {
    const others = statements.filter((l) => !rows.includes(l));
    for (const l of others) expect(l).not.toMatch(/set\(log\.attributes\["factline\.event\.id"\]/);
    expect(others.length).toBeGreaterThan(0);
    expect(others[0]).toContain(`where ${WIRE} != nil`);
  });

  it('runs in the file pipeline only, after transform/file and before transform/event_name lifts event_name into the event name', () => {
    const pipelines = block('service', 'pipelines');
    const processorsOf = (name: string): string[] => {
      const start = pipelines.indexOf(`    ${name}:`);
      expect(start, `no pipeline ${name}`).toBeGreaterThanOrEqual(0);
      const line = pipelines.slice(start + 1).find((l) => /^\s{6}processors:/.test(l));
      return (/\[([^\]]*)\]/.exec(line ?? '')?.[1] ?? '').split(',').map((p) => p.trim());
    };
    const file = processorsOf('logs/file');
    expect(file.indexOf('transform/intent')).toBeGreaterThan(file.indexOf('transform/file'));
    expect(file.indexOf('transform/intent')).toBeLessThan(file.indexOf('transform/event_name'));
    expect(processorsOf('logs/otlp')).not.toContain('transform/intent');
  });
});
