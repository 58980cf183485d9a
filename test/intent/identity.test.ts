import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { combineCatalogs, defineCatalog } from '../../src/catalog/define.js';
import { intentCatalog, isIntentType } from '../../src/intent/catalog.js';

describe("which event types are the Intent catalog's", () => {
  it('are decided by identity, so a user\'s catalog named "intent" is not taken for it', () => {
    const lookalike = defineCatalog({ 'signal.signal.created:1': z.object({ signal_id: z.string() }) }, { name: 'intent' });
    expect(isIntentType(lookalike.get('signal.signal.created:1')!)).toBe(false);
    expect(isIntentType(intentCatalog.get('signal.signal.created:1')!)).toBe(true);
  });

  it("stay the Intent catalog's inside a combined catalog", () => {
    const app = defineCatalog({ 'app.job.ran:1': z.object({ n: z.int() }) }, { name: 'app' });
    const all = combineCatalogs('all', app, intentCatalog);
    expect(isIntentType(all.get('contract.assertion.failed:1')!)).toBe(true);
    expect(isIntentType(all.get('app.job.ran:1')!)).toBe(false);
  });
});
