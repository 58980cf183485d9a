import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { INTENT_EVENT_ID_BY_WIRE_NAME, intentCatalog } from '../../src/intent/catalog.js';
import { checkPayload, DEFAULT_MAX_PAYLOAD_BYTES } from '../../src/validation/validate.js';

/*
 * Every schema of the Intent catalog against valid payloads and against each
 * kind of violation that applies to it, through `checkPayload`, the function
 * `emit`, `parseIntentLine` and `factline validate` all use.
 */

const FIXTURE = new URL('../fixtures/intent/seed-examples.jsonl', import.meta.url);
const seedLines = readFileSync(FIXTURE, 'utf8')
  .split('\n')
  .filter((l) => l !== '');

/** Intent's example payloads (the JSON examples minus event_type and timestamp), by EventID. */
const VALID: Record<string, Record<string, unknown>> = Object.fromEntries(
  seedLines.map((l) => {
    const { event_type, timestamp: _t, ...payload } = JSON.parse(l) as Record<string, unknown>;
    return [INTENT_EVENT_ID_BY_WIRE_NAME.get(event_type as string)!, payload];
  }),
);

type Kind =
  | 'SIG'
  | 'CL'
  | 'INT'
  | 'TRACE'
  | 'SPEC'
  | 'CON'
  | 'SIG[]'
  | 'CON[]'
  | 'unit'
  | 'count'
  | 'seconds'
  | 'percent'
  | 'text'
  | 'string'
  | 'text[]'
  | 'timestamp'
  | 'source'
  | 'object';

/** What each field is, as the catalog types it (docs/intent.md, "Field choices"). */
const FIELDS: Record<string, Record<string, Kind>> = {
  'signal.signal.created:1': { signal_id: 'SIG', source: 'source', content: 'text', confidence: 'unit' },
  'signal.signal.enriched:1': { signal_id: 'SIG', trust_score: 'unit', tags: 'text[]', references: 'SIG[]' },
  'signal.signal.clustered:1': { signal_id: 'SIG', cluster_id: 'CL', cluster_name: 'text', similarity_score: 'unit' },
  'signal.signal.promoted:1': { signal_id: 'SIG', cluster_id: 'CL', intent_id: 'INT', trace_id: 'TRACE', reason: 'text' },
  'signal.signal.dismissed:1': { signal_id: 'SIG', reason: 'text', dismissed_by: 'text', dismissed_at: 'timestamp' },
  'intent.intent.proposed:1': { intent_id: 'INT', trace_id: 'TRACE', signals: 'SIG[]', title: 'text' },
  'intent.intent.accepted:1': { intent_id: 'INT', accepted_by: 'text', confidence: 'unit' },
  'spec.spec.created:1': { spec_id: 'SPEC', intent_id: 'INT', trace_id: 'TRACE', title: 'text', contracts: 'CON[]', author: 'text' },
  'spec.spec.approved:1': { spec_id: 'SPEC', completeness_score: 'unit', checks_passed: 'text[]', approved_by: 'text' },
  'contract.contract.started:1': { contract_id: 'CON', spec_id: 'SPEC', trace_id: 'TRACE', agent: 'text', started_at: 'timestamp' },
  'contract.assertion.passed:1': { contract_id: 'CON', assertion_id: 'text', assertion_name: 'text', evidence: 'string' },
  'contract.assertion.failed:1': { contract_id: 'CON', assertion_id: 'text', assertion_name: 'text', error: 'text' },
  'contract.contract.completed:1': { contract_id: 'CON', spec_id: 'SPEC', duration: 'seconds', assertions_passed: 'count', assertions_failed: 'count' },
  'system.health.reported:1': { servers_active: 'count', event_count: 'count', uptime_seconds: 'seconds', memory_usage_percent: 'percent' },
  'system.error.raised:1': { error_type: 'text', error_code: 'text', message: 'text', stack: 'string', context: 'object' },
};
const OPTIONAL = new Set(['system.error.raised:1 stack', 'system.error.raised:1 context']);

