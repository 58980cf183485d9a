import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { INTENT, INTENT_SPAN_ATTR, INTENT_TRACEQL, intentCatalog } from '../../src/intent/index.js';
import { LOKI, TRACEQL, eventNameOf } from '../../src/queries/index.js';
import { ATTR } from '../../src/wire.js';

/*
 * The names the queries use are docs/mapping.md's: attributes as Loki
 * spells them (dots become underscores), the Collector's event_name, and
 * the Intent catalog's EventIDs.
 */
const mapping = readFileSync(new URL('../../docs/mapping.md', import.meta.url), 'utf8');

describe("the query library's names", () => {
  it('spell every factline attribute the way Loki stores it, as docs/mapping.md lists it', () => {
    const factline = Object.entries(LOKI).filter(([k]) => k in ATTR);
    expect(factline.length).toBeGreaterThan(10);
    for (const [k, loki] of factline) {
      expect(loki).toBe(ATTR[k as keyof typeof ATTR].replaceAll('.', '_'));
      expect(mapping).toContain(`| \`${ATTR[k as keyof typeof ATTR]}\` | \`${loki}\` |`);
    }
    expect(mapping).toContain('`event_name`');
  });

  it('name only EventIDs of the Intent catalog, and their event_name is the id without version', () => {
    const ids = new Set(intentCatalog.list().map((t) => t.id));
    for (const id of Object.values(INTENT)) {
      expect(ids.has(id), id).toBe(true);
      expect(eventNameOf(id)).toBe(intentCatalog.list().find((t) => t.id === id)!.name);
    }
  });

  it('address span attributes by their OTel names in TraceQL', () => {
    expect(TRACEQL.TRACE_KEY).toBe(`span.${ATTR.TRACE_KEY}`);
    expect(TRACEQL.EVENT_ID).toBe(`event.${ATTR.EVENT_ID}`);
    expect(INTENT_TRACEQL.CONTRACT_ID).toBe(`span.${INTENT_SPAN_ATTR.CONTRACT_ID}`);
  });
});
