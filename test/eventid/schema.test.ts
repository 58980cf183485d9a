import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EVENT_ID_JSON_SCHEMA, EVENT_ID_PATTERN, formatEventId, parseEventId } from '../../src/eventid/index.js';
import { eventIdString, nearEventId } from './arbitraries.js';
import { ALL_INVALID, ALL_VALID } from './vectors.js';
import { PROPERTY_TEST_TIMEOUT_MS } from '../support/timeouts.js';

/**
 * The published EventID JSON Schema (eventid-schema.json, whose `$id` it
 * keeps), copied verbatim, so drift in schema.ts fails a test.
 */
const PUBLISHED_SCHEMA_TEXT = String.raw`{ "$schema": "https://json-schema.org/draft/2020-12/schema", "$id": "https://syntax.ai/event-model/eventid-schema.json", "title": "Syntax.ai Universal Event Model - EventID", "description": "Schema for validating EventID strings and objects", "definitions": { "identifier": { "type": "string", "pattern": "^[a-z][a-z0-9_]*$", "minLength": 1, "description": "Lowercase identifier starting with a letter" }, "version": { "type": "integer", "minimum": 1, "description": "Positive integer version number" }, "eventIdString": { "type": "string", "pattern": "^[a-z][a-z0-9_]*\\.[a-z][a-z0-9_]*\\.[a-z][a-z0-9_]*:[1-9][0-9]*$", "description": "Full EventID string in domain.entity.action:version format" }, "eventIdObject": { "type": "object", "properties": { "domain": { "$ref": "#/definitions/identifier" }, "entity": { "$ref": "#/definitions/identifier" }, "action": { "$ref": "#/definitions/identifier" }, "version": { "$ref": "#/definitions/version" } }, "required": ["domain", "entity", "action", "version"], "additionalProperties": false } }, "oneOf": [ { "$ref": "#/definitions/eventIdString" }, { "$ref": "#/definitions/eventIdObject" } ] }`;

// ---------------------------------------------------------------------------
// A draft 2020-12 evaluator for exactly the keywords this schema uses. ajv is
// not a dependency and we add none; this evaluator throws on any keyword it
// does not know, so it cannot silently pass a schema it does not understand.
// ---------------------------------------------------------------------------

type Schema = { readonly [keyword: string]: unknown };

const ANNOTATIONS = new Set(['$schema', '$id', 'title', 'description', 'definitions']);

function resolvePointer(root: Schema, ref: string): Schema {
  if (!ref.startsWith('#/')) throw new Error(`unsupported $ref ${ref}`);
  let node: unknown = root;
  for (const token of ref.slice(2).split('/')) {
    const key = token.replaceAll('~1', '/').replaceAll('~0', '~');
    node = (node as Schema)[key];
    if (node === undefined) throw new Error(`unresolvable $ref ${ref}`);
  }
  return node as Schema;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function hasType(value: unknown, type: unknown): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    // JSON Schema: an integer is a number with a zero fractional part.
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'object':
      return isObject(value);
    default:
      throw new Error(`unsupported type ${String(type)}`);
  }
}

function validate(schema: Schema, value: unknown, root: Schema = schema): boolean {
  for (const [keyword, arg] of Object.entries(schema)) {
    if (ANNOTATIONS.has(keyword)) continue;
    let ok: boolean;
    switch (keyword) {
      case '$ref':
        ok = validate(resolvePointer(root, arg as string), value, root);
        break;
      case 'type':
        ok = hasType(value, arg);
        break;
      // ECMA-262 regex, unanchored unless the pattern anchors itself; 'u' per the spec.
      case 'pattern':
        ok = typeof value !== 'string' || new RegExp(arg as string, 'u').test(value);
        break;
      // Length in code points, per the spec.
      case 'minLength':
        ok = typeof value !== 'string' || [...value].length >= (arg as number);
        break;
      case 'minimum':
        ok = typeof value !== 'number' || value >= (arg as number);
        break;
      case 'properties':
        ok =
          !isObject(value) ||
          Object.entries(arg as Record<string, Schema>).every(([key, sub]) => !Object.hasOwn(value, key) || validate(sub, value[key], root));
        break;
      case 'required':
        ok = !isObject(value) || (arg as string[]).every((key) => Object.hasOwn(value, key));
        break;
      case 'additionalProperties': {
        if (arg !== false) throw new Error('only additionalProperties: false is supported');
        const known = Object.keys((schema.properties ?? {}) as object);
        ok = !isObject(value) || Object.keys(value).every((key) => known.includes(key));
        break;
      }
      case 'oneOf':
        ok = (arg as Schema[]).filter((sub) => validate(sub, value, root)).length === 1;
        break;
      default:
        throw new Error(`unsupported keyword ${keyword}`);
    }
    if (!ok) return false;
  }
  return true;
}

