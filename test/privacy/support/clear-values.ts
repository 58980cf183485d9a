import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';

/*
 * Payloads of crm.contact.created:1 (test/privacy/crm-catalog.ts) whose
 * personal data sits at the top level, nested and inside arrays, valid and
 * invalid, and the check that none of their personal values appears in an
 * output in clear.
 */

export const KEY = 'privacy-test-key-7f3a9c';
export const MAX_BYTES = 4096;

/** Every personal value the payloads below hold, in clear. */
export const CLEAR = [
  'alice@example.com',
  '+1-555-0100',
  '12 Secret Street',
  'Springfield-Hidden',
  'bob@example.com',
  'carol@example.com',
  'ally-nick',
  'al-handle',
  '078-05-1120',
  'dave-at-example.com',
  '555-0199-noplus',
  'judy@example.com',
  'gina@example.com',
  '+1-555-0123-shape',
  'erin@example.com',
  'frank-alias',
  'hank@example.com',
  '+1-555-0177',
  'ivy@example.com',
  '219-09-9999',
];

export const valid = {
  contact_id: 'C-valid',
  email: 'alice@example.com',
  contact: { phone: '+1-555-0100', address: { street: '12 Secret Street', city: 'Springfield-Hidden' } },
  items: [
    { sku: 'S1', buyer_email: 'bob@example.com' },
    { sku: 'S2', buyer_email: 'carol@example.com' },
  ],
  aliases: ['ally-nick', 'al-handle'],
  ssn: '078-05-1120',
};
/** Wrong values: the email check quotes its input in its message. */
export const wrongValues = {
  contact_id: 'C-wrong',
  email: 'dave-at-example.com',
  contact: { phone: '555-0199-noplus' },
  items: [{ sku: 'S3', buyer_email: { nested: 'judy@example.com' } }],
  note: 42,
};
/** Wrong shapes: the rules' paths do not exist in the payload as given. */
export const wrongShapes = {
  contact_id: 'C-shape',
  email: 'gina@example.com',
  contact: '+1-555-0123-shape',
  items: { buyer_email: 'erin@example.com' },
  aliases: 'frank-alias',
};
/** Larger than maxPayloadBytes: becomes the stub with a preview. */
export const tooLarge = {
  contact_id: 'C-large',
  email: 'hank@example.com',
  contact: { phone: '+1-555-0177' },
  items: [{ sku: 'S4', buyer_email: 'ivy@example.com' }],
  ssn: '219-09-9999',
  note: 'x'.repeat(MAX_BYTES),
};
export const PAYLOADS = [valid, wrongValues, wrongShapes, tooLarge];

export function expectNoClear(output: string, what: string): void {
  expect(output.length, `${what} is empty: the check would prove nothing`).toBeGreaterThan(0);
  const found = CLEAR.filter((c) => output.includes(c));
  expect(found, `${what} holds personal data in clear`).toEqual([]);
}

/** Every file under a directory, concatenated. */
export function allFiles(dir: string): string {
  if (!existsSync(dir)) return '';
  let out = '';
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    out += statSync(p).isDirectory() ? allFiles(p) : readFileSync(p, 'utf8');
  }
  return out;
}

export const emitAll = (emit: (id: 'crm.contact.created:1', payload: never) => unknown): void => {
  for (const p of PAYLOADS) emit('crm.contact.created:1', p as never);
};
