import { createHmac } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { CatalogError, defineCatalog, parsePiiPath } from '../../src/catalog/index.js';
import { main } from '../../src/cli/main.js';
import { createEmitter } from '../../src/emitter/emitter.js';
import { resolvePiiKey } from '../../src/emitter/options.js';
import { createPiiApplier, hashPiiValue } from '../../src/emitter/payload.js';
import type { FactlineEvent } from '../../src/envelope/event.js';
import { setupFactline } from '../../src/setup.js';
import type { Sink } from '../../src/sinks/sink.js';
import { capture } from '../cli/capture.js';
import { crmCatalog } from './crm-catalog.js';

const CRM_MODULE = fileURLToPath(new URL('./crm-catalog.ts', import.meta.url));

/** The CatalogError a definition throws, or a failure when it throws none. */
function definitionError(define: () => unknown): CatalogError {
  try {
    define();
  } catch (e) {
    expect(e).toBeInstanceOf(CatalogError);
    return e as CatalogError;
  }
  throw new Error('the definition was accepted');
}

describe('rule paths', () => {
  it('parse into keys and [] steps', () => {
    expect(parsePiiPath('email')).toEqual(['email']);
    expect(parsePiiPath('contact.phone')).toEqual(['contact', 'phone']);
    expect(parsePiiPath('items[].email')).toEqual(['items', '[]', 'email']);
    expect(parsePiiPath('matrix[][]')).toEqual(['matrix', '[]', '[]']);
    expect(parsePiiPath('[].email')).toEqual(['[]', 'email']);
  });

  it('refuse what they cannot mean, saying what to write', () => {
    expect(parsePiiPath('')).toMatch(/empty/);
    expect(parsePiiPath('a..b')).toMatch(/empty key/);
    expect(parsePiiPath('a.')).toMatch(/ends with "."/);
    expect(parsePiiPath('items[0].email')).toMatch(/\[0\] is not a step.*items\[\]\.email/);
    expect(parsePiiPath('items[]email')).toMatch(/a key must follow "\."/);
    expect(parsePiiPath('a]')).toMatch(/has no "\["/);
  });
});

