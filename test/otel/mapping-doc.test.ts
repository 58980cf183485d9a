import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createEmitter } from '../../src/emitter/index.js';
import { intentCatalog } from '../../src/intent/catalog.js';
import { ENVELOPE_FIELDS } from '../../src/envelope/fields.js';
import { ATTR, LOKI_EVENT_NAME_ATTR } from '../../src/wire.js';
import { memoryPipeline } from '../helpers.js';

/*
 * docs/mapping.md is the contract the Collector config, the queries and the
 * dashboards follow. This test reads its attribute table and checks it
 * against the code both ways, so the document cannot drift from what is emitted.
 */
const doc = readFileSync(new URL('../../docs/mapping.md', import.meta.url), 'utf8');
const section = doc.slice(doc.indexOf('### Attributes'), doc.indexOf('### Severity'));
const rows = [...section.matchAll(/^\| `([^`]+)` \| `([^`]+)` \| (\w+) \| (.*) \|$/gm)].map((m) => ({ attr: m[1]!, loki: m[2]!, type: m[3]!, present: m[4]! }));
/** The rows of the envelope table ("The event (envelope)"). */
const envelopeSection = doc.slice(doc.indexOf('## The event (envelope)'), doc.indexOf('## The log record'));
const envelopeRows = envelopeSection.split('\n').filter((l) => l.startsWith('| `'));

describe('docs/mapping.md', () => {
  it('lists every attribute the code defines, and no other', () => {
    const documented = rows
      .map((r) => r.attr)
      .filter((a) => a !== LOKI_EVENT_NAME_ATTR)
      .sort();
    expect(documented).toEqual(Object.values(ATTR).sort());
  });

  it('lists the envelope fields as ENVELOPE_FIELDS (src/envelope/fields.ts) gives them: name, type and meaning, in its order', () => {
    const expected = ENVELOPE_FIELDS.map((f) => `| \`${f.name}\` | ${f.type}${f.required ? '' : '?'} | ${f.doc} |`);
    expect(envelopeRows).toEqual(expected);
  });

  it('gives each attribute the type and presence ENVELOPE_FIELDS gives it', () => {
    const table = new Map<string, { type: string; present: string }>(ENVELOPE_FIELDS.flatMap((f) => f.attributes.map((a) => [a.name, a] as const)));
    for (const r of rows) {
      if (r.attr === LOKI_EVENT_NAME_ATTR) continue;
      expect({ attr: r.attr, type: r.type, present: r.present }).toEqual({ attr: r.attr, type: table.get(r.attr)?.type, present: table.get(r.attr)?.present });
    }
  });

  it('spells each attribute the way Loki stores it: dots become underscores', () => {
    for (const r of rows) expect(r.loki).toBe(r.attr.replace(/\./g, '_'));
  });

  it('matches what a real log record carries, attribute by attribute and type by type', async () => {
    const p = memoryPipeline('doc-check');
    const ev = createEmitter(intentCatalog, { sinks: [p.sink], validation: 'report', sessionId: 's-1', onProblem: () => {} });
    const cause = ev.emit('intent.intent.accepted:1', { intent_id: 'INT-1', accepted_by: 'auto', confidence: 1 }, { source: { type: 'user', id: '@brien' } })!;
    ev.emit('signal.signal.promoted:1', { signal_id: 'SIG-1', cluster_id: 'CL-1', intent_id: 'INT-1', trace_id: 'TRACE-1', reason: 'r', extra: 1 } as never, {
      causedBy: cause,
      source: { type: 'child_agent', model: 'm', name: 'n' },
    });
    // Twelve issues: more than an event carries, so the total is stamped too.
    ev.emit('intent.intent.accepted:1', Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`x${i}`, NaN])) as never);
    const seen = new Map<string, unknown>();
    for (const r of p.logs.getFinishedLogRecords()) for (const [k, v] of Object.entries(r.attributes)) seen.set(k, v);
    const typeOf = (v: unknown) => (typeof v === 'number' ? 'int' : typeof v === 'boolean' ? 'bool' : 'string');
    for (const r of rows) {
      if (r.attr === LOKI_EVENT_NAME_ATTR) continue;
      expect(seen.has(r.attr), `${r.attr} never emitted`).toBe(true);
      expect(typeOf(seen.get(r.attr)), r.attr).toBe(r.type);
    }
    await p.shutdown();
  });
});
