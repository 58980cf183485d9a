import { describe, expect, it } from 'vitest';
import { ATTR, ENVELOPE_SCHEMA_VERSION, INSTRUMENTATION_SCOPE, LOKI_EVENT_NAME_ATTR } from '../src/wire.js';

/*
 * The wire strings are a public contract (Collector config, LogQL queries,
 * dashboards). This snapshot is written out by hand on purpose, not
 * regenerated: if it fails, you renamed a wire string. Do not update the snapshot
 * without a CHANGELOG entry and a new ENVELOPE_SCHEMA_VERSION.
 */
describe('wire strings', () => {
  it('are pinned, every one of them', () => {
    expect(ATTR).toEqual({
      EVENT_ID: 'factline.event.id',
      EVENT_DOMAIN: 'factline.event.domain',
      EVENT_ENTITY: 'factline.event.entity',
      EVENT_ACTION: 'factline.event.action',
      EVENT_VERSION: 'factline.event.version',
      EVENT_INSTANCE_ID: 'factline.event.instance_id',
      EVENT_SCHEMA_VERSION: 'factline.event.schema_version',
      EVENT_WIRE_NAME: 'factline.event.wire_name',
      CATALOG: 'factline.catalog',
      SOURCE_TYPE: 'factline.source.type',
      SOURCE_MODEL: 'factline.source.model',
      SOURCE_NAME: 'factline.source.name',
      SOURCE_ID: 'factline.source.id',
      TRACE_KEY: 'factline.trace_key',
      CAUSATION_ID: 'factline.causation_id',
      SESSION_ID: 'session.id',
      VALID: 'factline.valid',
      VALIDATION_ISSUES: 'factline.validation.issues',
    });
    expect(INSTRUMENTATION_SCOPE).toBe('factline');
    expect(LOKI_EVENT_NAME_ATTR).toBe('event_name');
    expect(ENVELOPE_SCHEMA_VERSION).toBe(1);
  });

  it('keep the Loki spelling unique: no two attributes collide once dots become underscores', () => {
    const loki = Object.values(ATTR).map((a) => a.replace(/\./g, '_'));
    expect(new Set(loki).size).toBe(loki.length);
  });
});
