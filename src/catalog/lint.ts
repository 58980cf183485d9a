import type { EventTypeInfo } from './types.js';
import { z } from 'zod';

export interface LintWarning {
  code: 'discriminator_topic' | 'not_past_tense';
  event_id: string;
  message: string;
  suggestion?: string;
}

/*
 * One topic per kind of fact (docs/event-model.md): a `*_updated` topic whose
 * payload has a `field`-like discriminator is several facts behind one name.
 */
const GENERIC_CHANGE = /(^|_)(updated|changed|modified|set|patched|edited)$/;
const DISCRIMINATORS = new Set(['field', 'field_name', 'property', 'attribute', 'attr', 'key', 'column', 'change_type', 'kind', 'what', 'path']);

/*
 * An event is a fact, so its action is past tense (created, shipped;
 * docs/eventid.md, "Naming"). These are base-form verbs that name a state
 * change; an action that is, or ends in, one of them reads as a command.
 * `login`/`logout` are deliberately absent: `auth.user.login:1` is the
 * canonical example EventID and reads as an event, not a command.
 */
const BASE_VERBS: ReadonlyMap<string, string> = new Map(Object.entries({
  create: 'created', update: 'updated', delete: 'deleted', remove: 'removed', add: 'added',
  start: 'started', stop: 'stopped', complete: 'completed', fail: 'failed', pass: 'passed',
  approve: 'approved', reject: 'rejected', cancel: 'cancelled', ship: 'shipped', send: 'sent',
  receive: 'received', open: 'opened', close: 'closed', accept: 'accepted', dismiss: 'dismissed',
  promote: 'promoted', enrich: 'enriched', generate: 'generated', modify: 'modified',
  review: 'reviewed', execute: 'executed', submit: 'submitted', request: 'requested',
  charge: 'charged', refund: 'refunded', lock: 'locked', unlock: 'unlocked', assign: 'assigned',
  publish: 'published', deploy: 'deployed', merge: 'merged', retry: 'retried', expire: 'expired',
}));

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
          message: `"${t.id}" looks like several facts behind one topic: its payload has a "${disc[0]}" discriminator (one topic per kind of fact: docs/event-model.md)`,
          suggestion: `name each fact for what happened, e.g. ${t.domain}.${t.entity}.title_revised:1, ${t.domain}.${t.entity}.deadline_extended:1`,
        });
      }
    }
    const last = t.action.split('_').at(-1)!;
    const past = BASE_VERBS.get(last); // a Map: `constructor` is no verb
    if (past !== undefined) {
      const suggested = t.action.slice(0, t.action.length - last.length) + past;
      out.push({
        code: 'not_past_tense',
        event_id: t.id,
        message: `"${t.id}": the action "${t.action}" reads as a command; state changes are named in the past tense (docs/eventid.md, "Naming")`,
        suggestion: `${t.domain}.${t.entity}.${suggested}:${t.version}`,
      });
    }
  }
  return out;
}