describe('defineCatalog checks every rule against the schema', () => {
  const schema = z.object({
    email: z.string(),
    contact: z.object({ phone: z.string() }),
    items: z.array(z.object({ email: z.string() })),
  });

  it('refuses a nested path the schema does not have, naming the path, the event and what is there', () => {
    const e = definitionError(() => defineCatalog({ 'auth.user.login:1': { schema, pii: { email: 'hash', 'contact.phon': 'hash' } } }));
    expect(e.problems).toEqual([
      {
        code: 'invalid_pii_rule',
        key: 'auth.user.login:1',
        message: expect.stringContaining('"auth.user.login:1": pii rule "contact.phon": the schema has no field "phon" in "contact": it has "phone"'),
      },
    ]);
    expect(e.message).toContain('contact.phon');
  });

  it('refuses a top-level field the schema does not have (the rule would match nothing)', () => {
    const e = definitionError(() => defineCatalog({ 'auth.user.login:1': { schema, pii: { mail: 'hash' } } }));
    expect(e.message).toContain('pii rule "mail": the schema has no field "mail" in the payload: it has "contact", "email", "items"');
    expect(e.message).toContain('would leave the data in clear');
  });

  it('refuses a path into an array written without [] and a [] on what is not an array', () => {
    const a = definitionError(() => defineCatalog({ 'a.b.created:1': { schema, pii: { 'items.email': 'hash' } } }));
    expect(a.message).toContain('pii rule "items.email": the schema has no field "email" in "items": it is an array: write [] to reach its elements');
    const b = definitionError(() => defineCatalog({ 'a.b.created:1': { schema, pii: { 'contact[].phone': 'hash' } } }));
    expect(b.message).toContain('pii rule "contact[].phone": the schema has no array elements ([]) in "contact"');
  });

  it('refuses an index, an unknown action, a rule inside another rule, and a rule over the traceKeyField, listing every one', () => {
    const e = definitionError(() =>
      defineCatalog({
        'a.b.created:1': { schema, pii: { 'items[0].email': 'hash', email: 'mask' as never } },
        'a.b.updated:1': { schema, pii: { contact: 'drop', 'contact.phone': 'hash' } },
        'a.b.deleted:1': { schema, traceKeyField: 'email', pii: { email: 'hash' } },
      }),
    );
    expect(e.problems.map((p) => [p.key, p.code])).toEqual([
      ['a.b.created:1', 'invalid_pii_rule'],
      ['a.b.updated:1', 'invalid_pii_rule'],
      ['a.b.deleted:1', 'invalid_pii_rule'],
    ]);
    expect(e.message).toContain('pii rule "items[0].email": [0] is not a step');
    expect(e.message).toContain(`pii rule "email": "mask" is not an action; use 'hash' or 'drop'`);
    expect(e.message).toContain(`pii rule "contact.phone": lies inside "contact", which already applies 'drop' to all of it`);
    expect(e.message).toContain('pii rule "email": covers the traceKeyField "email"');
  });

  it('follows optional, nullable, default, unions, intersections, tuples, records, lazy schemas and pipes', () => {
    const node: z.ZodType = z.lazy(() => z.object({ owner_email: z.string(), children: z.array(node) }));
    const c = defineCatalog({
      'a.b.created:1': {
        schema: z.object({
          contact: z.object({ phone: z.string() }).nullable().optional(),
          who: z.union([z.object({ kind: z.literal('person'), email: z.string() }), z.object({ kind: z.literal('team'), lead_email: z.string() })]),
          both: z.intersection(z.object({ a: z.string() }), z.object({ mail: z.string() })),
          pair: z.tuple([z.string(), z.object({ email: z.string() })]),
          prefs: z.record(z.string(), z.object({ email: z.string() })),
          tree: node,
          trimmed: z.string().transform((s) => s.trim()),
          extra: z.unknown(),
          n: z.number().default(1),
        }),
        pii: {
          'contact.phone': 'hash',
          'who.email': 'hash',
          'who.lead_email': 'hash',
          'both.mail': 'hash',
          'pair[]': 'hash',
          'prefs.home.email': 'hash',
          'tree.children[].owner_email': 'hash',
          trimmed: 'hash',
          'extra.anything': 'drop',
          n: 'drop',
        },
      },
    });
    expect(c.get('a.b.created:1')!.piiRules!.map((r) => r.path)).toHaveLength(10);
  });
});

describe('the key', () => {
  it('is required outside development and test when the catalog hashes, and the message says how to set it', () => {
    expect(() => resolvePiiKey({}, true, { NODE_ENV: 'production' })).toThrow(
      /no key is set.*Set FACTLINE_PII_KEY \(or the piiKey option\).*openssl rand -hex 32/,
    );
    expect(() => resolvePiiKey({ piiKey: '' }, true, {})).toThrow(/no key is set/);
    expect(() => resolvePiiKey({}, true, { FACTLINE_PII_SALT: '' })).toThrow(/no key is set/);
    expect(resolvePiiKey({}, true, { NODE_ENV: 'test' })).toBe('');
    expect(resolvePiiKey({}, true, { NODE_ENV: 'development' })).toBe('');
    expect(resolvePiiKey({}, false, { NODE_ENV: 'production' })).toBe('');
  });

  it('comes from piiKey, piiSalt (its former name), FACTLINE_PII_KEY or FACTLINE_PII_SALT, and two that disagree are refused', () => {
    expect(resolvePiiKey({ piiKey: 'k' }, true, { FACTLINE_PII_KEY: 'other' })).toBe('k');
    expect(resolvePiiKey({ piiSalt: 's' }, true, {})).toBe('s');
    expect(resolvePiiKey({}, true, { FACTLINE_PII_KEY: 'ek' })).toBe('ek');
    expect(resolvePiiKey({}, true, { FACTLINE_PII_SALT: 'es' })).toBe('es');
    expect(() => resolvePiiKey({ piiKey: 'a', piiSalt: 'b' }, true, {})).toThrow(/give piiKey alone/);
    expect(() => resolvePiiKey({}, true, { FACTLINE_PII_KEY: 'a', FACTLINE_PII_SALT: 'b' })).toThrow(/set FACTLINE_PII_KEY alone/);
  });

  describe('in production', () => {
    afterEach(() => vi.unstubAllEnvs());
    it('createEmitter and setupFactline refuse a hashing catalog without a key, at set-up', () => {
      vi.stubEnv('NODE_ENV', 'production');
      vi.stubEnv('FACTLINE_PII_KEY', '');
      vi.stubEnv('FACTLINE_PII_SALT', '');
      expect(() => createEmitter(crmCatalog, {})).toThrow(/FACTLINE_PII_KEY/);
      expect(() => setupFactline(crmCatalog, { otlp: false, shutdownOnExit: false })).toThrow(/FACTLINE_PII_KEY/);
      expect(() => createEmitter(crmCatalog, { piiKey: 'a-long-random-secret' })).not.toThrow();
    });
  });
});

