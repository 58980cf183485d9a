import { z } from 'zod';
import { defineCatalog } from '../src/catalog/index.js';

/** A small auth catalog (logins, lockouts), used across tests. */
export const authCatalog = defineCatalog(
  {
    'auth.user.login:1': {
      schema: z.object({ user_id: z.string(), ip: z.string(), method: z.enum(['password', 'oauth']), mfa: z.boolean() }),
      description: 'A user signed in.',
    },
    'auth.user.locked:1': z.object({ user_id: z.string(), attempts: z.int().nonnegative(), duration_mins: z.number() }),
    'auth.user.logout:1': z.object({ user_id: z.string(), reason: z.string() }),
    'auth.login.failed:1': {
      schema: z.object({ user_id: z.string(), email: z.string(), reason: z.string() }),
      pii: { email: 'hash' },
    },
    'agent.code.generated:1': z.object({ file: z.string(), lines: z.int(), model: z.string(), confidence: z.number().min(0).max(1) }),
  },
  { name: 'auth' },
);
