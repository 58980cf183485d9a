import type { EventTypeInfo } from './types.js';
import { z } from 'zod';

export interface LintWarning {
  /**
   * `discriminator_topic`: a generic change (`updated`, `changed`, `set`, ...)
   * whose payload names the field that changed (`{ field, value }`);
   * `kind_selects_fields`: a `type`/`kind` enum whose values select
   * different fields; `not_past_tense`: an action that reads as a command.
   */
  code: 'discriminator_topic' | 'kind_selects_fields' | 'not_past_tense';
  event_id: string;
  message: string;
  suggestion?: string;
}

/*
 * One topic per kind of fact (docs/event-model.md, docs/catalog.md "Topic
 * lint"): a payload that says which kind of fact it is, in a field, is
 * several facts behind one name; readers must filter on the field instead of
 * the EventID, and each fact's fields can only be optional.
 */
const GENERIC_CHANGE = /(^|_)(updated|changed|modified|set|patched|edited)$/;
/** Field names that name the field that changed. */
const DISCRIMINATORS = new Set(['field', 'field_name', 'property', 'attribute', 'attr', 'key', 'column', 'change_type', 'kind', 'what', 'path']);
/** Field names that carry the changed field's value. */
const VALUE_FIELDS = new Set(['value', 'new_value', 'old_value', 'to', 'from', 'before', 'after', 'previous', 'current']);
/** Field names of a kind selector: `type`, `kind`, `payment_type`, `event_kind`, ... */
const KIND_FIELD = /^(type|kind|.+_type|.+_kind)$/;

type JsonSchema = Record<string, unknown>;
const isObj = (v: unknown): v is JsonSchema => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The string values a property accepts when it is an enum or a literal, else undefined. */
function members(s: unknown): string[] | undefined {
  if (!isObj(s)) return undefined;
  if (Array.isArray(s.enum) && s.enum.every((v) => typeof v === 'string')) return s.enum as string[];
  if (typeof s.const === 'string') return [s.const];
  return undefined;
}

const props = (s: JsonSchema): JsonSchema => (isObj(s.properties) ? s.properties : {});
const requiredOf = (s: JsonSchema): Set<string> => new Set(Array.isArray(s.required) ? (s.required as string[]) : []);

/** A segment usable in an EventID (`snake_case`), or undefined. */
function segment(v: string): string | undefined {
  const x = v
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return /^[a-z][a-z0-9_]*$/.test(x) ? x : undefined;
}

function kindSelectsFields(t: EventTypeInfo, schema: JsonSchema): LintWarning | undefined {
  // A union of objects that share a kind field with a literal in each branch.
  const branches = (Array.isArray(schema.anyOf) ? schema.anyOf : Array.isArray(schema.oneOf) ? schema.oneOf : []).filter(isObj);
  if (branches.length >= 2 && branches.every((b) => b.type === 'object')) {
    const shared = Object.keys(props(branches[0]!)).filter((k) => KIND_FIELD.test(k) && branches.every((b) => members(props(b)[k]) !== undefined));
    if (shared.length > 0) {
      const k = shared[0]!;
      const values = branches.flatMap((b) => members(props(b)[k])!);
      return warnKind(t, k, values, 'each value has its own fields');
    }
  }
  // An object whose kind enum sits beside several optional fields.
  if (schema.type === 'object') {
    const p = props(schema);
    const req = requiredOf(schema);
    const optional = Object.keys(p).filter((k) => !req.has(k));
    for (const k of Object.keys(p)) {
      const values = members(p[k]);
      if (KIND_FIELD.test(k) && values !== undefined && values.length >= 2 && optional.filter((o) => o !== k).length >= 2) {
        return warnKind(
          t,
          k,
          values,
          `and the fields ${optional
            .filter((o) => o !== k)
            .map((o) => `"${o}"`)
            .join(', ')} are optional, so which are set depends on it`,
        );
      }
    }
  }
  return undefined;
}