/** A value of the wrong JSON type for each kind. */
const WRONG_TYPE: Record<Kind, unknown> = {
  SIG: 42,
  CL: 42,
  INT: 42,
  TRACE: 42,
  SPEC: 42,
  CON: 42,
  'SIG[]': 'SIG-001',
  'CON[]': 'CON-001',
  'text[]': 'performance',
  unit: '0.5',
  count: '3',
  seconds: '18.45',
  percent: '34.2',
  text: 7,
  string: 7,
  timestamp: 1774880670000,
  source: 1,
  object: 'server=notice',
};

/** Malformed ids of each family: no dash, nothing after it, lower case, another family's prefix. */
const BAD_IDS: Record<string, string[]> = {
  SIG: ['SIG42', 'SIG-', 'sig-042', 'CL-042'],
  CL: ['CL12', 'CL-', 'cl-012', 'SIG-012'],
  INT: ['INT15', 'INT-', 'int-015', 'INTENT-015'],
  TRACE: ['TRACE15', 'TRACE-', 'trace-015', 'TR-015'],
  SPEC: ['SPEC42', 'SPEC-', 'spec-042', 'SP-042'],
  CON: ['CON91', 'CON-', 'con-091', 'CONTRACT 91'],
};

interface Case {
  id: string;
  what: string;
  payload: unknown;
  path: (string | number)[];
  code: string;
}

const withField = (id: string, field: string, value: unknown): Record<string, unknown> => ({ ...VALID[id], [field]: value });
const without = (id: string, field: string): Record<string, unknown> => {
  const { [field]: _gone, ...rest } = VALID[id]!;
  return rest;
};

function violations(): Case[] {
  const cases: Case[] = [];
  for (const [id, fields] of Object.entries(FIELDS)) {
    cases.push({ id, what: 'an unknown extra field', payload: withField(id, 'severity', 'high'), path: [], code: 'unrecognized_keys' });
    for (const [field, kind] of Object.entries(fields)) {
      // zod 4 reports an enum's missing or mistyped value as invalid_value, not invalid_type.
      const typeCode = kind === 'source' ? 'invalid_value' : 'invalid_type';
      if (!OPTIONAL.has(`${id} ${field}`)) cases.push({ id, what: `missing ${field}`, payload: without(id, field), path: [field], code: typeCode });
      cases.push({ id, what: `${field} of the wrong type`, payload: withField(id, field, WRONG_TYPE[kind]), path: [field], code: typeCode });
      switch (kind) {
        case 'SIG':
        case 'CL':
        case 'INT':
        case 'TRACE':
        case 'SPEC':
        case 'CON':
          for (const bad of BAD_IDS[kind]!)
            cases.push({ id, what: `${field} = ${JSON.stringify(bad)}`, payload: withField(id, field, bad), path: [field], code: 'invalid_format' });
          break;
        case 'SIG[]':
        case 'CON[]': {
          const list = [...(VALID[id]![field] as string[])];
          list[1] = kind === 'SIG[]' ? 'SIG42' : 'CON91';
          cases.push({ id, what: `a malformed id in ${field}`, payload: withField(id, field, list), path: [field, 1], code: 'invalid_format' });
          break;
        }
        case 'unit':
          cases.push({ id, what: `${field} below 0`, payload: withField(id, field, -0.01), path: [field], code: 'too_small' });
          cases.push({ id, what: `${field} above 1`, payload: withField(id, field, 1.01), path: [field], code: 'too_big' });
          break;
        case 'count':
          cases.push({ id, what: `negative ${field}`, payload: withField(id, field, -1), path: [field], code: 'too_small' });
          cases.push({ id, what: `non-integer ${field}`, payload: withField(id, field, 2.5), path: [field], code: 'invalid_type' });
          break;
        case 'seconds':
          cases.push({ id, what: `negative ${field}`, payload: withField(id, field, -0.5), path: [field], code: 'too_small' });
          break;
        case 'percent':
          cases.push({ id, what: `${field} above 100`, payload: withField(id, field, 100.1), path: [field], code: 'too_big' });
          cases.push({ id, what: `${field} below 0`, payload: withField(id, field, -1), path: [field], code: 'too_small' });
          break;
        case 'text':
          cases.push({ id, what: `empty ${field}`, payload: withField(id, field, ''), path: [field], code: 'too_small' });
          break;
        case 'text[]':
          cases.push({ id, what: `an empty string in ${field}`, payload: withField(id, field, ['ok', '']), path: [field, 1], code: 'too_small' });
          break;
        case 'timestamp':
          for (const bad of ['2026-03-30 14:24:30Z', '2026-03-30T14:24:30', '2026-02-30T14:24:30Z', 'yesterday']) {
            cases.push({ id, what: `${field} = ${JSON.stringify(bad)}`, payload: withField(id, field, bad), path: [field], code: 'invalid_format' });
          }
          break;
        case 'source':
          cases.push({ id, what: `${field} not one of Intent's tiers`, payload: withField(id, field, 'webhook'), path: [field], code: 'invalid_value' });
          break;
        case 'object':
          cases.push({ id, what: `${field} as an array`, payload: withField(id, field, ['notice']), path: [field], code: 'invalid_type' });
          break;
        case 'string':
          break;
      }
    }
  }
  return cases;
}

