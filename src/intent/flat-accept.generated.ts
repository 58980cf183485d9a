// Generated from the Intent catalog's zod schemas by src/intent/flat-accept-source.ts
// (npm run generate:intent-accept); test/intent/flat-accept.test.ts fails when it drifts. Do not edit.
import { isCleanParsedJson } from '../validation/clean-json.js';
import { commonUtcTimeOn, isCommonUtcTime } from './utc-time.js';

const RE_0 = /^CON-[A-Za-z0-9][A-Za-z0-9_-]*$/;
const RE_1 = /^SPEC-[A-Za-z0-9][A-Za-z0-9_-]*$/;
const RE_2 = /^TRACE-[A-Za-z0-9][A-Za-z0-9_-]*$/;
const RE_3 =
  /^(?:(?:\d\d[2468][048]|\d\d[13579][26]|\d\d0[48]|[02468][048]00|[13579][26]00)-02-29|\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\d|30)|(?:02)-(?:0[1-9]|1\d|2[0-8])))T(?:(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d+)?(?:Z|([+-](?:[01]\d|2[0-3]):[0-5]\d)))$/;
const RE_4 = /^INT-[A-Za-z0-9][A-Za-z0-9_-]*$/;
const RE_5 = /^SIG-[A-Za-z0-9][A-Za-z0-9_-]*$/;
const RE_6 = /^CL-[A-Za-z0-9][A-Za-z0-9_-]*$/;
const SET_7: ReadonlySet<unknown> = new Set(['cli', 'mcp', 'email', 'slack', 'agent']);