function warnKind(t: EventTypeInfo, field: string, values: string[], why: string): LintWarning {
  const ids = values
    .map(segment)
    .filter((v): v is string => v !== undefined)
    .slice(0, 4)
    .map((v) => `${t.domain}.${v}.${t.action}:1`);
  return {
    code: 'kind_selects_fields',
    event_id: t.id,
    message: `"${t.id}" looks like several facts behind one topic: its "${field}" field (${values.map((v) => JSON.stringify(v)).join(', ')}) says which kind of fact it is, ${why} (one topic per kind of fact: docs/catalog.md, "Topic lint")`,
    suggestion: `one event per fact, each with its own required fields${ids.length > 0 ? `: ${ids.join(', ')}` : ''}`,
  };
}

function fieldValue(t: EventTypeInfo, schema: JsonSchema): LintWarning | undefined {
  if (!GENERIC_CHANGE.test(t.action) || schema.type !== 'object') return undefined;
  const p = props(schema);
  const disc = Object.keys(p).filter((k) => DISCRIMINATORS.has(k));
  if (disc.length === 0) return undefined;
  const value = Object.keys(p).find((k) => VALUE_FIELDS.has(k));
  const named = members(p[disc[0]!])
    ?.map(segment)
    .filter((v): v is string => v !== undefined);
  const examples =
    named !== undefined && named.length > 0
      ? named
          .slice(0, 4)
          .map((m) => `${t.domain}.${m}.<what happened, past tense>:1`)
          .join(', ') + ` (e.g. ${t.domain}.${named[0]}.revised:1)`
      : `${t.domain}.title.revised:1, ${t.domain}.reward.increased:1`;
  return {
    code: 'discriminator_topic',
    event_id: t.id,
    message: `"${t.id}" looks like several facts behind one topic: its payload has a "${disc[0]}" discriminator${value !== undefined ? ` and a "${value}" field` : ''}, so readers must filter on "${disc[0]}" to know what happened (one topic per kind of fact: docs/catalog.md, "Topic lint")`,
    suggestion: `one event per fact, named for what happened: ${examples}`,
  };
}

/*
 * An event is a fact, so its action is past tense (created, shipped;
 * docs/eventid.md, "Naming"). These are base-form verbs that name a state
 * change; an action that is, or ends in, one of them reads as a command.
 * `login`/`logout` are deliberately absent: `auth.user.login:1` is the
 * canonical example EventID and reads as an event, not a command.
 */
const BASE_VERBS: ReadonlyMap<string, string> = new Map(
  Object.entries({
    create: 'created',
    update: 'updated',
    delete: 'deleted',
    remove: 'removed',
    add: 'added',
    start: 'started',
    stop: 'stopped',
    complete: 'completed',
    fail: 'failed',
    pass: 'passed',
    approve: 'approved',
    reject: 'rejected',
    cancel: 'cancelled',
    ship: 'shipped',
    send: 'sent',
    receive: 'received',
    open: 'opened',
    close: 'closed',
    accept: 'accepted',
    dismiss: 'dismissed',
    promote: 'promoted',
    enrich: 'enriched',
    generate: 'generated',
    modify: 'modified',
    review: 'reviewed',
    execute: 'executed',
    submit: 'submitted',
    request: 'requested',
    charge: 'charged',
    refund: 'refunded',
    lock: 'locked',
    unlock: 'unlocked',
    assign: 'assigned',
    publish: 'published',
    deploy: 'deployed',
    merge: 'merged',
    retry: 'retried',
    expire: 'expired',
  }),
);

/**
 * Runs every naming rule over the event types; returns warnings, never throws.
 * Rules (docs/catalog.md, "Topic lint"; docs/eventid.md, "Naming"): a generic
 * change whose payload names the changed field (`{ field, value }` on
 * `updated`, `changed`, `set`, ...), a `type`/`kind` enum that selects
 * different fields, and an action that is not past tense.
 *
 * @example
 * lintCatalog(catalog.list()).map((w) => w.suggestion);
 */
export function lintCatalog(types: readonly EventTypeInfo[]): LintWarning[] {
  const out: LintWarning[] = [];
  for (const t of types) {
    // The JSON form sees through wrappers and unions alike; a schema with
    // no JSON form (defineCatalog refuses those) is not linted.
    let schema: JsonSchema | undefined;
    try {
      schema = z.toJSONSchema(t.schema, { unrepresentable: 'any', io: 'input' }) as JsonSchema;
    } catch {
      schema = undefined;
    }
    if (schema !== undefined) {
      const w = fieldValue(t, schema) ?? kindSelectsFields(t, schema);
      if (w !== undefined) out.push(w);
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