const check = (id: string, payload: unknown) => checkPayload(intentCatalog.get(id)!, payload, DEFAULT_MAX_PAYLOAD_BYTES);

describe('Intent schemas: valid payloads', () => {
  it('covers every event type of the catalog in these tables', () => {
    expect(Object.keys(FIELDS).sort()).toEqual(intentCatalog.list().map((t) => t.id));
    expect(Object.keys(VALID).sort()).toEqual(intentCatalog.list().map((t) => t.id));
    for (const t of intentCatalog.list()) {
      const keys = Object.keys((t.schema as unknown as { shape: object }).shape);
      expect(Object.keys(FIELDS[t.id]!), t.id).toEqual(keys);
    }
  });

  it.each(Object.keys(FIELDS))('accepts the seed example of %s', (id) => {
    expect(check(id, VALID[id]).issues).toEqual([]);
  });

  it('accepts the bounds of every range: 0 and 1 for scores, 0 for counts and durations, 0 and 100 for memory', () => {
    expect(check('signal.signal.created:1', withField('signal.signal.created:1', 'confidence', 0)).issues).toEqual([]);
    expect(check('signal.signal.created:1', withField('signal.signal.created:1', 'confidence', 1)).issues).toEqual([]);
    expect(check('contract.contract.completed:1', { ...VALID['contract.contract.completed:1'], duration: 0, assertions_passed: 0 }).issues).toEqual([]);
    for (const m of [0, 100]) {
      expect(check('system.health.reported:1', withField('system.health.reported:1', 'memory_usage_percent', m)).issues).toEqual([]);
    }
  });

  it('accepts fractional seconds for durations and uptimes', () => {
    expect(check('system.health.reported:1', withField('system.health.reported:1', 'uptime_seconds', 864000.25)).issues).toEqual([]);
  });

  it('accepts ids with longer alphanumeric tails, dashes and underscores', () => {
    expect(check('signal.signal.promoted:1', { ...VALID['signal.signal.promoted:1'], signal_id: 'SIG-2026-03-30-a', trace_id: 'TRACE-x_1' }).issues).toEqual(
      [],
    );
  });

  it('accepts timestamps with an offset and with fractions of a second', () => {
    for (const t of ['2026-03-30T16:24:30+02:00', '2026-03-30T14:24:30.123Z', '2026-03-30T09:24:30-05:00']) {
      expect(check('signal.signal.dismissed:1', withField('signal.signal.dismissed:1', 'dismissed_at', t)).issues, t).toEqual([]);
      expect(check('contract.contract.started:1', withField('contract.contract.started:1', 'started_at', t)).issues, t).toEqual([]);
    }
  });

  it('accepts empty tags, references, contracts and checks, but a proposed intent needs a signal', () => {
    expect(check('signal.signal.enriched:1', { ...VALID['signal.signal.enriched:1'], tags: [], references: [] }).issues).toEqual([]);
    expect(check('spec.spec.created:1', withField('spec.spec.created:1', 'contracts', [])).issues).toEqual([]);
    expect(check('spec.spec.approved:1', withField('spec.spec.approved:1', 'checks_passed', [])).issues).toEqual([]);
    expect(check('intent.intent.proposed:1', withField('intent.intent.proposed:1', 'signals', [])).issues).toMatchObject([
      { path: ['signals'], schemaCode: 'too_small' },
    ]);
  });

  it('accepts empty evidence (a silent command that passed) but not an empty error', () => {
    expect(check('contract.assertion.passed:1', withField('contract.assertion.passed:1', 'evidence', '')).issues).toEqual([]);
    expect(check('contract.assertion.failed:1', withField('contract.assertion.failed:1', 'error', '')).issues).toMatchObject([
      { path: ['error'], schemaCode: 'too_small' },
    ]);
  });

  it('accepts system.error with and without the optional stack and context', () => {
    const base = without('system.error.raised:1', 'context');
    expect(check('system.error.raised:1', base).issues).toEqual([]);
    expect(check('system.error.raised:1', { ...base, stack: 'Error: timeout\n    at connect (mcp.ts:42:7)' }).issues).toEqual([]);
    expect(check('system.error.raised:1', { ...base, context: { server: 'notice', attempts: 3, nested: { ok: false }, list: [1, 'a'] } }).issues).toEqual([]);
    expect(check('system.error.raised:1', { ...base, stack: '', context: {} }).issues).toEqual([]);
  });

  it('rejects a context that JSON cannot carry faithfully, before the schema', () => {
    expect(check('system.error.raised:1', { ...VALID['system.error.raised:1'], context: { n: Number.NaN } }).issues).toMatchObject([
      { code: 'non_finite_number', path: ['context', 'n'] },
    ]);
  });
});

