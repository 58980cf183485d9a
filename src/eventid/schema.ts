/**
 * The published EventID JSON Schema (`eventid-schema.json`), verbatim: same
 * `$id`, same `definitions`, same order, so that a validator that knows the
 * `$id` knows this schema. A test pins the text (docs/eventid.md, "JSON Schema").
 *
 * Where the schema and the grammar (and factline) disagree:
 * - Version bound. Neither the grammar's `positive_integer` nor the schema
 *   (string `pattern` `[1-9][0-9]*`, object `version: integer, minimum 1`)
 *   has an upper bound. factline rejects versions above 2147483647
 *   (`version_too_large`), the 32-bit limit of docs/eventid.md, "The version
 *   bound". So `a.b.c:2147483648` and
 *   `{ ..., version: 2147483648 }` pass this schema but not `parseEventId` /
 *   `formatEventId`.
 * - The object form. The grammar only defines the string. In the object form,
 *   JSON Schema's `integer` is "a number with a zero fractional part", so
 *   `version: 1.0` and `version: 1e3` are valid objects, while `a.b.c:1.0` and
 *   `a.b.c:1e3` are invalid strings. (In JavaScript `1.0 === 1`, so
 *   `formatEventId` agrees with the schema there.)
 * - Extra properties. The object form has `additionalProperties: false`;
 *   `formatEventId` reads the four fields and ignores the rest, as TypeScript's
 *   structural typing would.
 * - `definitions` vs `$defs`. The schema declares draft 2020-12, whose keyword
 *   is `$defs`; `definitions` is a draft-07 name. The `$ref`s are plain JSON
 *   pointers (`#/definitions/...`), so they still resolve in 2020-12
 *   validators; we keep the published spelling so the `$id` names the same document.
 * - `minLength: 1` on `identifier` is implied by its pattern; harmless.
 * - `oneOf` behaves as `anyOf` here: nothing is both a string and an object.
 * - Regex dialect. JSON Schema patterns are ECMA-262, where `$` is the end of
 *   input. A validator in a language where `$` also matches before a final
 *   newline (Python's `re`, PCRE) would accept `"auth.user.login:1\n"`, which
 *   the grammar and this package reject.
 */

/**
 * The JSON Schema for an EventID string or object.
 *
 * @example
 * EVENT_ID_JSON_SCHEMA.definitions.eventIdString.pattern;
 * // '^[a-z][a-z0-9_]*\\.[a-z][a-z0-9_]*\\.[a-z][a-z0-9_]*:[1-9][0-9]*$'
 */
export const EVENT_ID_JSON_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://syntax.ai/event-model/eventid-schema.json',
  title: 'Syntax.ai Universal Event Model - EventID',
  description: 'Schema for validating EventID strings and objects',
  definitions: {
    identifier: {
      type: 'string',
      pattern: '^[a-z][a-z0-9_]*$',
      minLength: 1,
      description: 'Lowercase identifier starting with a letter',
    },
    version: {
      type: 'integer',
      minimum: 1,
      description: 'Positive integer version number',
    },
    eventIdString: {
      type: 'string',
      pattern: '^[a-z][a-z0-9_]*\\.[a-z][a-z0-9_]*\\.[a-z][a-z0-9_]*:[1-9][0-9]*$',
      description: 'Full EventID string in domain.entity.action:version format',
    },
    eventIdObject: {
      type: 'object',
      properties: {
        domain: { $ref: '#/definitions/identifier' },
        entity: { $ref: '#/definitions/identifier' },
        action: { $ref: '#/definitions/identifier' },
        version: { $ref: '#/definitions/version' },
      },
      required: ['domain', 'entity', 'action', 'version'],
      additionalProperties: false,
    },
  },
  oneOf: [{ $ref: '#/definitions/eventIdString' }, { $ref: '#/definitions/eventIdObject' }],
} as const;
