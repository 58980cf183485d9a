import { describe, expectTypeOf, it } from 'vitest';
import type { FactlineEvent } from '../../src/envelope/event.js';
import type { ENVELOPE_FIELDS, EnvelopeFieldName } from '../../src/envelope/fields.js';

/*
 * Proved by the compiler (`npm run typecheck` covers test/): the field table
 * names exactly the members of `FactlineEvent`, and marks required exactly
 * the ones the type requires. A field added to one and not the other fails
 * here.
 */
type Row = (typeof ENVELOPE_FIELDS)[number];
/** The keys of T that are optional (`?`). */
type OptionalKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? K : never }[keyof T];

describe('ENVELOPE_FIELDS against FactlineEvent', () => {
  it('names every member of FactlineEvent, and no other', () => {
    expectTypeOf<EnvelopeFieldName>().toEqualTypeOf<keyof FactlineEvent>();
  });

  it('marks optional exactly the members FactlineEvent makes optional', () => {
    expectTypeOf<Extract<Row, { required: false }>['name']>().toEqualTypeOf<OptionalKeys<FactlineEvent>>();
    expectTypeOf<Extract<Row, { required: true }>['name']>().toEqualTypeOf<Exclude<keyof FactlineEvent, OptionalKeys<FactlineEvent>>>();
  });
});