describe('Intent schemas: violations', () => {
  const cases = violations();

  it('generates every kind of violation for every event type', () => {
    const perType = new Map<string, number>();
    for (const c of cases) perType.set(c.id, (perType.get(c.id) ?? 0) + 1);
    expect([...perType.keys()].sort()).toEqual(intentCatalog.list().map((t) => t.id));
    // The six id families each get four malformed ids somewhere.
    for (const family of ['SIG42', 'CL12', 'INT15', 'TRACE15', 'SPEC42', 'CON91']) {
      expect(
        cases.some((c) => JSON.stringify(c.payload).includes(`"${family}"`)),
        family,
      ).toBe(true);
    }
  });

  it.each(cases.map((c) => [c.id, c.what, c] as const))('%s rejects %s', (_id, _what, c) => {
    const { issues } = check(c.id, c.payload);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ code: 'schema', path: c.path, schemaCode: c.code });
    expect(issues[0]!.message).not.toBe('');
  });

  it('names malformed ids after their family', () => {
    expect(check('signal.signal.created:1', withField('signal.signal.created:1', 'signal_id', 'SIG42')).issues[0]!.message).toBe(
      'expected a signal id like SIG-042',
    );
    expect(check('signal.signal.promoted:1', withField('signal.signal.promoted:1', 'trace_id', 'TRACE15')).issues[0]!.message).toBe(
      'expected a trace id like TRACE-042',
    );
  });

  it('reports every problem of a payload, not only the first', () => {
    const { issues } = check('signal.signal.created:1', { signal_id: 'SIG42', source: 'fax', confidence: 2, extra: true });
    expect(issues.map((i) => [i.path.join('.'), i.schemaCode])).toEqual([
      ['signal_id', 'invalid_format'],
      ['source', 'invalid_value'],
      ['content', 'invalid_type'],
      ['confidence', 'too_big'],
      ['', 'unrecognized_keys'],
    ]);
  });
});