const schema = EVENT_ID_JSON_SCHEMA as unknown as Schema;
const valid = (value: unknown): boolean => validate(schema, value);

describe('the tiny JSON Schema evaluator used here', () => {
  it('refuses keywords it does not implement', () => {
    expect(() => validate({ maxLength: 3 }, 'abcd')).toThrow(/unsupported keyword maxLength/);
  });

  it('implements oneOf as exactly one', () => {
    expect(validate({ oneOf: [{ type: 'string' }, { type: 'string' }] }, 'x')).toBe(false);
  });
});

describe('EVENT_ID_JSON_SCHEMA', () => {
  it('is the published schema verbatim, $id and definitions included', () => {
    expect(EVENT_ID_JSON_SCHEMA).toEqual(JSON.parse(PUBLISHED_SCHEMA_TEXT));
    expect(JSON.stringify(EVENT_ID_JSON_SCHEMA)).toBe(JSON.stringify(JSON.parse(PUBLISHED_SCHEMA_TEXT)));
    expect(EVENT_ID_JSON_SCHEMA.$id).toBe('https://syntax.ai/event-model/eventid-schema.json');
  });

  it('uses the same pattern as EVENT_ID_PATTERN for the string form', () => {
    expect(EVENT_ID_JSON_SCHEMA.definitions.eventIdString.pattern).toBe(EVENT_ID_PATTERN.source);
  });

  it.each(ALL_VALID)('accepts $name as a string and as an object', ({ input, expected }) => {
    expect(valid(input)).toBe(true);
    expect(valid({ ...expected })).toBe(true);
  });

  it.each(ALL_INVALID.filter((v) => v.code !== 'version_too_large'))('rejects $name ($code)', ({ input }) => {
    expect(valid(input)).toBe(false);
  });

  // Disagreement 1: the schema (like the grammar) has no upper bound on the version.
  it.each(ALL_INVALID.filter((v) => v.code === 'version_too_large'))(
    'accepts $name, which parseEventId rejects: the 32-bit limit is factline’s, not the schema’s',
    ({ input }) => {
      expect(valid(input)).toBe(true);
      expect(() => parseEventId(input)).toThrow(/version_too_large|exceeds 2147483647/);
    },
  );

  it('accepts an object with version 2147483648, which formatEventId rejects', () => {
    const id = { domain: 'a', entity: 'b', action: 'c', version: 2147483648 };
    expect(valid(id)).toBe(true);
    expect(() => formatEventId(id)).toThrow(/exceeds 2147483647/);
  });

  // Disagreement 2: JSON Schema's integer admits 1e3, which the string grammar does not.
  it('accepts version 1e3 in the object form although a.b.c:1e3 is an invalid string', () => {
    expect(valid({ domain: 'a', entity: 'b', action: 'c', version: 1e3 })).toBe(true);
    expect(valid('a.b.c:1e3')).toBe(false);
  });

  it.each([
    ['a missing action', { domain: 'a', entity: 'b', version: 1 }],
    ['version 0', { domain: 'a', entity: 'b', action: 'c', version: 0 }],
    ['version 1.5', { domain: 'a', entity: 'b', action: 'c', version: 1.5 }],
    ['version as a string', { domain: 'a', entity: 'b', action: 'c', version: '1' }],
    ['an uppercase domain', { domain: 'A', entity: 'b', action: 'c', version: 1 }],
    ['an empty entity', { domain: 'a', entity: '', action: 'c', version: 1 }],
    ['an entity with a dot', { domain: 'a', entity: 'b.x', action: 'c', version: 1 }],
  ])('rejects an object with %s, as formatEventId does', (_, id) => {
    expect(valid(id)).toBe(false);
    expect(() => formatEventId(id as never)).toThrow();
  });

  // Disagreement 3: the schema closes the object; formatEventId reads only the four fields.
  it('rejects an object with an extra property, which formatEventId ignores', () => {
    const id = { domain: 'a', entity: 'b', action: 'c', version: 1, extra: 1 };
    expect(valid(id)).toBe(false);
    expect(formatEventId(id)).toBe('a.b.c:1');
  });

  it.each([[42], [null], [['a.b.c:1']], [true]])('rejects %j, which is neither string nor object', (value) => {
    expect(valid(value)).toBe(false);
  });

  it(
    'agrees with the spec regex on generated strings',
    () => {
      fc.assert(
        fc.property(fc.oneof(eventIdString, nearEventId, fc.string({ unit: 'binary' })), (s) => {
          expect(valid(s)).toBe(EVENT_ID_PATTERN.test(s));
        }),
        { numRuns: 1000 },
      );
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );

  it(
    'accepts every generated EventID in both forms',
    () => {
      fc.assert(
        fc.property(eventIdString, (s) => {
          expect(valid(s)).toBe(true);
          expect(valid({ ...parseEventId(s) })).toBe(true);
        }),
      );
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );
});