function isPlainObject(v: unknown): boolean {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function accept_contract_assertion_failed(v: Record<string, unknown>): boolean {
  let x: unknown;
  // event_type and timestamp, checked by the caller
  let present = 2;
  x = v.contract_id;
  if (x === undefined && !('contract_id' in v)) return false;
  else {
    present++;
    if (!(typeof x === 'string' && RE_0.test(x))) return false;
  }
  x = v.assertion_id;
  if (x === undefined && !('assertion_id' in v)) return false;
  else {
    present++;
    if (!(typeof x === 'string' && x.length >= 1)) return false;
  }
  x = v.assertion_name;
  if (x === undefined && !('assertion_name' in v)) return false;
  else {
    present++;
    if (!(typeof x === 'string' && x.length >= 1)) return false;
  }
  x = v.error;
  if (x === undefined && !('error' in v)) return false;
  else {
    present++;
    if (!(typeof x === 'string' && x.length >= 1)) return false;
  }
  // A strict object: any key beyond these is an unknown key.
  let keys = 0;
  for (const _ in v) keys++;
  return keys === present;
}

function accept_contract_assertion_passed(v: Record<string, unknown>): boolean {
  let x: unknown;
  // event_type and timestamp, checked by the caller
  let present = 2;
  x = v.contract_id;
  if (x === undefined && !('contract_id' in v)) return false;
  else {
    present++;
    if (!(typeof x === 'string' && RE_0.test(x))) return false;
  }
  x = v.assertion_id;
  if (x === undefined && !('assertion_id' in v)) return false;
  else {
    present++;
    if (!(typeof x === 'string' && x.length >= 1)) return false;
  }
  x = v.assertion_name;
  if (x === undefined && !('assertion_name' in v)) return false;
  else {
    present++;
    if (!(typeof x === 'string' && x.length >= 1)) return false;
  }
  x = v.evidence;
  if (x === undefined && !('evidence' in v)) return false;
  else {
    present++;
    if (!(typeof x === 'string')) return false;
  }
  // A strict object: any key beyond these is an unknown key.
  let keys = 0;
  for (const _ in v) keys++;
  return keys === present;
}

function accept_contract_completed(v: Record<string, unknown>): boolean {
  let x: unknown;
  // event_type and timestamp, checked by the caller
  let present = 2;
  x = v.contract_id;
  if (x === undefined && !('contract_id' in v)) return false;
  else {
    present++;
    if (!(typeof x === 'string' && RE_0.test(x))) return false;
  }
  x = v.spec_id;
  if (x === undefined && !('spec_id' in v)) return false;
  else {
    present++;
    if (!(typeof x === 'string' && RE_1.test(x))) return false;
  }
  x = v.duration;
  if (x === undefined && !('duration' in v)) return false;
  else {
    present++;
    if (!(typeof x === 'number' && x - x === 0 && x >= 0)) return false;
  }
  x = v.assertions_passed;
  if (x === undefined && !('assertions_passed' in v)) return false;
  else {
    present++;
    if (!(typeof x === 'number' && x - x === 0 && Number.isSafeInteger(x) && x >= 0)) return false;
  }
  x = v.assertions_failed;
  if (x === undefined && !('assertions_failed' in v)) return false;
  else {
    present++;
    if (!(typeof x === 'number' && x - x === 0 && Number.isSafeInteger(x) && x >= 0)) return false;
  }
  // A strict object: any key beyond these is an unknown key.
  let keys = 0;
  for (const _ in v) keys++;
  return keys === present;
}

function accept_contract_started(v: Record<string, unknown>): boolean {
  let x: unknown;
  // event_type and timestamp, checked by the caller
  let present = 2;
  x = v.contract_id;
  if (x === undefined && !('contract_id' in v)) return false;
  else {
    present++;
    if (!(typeof x === 'string' && RE_0.test(x))) return false;
  }
  x = v.spec_id;
  if (x === undefined && !('spec_id' in v)) return false;
  else {
    present++;
    if (!(typeof x === 'string' && RE_1.test(x))) return false;
  }
  x = v.trace_id;
  if (x === undefined && !('trace_id' in v)) return false;
  else {
    present++;
    if (!(typeof x === 'string' && RE_2.test(x))) return false;
  }
  x = v.agent;
  if (x === undefined && !('agent' in v)) return false;
  else {
    present++;
    if (!(typeof x === 'string' && x.length >= 1)) return false;
  }
  x = v.started_at;
  if (x === undefined && !('started_at' in v)) return false;
  else {
    present++;
    if (!(typeof x === 'string' && RE_3.test(x))) return false;
  }
  // A strict object: any key beyond these is an unknown key.
  let keys = 0;
  for (const _ in v) keys++;
  return keys === present;
}

function accept_intent_accepted(v: Record<string, unknown>): boolean {
  let x: unknown;
  // event_type and timestamp, checked by the caller
  let present = 2;
  x = v.intent_id;
  if (x === undefined && !('intent_id' in v)) return false;
  else {
    present++;
    if (!(typeof x === 'string' && RE_4.test(x))) return false;
  }
  x = v.accepted_by;
  if (x === undefined && !('accepted_by' in v)) return false;
  else {
    present++;
    if (!(typeof x === 'string' && x.length >= 1)) return false;
  }
  x = v.confidence;
  if (x === undefined && !('confidence' in v)) return false;
  else {
    present++;
    if (!(typeof x === 'number' && x - x === 0 && x >= 0 && x <= 1)) return false;
  }
  // A strict object: any key beyond these is an unknown key.
  let keys = 0;
  for (const _ in v) keys++;
  return keys === present;
}

function accept_intent_proposed(v: Record<string, unknown>): boolean {
  let x: unknown;
  // event_type and timestamp, checked by the caller
  let present = 2;
  x = v.intent_id;
  if (x === undefined && !('intent_id' in v)) return false;
  else {
    present++;
    if (!(typeof x === 'string' && RE_4.test(x))) return false;
  }
  x = v.trace_id;
  if (x === undefined && !('trace_id' in v)) return false;
  else {
    present++;
    if (!(typeof x === 'string' && RE_2.test(x))) return false;
  }
  x = v.signals;
  if (x === undefined && !('signals' in v)) return false;
  else {
    present++;
    if (!(Array.isArray(x) && x.every((e0: unknown) => typeof e0 === 'string' && RE_5.test(e0)) && x.length >= 1)) return false;
  }
  x = v.title;
  if (x === undefined && !('title' in v)) return false;
  else {
    present++;
    if (!(typeof x === 'string' && x.length >= 1)) return false;
  }
  // A strict object: any key beyond these is an unknown key.
  let keys = 0;
  for (const _ in v) keys++;
  return keys === present;
}

function accept_signal_clustered(v: Record<string, unknown>): boolean {
  let x: unknown;
  // event_type and timestamp, checked by the caller
  let present = 2;
  x = v.signal_id;
  if (x === undefined && !('signal_id' in v)) return false;
  else {
    present++;
    if (!(typeof x === 'string' && RE_5.test(x))) return false;
  }
  x = v.cluster_id;
  if (x === undefined && !('cluster_id' in v)) return false;
  else {
    present++;
    if (!(typeof x === 'string' && RE_6.test(x))) return false;
  }
  x = v.cluster_name;
  if (x === undefined && !('cluster_name' in v)) return false;
  else {
    present++;
    if (!(typeof x === 'string' && x.length >= 1)) return false;
  }
  x = v.similarity_score;
  if (x === undefined && !('similarity_score' in v)) return false;
  else {
    present++;
    if (!(typeof x === 'number' && x - x === 0 && x >= 0 && x <= 1)) return false;
  }
  // A strict object: any key beyond these is an unknown key.
  let keys = 0;
  for (const _ in v) keys++;
  return keys === present;
}

function accept_signal_created(v: Record<string, unknown>): boolean {
  let x: unknown;
  // event_type and timestamp, checked by the caller
  let present = 2;
  x = v.signal_id;
  if (x === undefined && !('signal_id' in v)) return false;
  else {
    present++;
    if (!(typeof x === 'string' && RE_5.test(x))) return false;
  }
  x = v.source;
  if (x === undefined && !('source' in v)) return false;
  else {
    present++;
    if (!SET_7.has(x)) return false;
  }
  x = v.content;
  if (x === undefined && !('content' in v)) return false;
  else {
    present++;
    if (!(typeof x === 'string' && x.length >= 1)) return false;
  }
  x = v.confidence;
  if (x === undefined && !('confidence' in v)) return false;
  else {
    present++;
    if (!(typeof x === 'number' && x - x === 0 && x >= 0 && x <= 1)) return false;
  }
  // A strict object: any key beyond these is an unknown key.
  let keys = 0;
  for (const _ in v) keys++;
  return keys === present;
}

function accept_signal_dismissed(v: Record<string, unknown>): boolean {
  let x: unknown;
  // event_type and timestamp, checked by the caller
  let present = 2;
  x = v.signal_id;
  if (x === undefined && !('signal_id' in v)) return false;
  else {
    present++;
    if (!(typeof x === 'string' && RE_5.test(x))) return false;
  }
  x = v.reason;
  if (x === undefined && !('reason' in v)) return false;
  else {
    present++;
    if (!(typeof x === 'string' && x.length >= 1)) return false;
  }
  x = v.dismissed_by;
  if (x === undefined && !('dismissed_by' in v)) return false;
  else {
    present++;
    if (!(typeof x === 'string' && x.length >= 1)) return false;
  }
  x = v.dismissed_at;
  if (x === undefined && !('dismissed_at' in v)) return false;
  else {
    present++;
    if (!(typeof x === 'string' && RE_3.test(x))) return false;
  }
  // A strict object: any key beyond these is an unknown key.
  let keys = 0;
  for (const _ in v) keys++;
  return keys === present;
}

function accept_signal_enriched(v: Record<string, unknown>): boolean {
  let x: unknown;
  // event_type and timestamp, checked by the caller
  let present = 2;
  x = v.signal_id;
  if (x === undefined && !('signal_id' in v)) return false;
  else {
    present++;
    if (!(typeof x === 'string' && RE_5.test(x))) return false;
  }
  x = v.trust_score;
  if (x === undefined && !('trust_score' in v)) return false;
  else {
    present++;
    if (!(typeof x === 'number' && x - x === 0 && x >= 0 && x <= 1)) return false;
  }
  x = v.tags;
  if (x === undefined && !('tags' in v)) return false;
  else {
    present++;
    if (!(Array.isArray(x) && x.every((e0: unknown) => typeof e0 === 'string' && e0.length >= 1))) return false;
  }
  x = v.references;
  if (x === undefined && !('references' in v)) return false;
  else {
    present++;
    if (!(Array.isArray(x) && x.every((e0: unknown) => typeof e0 === 'string' && RE_5.test(e0)))) return false;
  }
  // A strict object: any key beyond these is an unknown key.
  let keys = 0;
  for (const _ in v) keys++;
  return keys === present;
}

function accept_signal_promoted(v: Record<string, unknown>): boolean {
  let x: unknown;
  // event_type and timestamp, checked by the caller
  let present = 2;
  x = v.signal_id;
  if (x === undefined && !('signal_id' in v)) return false;
  else {
    present++;
    if (!(typeof x === 'string' && RE_5.test(x))) return false;
  }
  x = v.cluster_id;
  if (x === undefined && !('cluster_id' in v)) return false;
  else {
    present++;
    if (!(typeof x === 'string' && RE_6.test(x))) return false;
  }
  x = v.intent_id;
  if (x === undefined && !('intent_id' in v)) return false;
  else {
    present++;
    if (!(typeof x === 'string' && RE_4.test(x))) return false;
  }
  x = v.trace_id;
  if (x === undefined && !('trace_id' in v)) return false;
  else {
    present++;
    if (!(typeof x === 'string' && RE_2.test(x))) return false;
  }
  x = v.reason;
  if (x === undefined && !('reason' in v)) return false;
  else {
    present++;
    if (!(typeof x === 'string' && x.length >= 1)) return false;
  }
  // A strict object: any key beyond these is an unknown key.
  let keys = 0;
  for (const _ in v) keys++;
  return keys === present;
}

function accept_spec_approved(v: Record<string, unknown>): boolean {
  let x: unknown;
  // event_type and timestamp, checked by the caller
  let present = 2;
  x = v.spec_id;
  if (x === undefined && !('spec_id' in v)) return false;
  else {
    present++;
    if (!(typeof x === 'string' && RE_1.test(x))) return false;
  }
  x = v.completeness_score;
  if (x === undefined && !('completeness_score' in v)) return false;
  else {
    present++;
    if (!(typeof x === 'number' && x - x === 0 && x >= 0 && x <= 1)) return false;
  }
  x = v.checks_passed;
  if (x === undefined && !('checks_passed' in v)) return false;
  else {
    present++;
    if (!(Array.isArray(x) && x.every((e0: unknown) => typeof e0 === 'string' && e0.length >= 1))) return false;
  }
  x = v.approved_by;
  if (x === undefined && !('approved_by' in v)) return false;
  else {
    present++;
    if (!(typeof x === 'string' && x.length >= 1)) return false;
  }
  // A strict object: any key beyond these is an unknown key.
  let keys = 0;
  for (const _ in v) keys++;
  return keys === present;
}

function accept_spec_created(v: Record<string, unknown>): boolean {
  let x: unknown;
  // event_type and timestamp, checked by the caller
  let present = 2;
  x = v.spec_id;
  if (x === undefined && !('spec_id' in v)) return false;
  else {
    present++;
    if (!(typeof x === 'string' && RE_1.test(x))) return false;
  }
  x = v.intent_id;
  if (x === undefined && !('intent_id' in v)) return false;
  else {
    present++;
    if (!(typeof x === 'string' && RE_4.test(x))) return false;
  }
  x = v.trace_id;
  if (x === undefined && !('trace_id' in v)) return false;
  else {
    present++;
    if (!(typeof x === 'string' && RE_2.test(x))) return false;
  }
  x = v.title;
  if (x === undefined && !('title' in v)) return false;
  else {
    present++;
    if (!(typeof x === 'string' && x.length >= 1)) return false;
  }
  x = v.contracts;
  if (x === undefined && !('contracts' in v)) return false;
  else {
    present++;
    if (!(Array.isArray(x) && x.every((e0: unknown) => typeof e0 === 'string' && RE_0.test(e0)))) return false;
  }
  x = v.author;
  if (x === undefined && !('author' in v)) return false;
  else {
    present++;
    if (!(typeof x === 'string' && x.length >= 1)) return false;
  }
  // A strict object: any key beyond these is an unknown key.
  let keys = 0;
  for (const _ in v) keys++;
  return keys === present;
}

function accept_system_error(v: Record<string, unknown>): boolean {
  let x: unknown;
  // event_type and timestamp, checked by the caller
  let present = 2;
  x = v.error_type;
  if (x === undefined && !('error_type' in v)) return false;
  else {
    present++;
    if (!(typeof x === 'string' && x.length >= 1)) return false;
  }
  x = v.error_code;
  if (x === undefined && !('error_code' in v)) return false;
  else {
    present++;
    if (!(typeof x === 'string' && x.length >= 1)) return false;
  }
  x = v.message;
  if (x === undefined && !('message' in v)) return false;
  else {
    present++;
    if (!(typeof x === 'string' && x.length >= 1)) return false;
  }
  x = v.stack;
  if (x === undefined && !('stack' in v)) {
    // optional: absent is valid
  } else {
    present++;
    if (!(x === undefined || typeof x === 'string')) return false;
  }
  x = v.context;
  if (x === undefined && !('context' in v)) {
    // optional: absent is valid
  } else {
    present++;
    if (!(x === undefined || (isPlainObject(x) && isCleanParsedJson(x, 1)))) return false;
  }
  // A strict object: any key beyond these is an unknown key.
  let keys = 0;
  for (const _ in v) keys++;
  return keys === present;
}

function accept_system_health(v: Record<string, unknown>): boolean {
  let x: unknown;
  // event_type and timestamp, checked by the caller
  let present = 2;
  x = v.servers_active;
  if (x === undefined && !('servers_active' in v)) return false;
  else {
    present++;
    if (!(typeof x === 'number' && x - x === 0 && Number.isSafeInteger(x) && x >= 0)) return false;
  }
  x = v.event_count;
  if (x === undefined && !('event_count' in v)) return false;
  else {
    present++;
    if (!(typeof x === 'number' && x - x === 0 && Number.isSafeInteger(x) && x >= 0)) return false;
  }
  x = v.uptime_seconds;
  if (x === undefined && !('uptime_seconds' in v)) return false;
  else {
    present++;
    if (!(typeof x === 'number' && x - x === 0 && x >= 0)) return false;
  }
  x = v.memory_usage_percent;
  if (x === undefined && !('memory_usage_percent' in v)) return false;
  else {
    present++;
    if (!(typeof x === 'number' && x - x === 0 && x >= 0 && x <= 100)) return false;
  }
  // A strict object: any key beyond these is an unknown key.
  let keys = 0;
  for (const _ in v) keys++;
  return keys === present;
}

/** The common UTC form on the date of the last such timestamp found valid (none yet: undefined): later ones on that date pass by it alone. */
let onAcceptedDate: RegExp | undefined;

/** Intent's `Timestamp` (its pattern) that `Date` can read, as `isIsoTimestamp` checks it. */
export function isTimestamp(t: string): boolean {
  if (onAcceptedDate?.test(t)) return true;
  const ok = RE_3.test(t) && !Number.isNaN(Date.parse(t));
  if (ok && isCommonUtcTime(t)) onAcceptedDate = commonUtcTimeOn(t.slice(0, 10));
  return ok;
}

/**
 * Each Intent `event_type`'s accept of its parsed flat line (undefined for
 * another name), found by the name's length, then the name: the
 * `event_type` of each line is a new string, which a Map would hash.
 */
export function acceptOf(eventType: string): ((v: Record<string, unknown>) => boolean) | undefined {
  switch (eventType.length) {
    case 12:
      if (eventType === 'spec.created') return accept_spec_created;
      if (eventType === 'system.error') return accept_system_error;
      return undefined;
    case 13:
      if (eventType === 'spec.approved') return accept_spec_approved;
      if (eventType === 'system.health') return accept_system_health;
      return undefined;
    case 14:
      if (eventType === 'signal.created') return accept_signal_created;
      return undefined;
    case 15:
      if (eventType === 'intent.accepted') return accept_intent_accepted;
      if (eventType === 'intent.proposed') return accept_intent_proposed;
      if (eventType === 'signal.enriched') return accept_signal_enriched;
      if (eventType === 'signal.promoted') return accept_signal_promoted;
      return undefined;
    case 16:
      if (eventType === 'contract.started') return accept_contract_started;
      if (eventType === 'signal.clustered') return accept_signal_clustered;
      if (eventType === 'signal.dismissed') return accept_signal_dismissed;
      return undefined;
    case 18:
      if (eventType === 'contract.completed') return accept_contract_completed;
      return undefined;
    case 25:
      if (eventType === 'contract.assertion.failed') return accept_contract_assertion_failed;
      if (eventType === 'contract.assertion.passed') return accept_contract_assertion_passed;
      return undefined;
    default:
      return undefined;
  }
}
