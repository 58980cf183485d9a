import { z } from 'zod';
import { defineCatalog } from '../../src/catalog/index.js';

/**
 * A catalog whose personal data sits at the top level, nested, inside
 * arrays, and behind optional, nullable and union wrappers. The email
 * check quotes its input in its message, as a custom zod message may.
 */
export const crmCatalog = defineCatalog(
  {
    'crm.contact.created:1': {
      schema: z.object({
        contact_id: z.string(),
        email: z.string().refine((v) => v.includes('@'), { error: (issue) => `not an email address: ${String(issue.input)}` }),
        contact: z.object({
          phone: z.string().regex(/^\+/),
          address: z.object({ street: z.string(), city: z.string() }).optional(),
        }),
        items: z.array(z.object({ sku: z.string(), buyer_email: z.string() })),
        aliases: z.array(z.string()).optional(),
        ssn: z.string().nullable().optional(),
        note: z.string().optional(),
      }),
      description: 'A contact was created.',
      pii: { email: 'hash', 'contact.phone': 'hash', 'contact.address': 'drop', 'items[].buyer_email': 'hash', 'aliases[]': 'hash', ssn: 'drop' },
    },
    'crm.contact.merged:1': z.object({ contact_id: z.string(), into: z.string() }),
  },
  { name: 'crm' },
);