describe('the hash', () => {
  it("is HMAC-SHA-256 under the key, of a string's text and of anything else's canonical JSON", () => {
    const hmac = (text: string, key: string) => 'hmac-sha256:' + createHmac('sha256', key).update(text).digest('hex');
    expect(hashPiiValue('alice@example.com', 'k1')).toBe(hmac('alice@example.com', 'k1'));
    expect(hashPiiValue('alice@example.com', 'k2')).not.toBe(hashPiiValue('alice@example.com', 'k1'));
    expect(hashPiiValue({ b: 1, a: 'x' }, 'k1')).toBe(hmac('{"a":"x","b":1}', 'k1'));
    expect(hashPiiValue(42, 'k1')).toBe(hmac('42', 'k1'));
  });

  it("treats a value that does not have the shape a rule expects as the rule's field, so an invalid payload cannot carry it past", () => {
    const rules = crmCatalog.get('crm.contact.created:1')!.piiRules!;
    const apply = createPiiApplier('k');
    const out = apply(rules, { contact: '+1-555-0100', items: { buyer_email: 'carol@example.com' }, aliases: 'al', email: null }) as Record<string, unknown>;
    expect(out).toEqual({
      contact: hashPiiValue('+1-555-0100', 'k'),
      items: hashPiiValue({ buyer_email: 'carol@example.com' }, 'k'),
      aliases: hashPiiValue('al', 'k'),
      email: null,
    });
    expect(apply(rules, 'alice@example.com')).toBe(hashPiiValue('alice@example.com', 'k'));
  });

  it('applies rules to fields named constructor, toString and __proto__, and refuses one naming a field the schema lacks', () => {
    const schema = z.looseObject({ constructor: z.string(), toString: z.string(), ['__proto__']: z.string().optional(), keep: z.string() });
    const c = defineCatalog({
      'a.b.created:1': { schema, pii: JSON.parse('{"constructor":"hash","toString":"drop","__proto__":"hash"}') as Record<string, 'hash' | 'drop'> },
    });
    const seen: FactlineEvent[] = [];
    const problems: string[] = [];
    createEmitter(c, {
      sinks: [{ name: 'r', write: (e) => void seen.push(e) }],
      validation: 'report',
      piiKey: 'k',
      onProblem: (p) => problems.push(p.code),
    }).emit('a.b.created:1', JSON.parse('{"constructor":"alice","toString":"bob","__proto__":"carol","keep":"k"}'));
    // Delivered flagged invalid (forbidden_key), with the rules applied all the same.
    expect(problems).toEqual(['FACTLINE_VALIDATION_FAILED']);
    expect(seen[0]!.invalid!.issues.map((i) => i.code)).toContain('forbidden_key');
    const out = seen[0]!.payload as Record<string, unknown>;
    expect(Object.keys(out)).toEqual(['constructor', '__proto__', 'keep']);
    expect(out.constructor).toBe(hashPiiValue('alice', 'k'));
    expect(Object.getOwnPropertyDescriptor(out, '__proto__')?.value).toBe(hashPiiValue('carol', 'k'));
    expect(JSON.stringify(out)).not.toMatch(/alice|bob|carol/);
    const refused = definitionError(() => defineCatalog({ 'a.b.created:1': { schema: z.object({ keep: z.string() }), pii: { hasOwnProperty: 'hash' } } }));
    expect(refused.message).toContain('hasOwnProperty');
  });

  it("removes dropped array elements and leaves the caller's object as it was", () => {
    const c = defineCatalog({
      'a.b.created:1': {
        schema: z.object({ phones: z.array(z.string()), people: z.array(z.object({ id: z.string(), ssn: z.string() })) }),
        pii: { 'phones[]': 'drop', 'people[].ssn': 'drop' },
      },
    });
    const seen: FactlineEvent[] = [];
    const sink: Sink = { name: 'r', write: (e) => void seen.push(e) };
    const payload = { phones: ['+1', '+2'], people: [{ id: 'p1', ssn: '078-05-1120' }] };
    createEmitter(c, { sinks: [sink], validation: 'strict' }).emit('a.b.created:1', payload);
    expect(seen[0]!.payload).toEqual({ phones: [], people: [{ id: 'p1' }] });
    expect(payload).toEqual({ phones: ['+1', '+2'], people: [{ id: 'p1', ssn: '078-05-1120' }] });
  });

  it('withholds a record key that is personal data from issue paths, and keeps field names of the schema', () => {
    const c = defineCatalog({
      'a.b.created:1': {
        schema: z.object({ by_email: z.record(z.string(), z.int()), profile: z.object({ city: z.string() }) }),
        pii: { by_email: 'hash', profile: 'drop' },
      },
    });
    const seen: FactlineEvent[] = [];
    const messages: string[] = [];
    const ev = createEmitter(c, { sinks: [{ name: 'r', write: (e) => void seen.push(e) }], validation: 'report', onProblem: (p) => messages.push(p.message) });
    ev.emit('a.b.created:1', { by_email: { 'kim@example.com': 'three' }, profile: { city: 7 } } as never);
    expect(seen[0]!.invalid!.issues.map((i) => i.path)).toEqual([
      ['by_email', '(personal data)'],
      ['profile', 'city'],
    ]);
    expect(JSON.stringify(seen[0]) + messages.join('')).not.toContain('kim@example.com');
  });

  it('costs an event type without rules nothing: its route carries no rules', () => {
    expect(crmCatalog.get('crm.contact.merged:1')!.piiRules).toBeUndefined();
  });
});

