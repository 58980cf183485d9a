import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { z as z3 } from 'zod3';
import { z as z3v4 } from 'zod3/v4';
import { defineCatalog, createEmitter, type FactlineEvent } from '../src/index.js';

/*
 * zod is a peer dependency: the schemas are the service's own zod. A zod 3
 * schema is refused at set-up with the fix named; zod 3.25's `zod/v4`
 * schemas are zod 4 schemas and work.
 */
describe('schemas from the zod the service installed', () => {
  it('refuses a zod 3 schema, saying zod 4 is required and how to get it with zod 3.25', () => {
    expect(() => defineCatalog({ 'auth.user.login:1': z3.object({ user_id: z3.string() }) } as never)).toThrow(
      /"auth\.user\.login:1": the schema is not a zod schema of zod 4, which factline requires; .*with zod 3\.25 import \{ z \} from 'zod\/v4'/,
    );
  });

  it("accepts zod 3.25's zod/v4 schemas and validates with them", () => {
    // At run time a zod 3.25 `zod/v4` schema is a zod 4 schema. Its type lacks
    // methods later zod 4 releases added (toJSONSchema, with, ...), so beside
    // this repository's zod 4.6 it needs a cast to compile.
    const catalog = defineCatalog({
      'auth.user.login:1': z3v4.object({ user_id: z3v4.string(), mfa: z3v4.boolean() }) as never as z.ZodObject<{ user_id: z.ZodString; mfa: z.ZodBoolean }>,
    });
    const seen: FactlineEvent[] = [];
    const events = createEmitter(catalog, { sinks: [{ name: 'memory', write: (e) => void seen.push(e) }], validation: 'report', onProblem: () => undefined });
    events.emit('auth.user.login:1', { user_id: 'u1', mfa: true });
    events.emit('auth.user.login:1', { user_id: 'u1', mfa: 'yes' } as never);
    expect(seen.map((e) => e.invalid === undefined)).toEqual([true, false]);
    expect(seen[1]!.invalid!.issues.map((i) => i.path)).toEqual([['mfa']]);
  });
});
