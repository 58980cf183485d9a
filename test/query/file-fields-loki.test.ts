import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { factlineEnvelopeFormat, lineOf, nanos, toEntry } from '../../src/query/entry.js';

/*
 * What a real Loki (3.7.6, behind the real Collector with the shipped config)
 * stored for two events.jsonl lines, against what the local engine makes of
 * the same lines: one flagged with more issues than it carries
 * (`invalid.issues_total`), one without a payload (its body is what the
 * Collector's operators leave of the line). The fixture's `note` says how it
 * was recorded. `observed_timestamp` is the time the Collector read the line,
 * which a file does not hold, so it is left out of the comparison.
 */

interface Fixture {
  lines: Record<string, unknown>[];
  loki: { stream: Record<string, string>; values: [string, string][] }[];
}
const fixture = JSON.parse(readFileSync(new URL('../fixtures/query/file-fields-loki.json', import.meta.url), 'utf8')) as Fixture;
const withoutObserved = ({ observed_timestamp: _, ...rest }: Record<string, string>): Record<string, string> => rest;

describe('the local engine against Loki, for the envelope fields the Collector carries from a line', () => {
  it('gives each line the labels, structured metadata, time and line Loki stored', () => {
    expect(fixture.lines).toHaveLength(2);
    expect(fixture.loki).toHaveLength(2);
    for (const line of fixture.lines) {
      const entry = toEntry(structuredClone(line), { serviceName: 'factline', formats: [factlineEnvelopeFormat] }, 'events.jsonl');
      if (typeof entry === 'string') throw new Error(entry);
      const loki = fixture.loki.find((s) => s.stream.factline_event_instance_id === line.id)!;
      expect(withoutObserved(entry.labels)).toEqual(withoutObserved(loki.stream));
      expect([[nanos(entry.ms, entry.ns), lineOf(entry)]]).toEqual(loki.values);
    }
    expect(fixture.loki.map((s) => s.stream.factline_validation_issues_total).sort()).toEqual(['11', '12']);
  });
});

describe('a null payload, against Loki', () => {
  const nullFixture = JSON.parse(readFileSync(new URL('../fixtures/query/null-payload-loki.json', import.meta.url), 'utf8')) as Fixture & {
    otlp: Fixture['loki'];
  };

  it("is the empty line, as Loki stored it from the file and from the SDK path, with the line's labels", () => {
    expect(nullFixture.lines).toHaveLength(1);
    const line = nullFixture.lines[0]!;
    expect(line.payload).toBeNull();
    const entry = toEntry(structuredClone(line), { serviceName: 'factline', formats: [factlineEnvelopeFormat] }, 'events.jsonl');
    if (typeof entry === 'string') throw new Error(entry);
    expect(withoutObserved(entry.labels)).toEqual(withoutObserved(nullFixture.loki[0]!.stream));
    expect([[nanos(entry.ms, entry.ns), lineOf(entry)]]).toEqual(nullFixture.loki[0]!.values);
    expect(nullFixture.otlp[0]!.values.map(([, l]) => l)).toEqual(['']);
  });
});