describe('what the catalog tells tools', () => {
  it('marks each personal-data field in the JSON Schema with x-factline-pii', () => {
    const s = crmCatalog.jsonSchema('crm.contact.created:1') as {
      properties: Record<
        string,
        Record<string, unknown> & {
          properties?: Record<string, Record<string, unknown>>;
          items?: Record<string, unknown> & { properties?: Record<string, Record<string, unknown>> };
        }
      >;
    };
    expect(s.properties.email!['x-factline-pii']).toBe('hash');
    expect(s.properties.contact!.properties!.phone!['x-factline-pii']).toBe('hash');
    expect(s.properties.contact!.properties!.address!['x-factline-pii']).toBe('drop');
    expect(s.properties.items!.items!.properties!.buyer_email!['x-factline-pii']).toBe('hash');
    expect(s.properties.aliases!.items!['x-factline-pii']).toBe('hash');
    expect(s.properties.ssn!['x-factline-pii']).toBe('drop');
    expect(s.properties.contact_id!['x-factline-pii']).toBeUndefined();
    expect(s.properties.items!.items!.properties!.sku!['x-factline-pii']).toBeUndefined();
  });

  it('factline catalog describe and schema show them', async () => {
    const io = capture();
    expect(await main(['catalog', 'describe', 'crm.contact.created:1', '--catalog', `${CRM_MODULE}#crmCatalog`], io)).toBe(0);
    const text = io.stdout.join('\n');
    expect(text).toContain(
      'personal data: email (hash), contact.phone (hash), contact.address (drop), items[].buyer_email (hash), aliases[] (hash), ssn (drop)',
    );
    expect(text).toContain('"x-factline-pii": "hash"');
    const json = capture();
    expect(await main(['catalog', 'describe', 'crm.contact.created:1', '--catalog', `${CRM_MODULE}#crmCatalog`, '--json'], json)).toBe(0);
    const described = JSON.parse(json.stdout.join('\n')) as {
      pii: Record<string, string>;
      json_schema: { properties: { contact: { properties: { phone: Record<string, unknown> } } } };
    };
    expect(described.pii['items[].buyer_email']).toBe('hash');
    expect(described.json_schema.properties.contact.properties.phone['x-factline-pii']).toBe('hash');
  });
});
