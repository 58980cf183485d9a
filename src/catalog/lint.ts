import type { EventTypeInfo } from './types.js';
import { z } from 'zod';

export interface LintWarning {
  code: 'discriminator_topic' | 'not_past_tense';
  event_id: string;
  message: string;
  suggestion?: string;
}

/*
 * Seed 004, "One topic per kind of domain fact": a `*_updated` topic whose
 * payload has a `field`-like discriminator is several facts behind one name.
 */
const GENERIC_CHANGE = /(^|_)(updated|changed|modified|set|patched|edited)$/;
const DISCRIMINATORS = new Set(['field', 'field_name', 'property', 'attribute', 'attr', 'key', 'column', 'change_type', 'kind', 'what', 'path']);

/*
 * Seed 002, "Entity State vs. Entity Action": state changes are past tense
 * (created, shipped). These are base-form verbs that name a state change; an
 * action that is, or ends in, one of them reads as a command, not a fact.
 * `login`/`logout` are deliberately absent: the spec itself uses `auth.user.login:1`.
 */
const BASE_VERBS: Record<string, string> = {
  create: 'created', update: 'updated', delete: 'deleted', remove: 'removed', add: 'added',
  start: 'started', stop: 'stopped', complete: 'completed', fail: 'failed', pass: 'passed',
  approve: 'approved', reject: 'rejected', cancel: 'cancelled', ship: 'shipped', send: 'sent',
  receive: 'received', open: 'opened', close: 'closed', accept: 'accepted', dismiss: 'dismissed',
  promote: 'promoted', enrich: 'enriched', generate: 'generated', modify: 'modified',
  review: 'reviewed', execute: 'executed', submit: 'submitted', request: 'requested',
  charge: 'charged', refund: 'refunded', lock: 'locked', unlock: 'unlocked', assign: 'assigned',
  publish: 'published', deploy: 'deployed', merge: 'merged', retry: 'retried', expire: 'expired',
};

function objectKeys(schema: z.ZodType): string[] {
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
}

/** Runs every naming rule over the event types; returns warnings, never throws. */
export function lintCatalog(types: readonly EventTypeInfo[]): LintWarning[] {
  const out: LintWarning[] = [];
  for (const t of types) {
    if (GENERIC_CHANGE.test(t.action)) {
      const disc = objectKeys(t.schema).filter((k) => DISCRIMINATORS.has(k));
      if (disc.length > 0) {
        out.push({
          code: 'discriminator_topic',
          event_id: t.id,
          message: `"${t.id}" looks like several facts behind one topic: its payload has a "${disc[0]}" discriminator (seed 004: one topic per kind of domain fact)`,
          suggestion: `name each fact for what happened, e.g. ${t.domain}.${t.entity}.title_revised:1, ${t.domain}.${t.entity}.deadline_extended:1`,
        });
      }
    }
    const last = t.action.split('_').at(-1)!;
    const past = BASE_VERBS[last];
    if (past !== undefined) {
      const suggested = t.action.slice(0, t.action.length - last.length) + past;
      out.push({
        code: 'not_past_tense',
        event_id: t.id,
        message: `"${t.id}": the action "${t.action}" reads as a command; state changes are named in the past tense (EventID spec, "Entity State vs. Entity Action")`,
        suggestion: `${t.domain}.${t.entity}.${suggested}:${t.version}`,
      });
    }
  }
  return out;
}
