import { checkOptionNames, optionNames } from '../option-names.js';
import { EVENT_SOURCE_TYPES, type EventSource } from '../envelope/source.js';
import { SEVERITY_RANK, type Severity } from '../envelope/severity.js';
import type { ProblemHandler } from '../problems.js';
import type { Sink } from '../sinks/sink.js';
import { VALIDATION_MODES, type ValidationMode } from '../validation/validate.js';
import type { EventTypeInfo } from '../catalog/types.js';
import type { Catalog } from '../catalog/define.js';
import { eventIdPatternHint } from '../eventid/pattern-hint.js';

/** Which events reach the sinks at all; decided once per event type. */
export interface EventFilter {
  /** Events below this severity are dropped before any work. Default: none dropped. */
  minSeverity?: Severity;
  /** `%` patterns; when given, only matching EventIDs are emitted. */
  include?: readonly string[];
  /** `%` patterns of EventIDs never emitted. Applied after `include`. */
  exclude?: readonly string[];
}

export interface EmitterOptions {
  /**
   * Sinks that receive events, in order. Default: none (then every event is
   * filtered out; `setupFactline` adds the OTLP, file and console sinks).
   */
  sinks?: readonly Sink[];
  /**
   * Validation mode. Default: `FACTLINE_VALIDATION` when set, else `strict`
   * when `NODE_ENV` is `development` or `test` (catch mistakes where they are
   * made), else `report` (production: never throw, never drop).
   */
  validation?: ValidationMode;
  /** Source stamped on every event unless `emit` says otherwise. Default `{ type: 'runtime' }`. */
  source?: EventSource;
  /** Session id stamped on every event unless `emit` says otherwise. Default: none. */
  sessionId?: string;
  /**
   * The OpenTelemetry `service.name`, stamped on every event as
   * `service_name`. Default: `OTEL_SERVICE_NAME`, else the `service.name` in
   * `OTEL_RESOURCE_ATTRIBUTES`, else `unknown_service:node` (the SDK's rule).
   */
  serviceName?: string;
  filter?: EventFilter;
  /** Largest payload, as UTF-8 JSON bytes. Default 65536 (64 KiB). */
  maxPayloadBytes?: number;
  /**
   * The secret key of the HMAC-SHA-256 that `pii: 'hash'` fields are hashed
   * with (`docs/mapping.md`, "Personal data"). Default: `FACTLINE_PII_KEY`, else
   * `FACTLINE_PII_SALT`. Required, non-empty, when the catalog has a `hash`
   * rule, unless `NODE_ENV` is `development` or `test`: an unkeyed hash of an
   * email address is reversed by hashing guesses. Use the same key in every
   * service whose events are joined on a hashed field.
   */
  piiKey?: string;
  /** The former name of {@link piiKey}, still accepted; giving both with different values is an error. */
  piiSalt?: string;
  /**
   * Receives factline's own run-time problems. Default: one stderr line per
   * problem code, then silence (counted in `stats().problems`).
   */
  onProblem?: ProblemHandler;
  /**
   * Called for every event, before the sinks: returns the domain trace key
   * the event belongs to and, optionally, the span within that trace it
   * belongs to. The Intent catalog links `intent_id` → `TRACE-*` and opens
   * its loop spans this way. `emit`'s `traceKey` option still wins over it;
   * it wins over the catalog's `traceKeyField`. It sees the payload after
   * the type's personal-data rules, since a trace key travels in clear.
   * Must not throw (a throw is reported and ignored).
   */
  resolveTrace?: (type: EventTypeInfo, payload: unknown, timeMs: number) => TraceAssignment | undefined;
  /** Clock in epoch milliseconds. Default `Date.now`. For tests. */
  now?: () => number;
}

/** Where `resolveTrace` puts an event. */
export interface TraceAssignment {
  /** A domain trace key (`TRACE-015`); mapped to a W3C trace id. */
  traceKey: string;
  /** The span id within that trace the event belongs to. Default: the key's derived root span id. */
  spanId?: string;
}

/** Per-call options of `emit`. */
export interface EmitOptions {
  /**
   * When the fact happened, if not now: a `Date` or epoch milliseconds.
   * `observed_time` stays now. A time OTLP cannot carry (invalid, before
   * 1970, past 2554) or more than a day ahead of now is not used: the event
   * gets the observed time and an `invalid_time` / `implausible_time` issue
   * that keeps the given value (`docs/mapping.md`, "Times").
   */
  time?: Date | number;
  /**
   * The event that caused this one: its instance id, or the event itself.
   * An id that is not a non-empty string of at most 256 characters is left
   * out, as an `invalid_envelope_id` issue.
   */
  causedBy?: string | { id: string };
  /**
   * Who or what produced this event, instead of the emitter's `source`
   * (the envelope's `source`: `docs/mapping.md`). Checked as the emitter's
   * is (a type of the source types with that type's members); a source
   * that fails is not used: the event carries the emitter's source and an
   * `invalid_source` issue naming the member at fault. A copy is carried.
   */
  source?: EventSource;
  /** The session this event belongs to, instead of the emitter's `sessionId`; checked as `causedBy` is. */
  sessionId?: string;
  /** A domain trace key (e.g. `TRACE-015`); overrides the catalog's `traceKeyField`. */
  traceKey?: string;
}

const isMode = (v: unknown): v is ValidationMode => (VALIDATION_MODES as readonly unknown[]).includes(v);
const MODES_TEXT = `${VALIDATION_MODES.slice(0, -1).join(', ')} or ${VALIDATION_MODES.at(-1)}`;

/**
 * The validation mode in force: the explicit option, else
 * `FACTLINE_VALIDATION`, else `strict` under `NODE_ENV` development/test and
 * `report` otherwise.
 *
 * @throws Error at set-up when the option or the variable is not `strict`, `report` or `off`.
 * @example
 * resolveValidationMode(undefined, { NODE_ENV: 'production' }); // 'report'
 */
export function resolveValidationMode(explicit: ValidationMode | undefined, env: NodeJS.ProcessEnv = process.env): ValidationMode {
  if (explicit !== undefined) {
    if (isMode(explicit)) return explicit;
    throw new Error(`validation: ${describe(explicit)} is not a validation mode; use ${MODES_TEXT}`);
  }
  const fromEnv = env.FACTLINE_VALIDATION;
  if (isMode(fromEnv)) return fromEnv;
  if (fromEnv !== undefined && fromEnv !== '') {
    throw new Error(`FACTLINE_VALIDATION="${fromEnv}" is not a validation mode; use ${MODES_TEXT}`);
  }
  return env.NODE_ENV === 'development' || env.NODE_ENV === 'test' ? 'strict' : 'report';
}

/** The `service.name` in a `OTEL_RESOURCE_ATTRIBUTES` value (`k=v,k2=v2`, values percent-encoded), if any. */
function serviceNameFromResourceAttributes(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  for (const pair of raw.split(',')) {
    const eq = pair.indexOf('=');
    if (eq < 0 || pair.slice(0, eq).trim() !== 'service.name') continue;
    const value = pair.slice(eq + 1).trim();
    try {
      return decodeURIComponent(value) || undefined;
    } catch {
      return value || undefined;
    }
  }
  return undefined;
}

/**
 * The service name stamped on events: the option, else `OTEL_SERVICE_NAME`,
 * else `service.name` from `OTEL_RESOURCE_ATTRIBUTES`, else
 * `unknown_service:node`, the OpenTelemetry SDK's order.
 *
 * @example
 * resolveServiceName(undefined, { OTEL_RESOURCE_ATTRIBUTES: 'service.name=checkout' }); // 'checkout'
 */
export function resolveServiceName(explicit: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (explicit !== undefined) return explicit;
  if (env.OTEL_SERVICE_NAME !== undefined && env.OTEL_SERVICE_NAME !== '') return env.OTEL_SERVICE_NAME;
  return serviceNameFromResourceAttributes(env.OTEL_RESOURCE_ATTRIBUTES) ?? 'unknown_service:node';
}

function describe(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'function') return 'a function';
  if (Array.isArray(v)) return 'an array';
  return v === null ? 'null' : typeof v === 'object' ? 'an object' : String(v);
}

const SEVERITIES = Object.keys(SEVERITY_RANK) as Severity[];
const FILTER_OPTION_NAMES = optionNames<EventFilter>()(['minSeverity', 'include', 'exclude']);

/** The members each source type has, required first (`docs/mapping.md`, the `source` field of the envelope). */
const SOURCE_MEMBERS: Record<EventSource['type'], { required: readonly string[]; optional: readonly string[] }> = {
  user: { required: [], optional: ['id'] },
  child_agent: { required: ['model'], optional: ['name'] },
  tool: { required: ['name'], optional: [] },
  runtime: { required: [], optional: ['name'] },
  external_outcome: { required: [], optional: ['name'] },
  manual_correction: { required: [], optional: ['id'] },
};

const SOURCE_TYPES_TEXT = EVENT_SOURCE_TYPES.join(', ');

/**
 * Checks a source: an object whose `type` is one of the source types, with
 * that type's members (`child_agent` needs `model`, `tool` needs `name`),
 * each a non-empty string, and no others.
 *
 * @throws Error naming the member at fault and what is allowed.
 * @example
 * checkSource({ type: 'alien' }, 'source');
 * // Error: source.type: "alien" is not one of the source types user, child_agent, tool, runtime, external_outcome, manual_correction
 */
export function checkSource(v: unknown, name: string): void {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw new Error(`${name}: ${describe(v)} is not a source; pass an object { type, ... } whose type is one of ${SOURCE_TYPES_TEXT}`);
  }
  const source = v as Record<string, unknown>;
  if (!('type' in source) || source.type === undefined) {
    throw new Error(`${name}.type is missing; a source's type is one of ${SOURCE_TYPES_TEXT}`);
  }
  const type = source.type;
  if (typeof type !== 'string' || !Object.hasOwn(SOURCE_MEMBERS, type)) {
    throw new Error(`${name}.type: ${describe(type)} is not one of the source types ${SOURCE_TYPES_TEXT}`);
  }
  const members = SOURCE_MEMBERS[type as EventSource['type']];
  const allowed = [...members.required, ...members.optional];
  const membersText = allowed.length === 0 ? 'it has no other member' : `its other members are ${allowed.join(', ')}`;
  for (const key of Object.keys(source)) {
    if (key !== 'type' && !allowed.includes(key)) {
      throw new Error(`${name}.${key} is not a member of a ${type} source; ${membersText}`);
    }
  }
  for (const key of members.required) {
    if (source[key] === undefined) throw new Error(`${name}.${key} is missing; a ${type} source needs ${key}, a non-empty string`);
  }
  for (const key of allowed) {
    const m = source[key];
    if (m !== undefined && (typeof m !== 'string' || m.trim() === '')) {
      throw new Error(`${name}.${key}: ${describe(m)} is not allowed; pass a non-empty string`);
    }
  }
}

/**
 * Checks every emitter option at set-up, so that a typo fails at once with a
 * message listing what is allowed, instead of behaving like a default.
 * Options this emitter does not know are left to the caller (`setupFactline`
 * passes its own through).
 *
 * @throws Error naming the option, the value and the allowed values.
 * @example
 * checkEmitterOptions({ validation: 'lenient' as never });
 * // Error: validation: "lenient" is not a validation mode; use one of strict, report, off
 */
export function checkEmitterOptions(o: EmitterOptions): void {
  const fail = (name: string, v: unknown, want: string): never => {
    throw new Error(`${name}: ${describe(v)} is not allowed; ${want}`);
  };
  if (typeof o !== 'object' || o === null) fail('options', o, 'pass an object');
  if (o.validation !== undefined) resolveValidationMode(o.validation);
  if (o.sinks !== undefined) {
    if (!Array.isArray(o.sinks)) fail('sinks', o.sinks, 'pass an array of sinks');
    o.sinks.forEach((s, i) => {
      if (typeof s !== 'object' || s === null || typeof s.write !== 'function' || typeof s.name !== 'string') {
        fail(`sinks[${i}]`, s, 'a sink is an object with a string `name` and a `write(event, type)` function');
      }
    });
  }
  if (o.source !== undefined) checkSource(o.source, 'source');
  for (const name of ['piiKey', 'piiSalt'] as const) {
    if (o[name] !== undefined && typeof o[name] !== 'string') fail(name, o[name], 'pass a string');
  }
  for (const name of ['sessionId', 'serviceName'] as const) {
    const v = o[name];
    if (v !== undefined && (typeof v !== 'string' || v.trim() === '')) fail(name, v, 'pass a non-empty string');
  }
  if (o.maxPayloadBytes !== undefined && !(Number.isSafeInteger(o.maxPayloadBytes) && o.maxPayloadBytes > 0)) {
    throw new Error(`maxPayloadBytes must be a positive whole number of bytes, got ${describe(o.maxPayloadBytes)}`);
  }
  for (const name of ['onProblem', 'resolveTrace', 'now'] as const) {
    if (o[name] !== undefined && typeof o[name] !== 'function') fail(name, o[name], 'pass a function');
  }
  const f = o.filter;
  if (f !== undefined) {
    if (typeof f !== 'object' || f === null) fail('filter', f, 'pass { minSeverity?, include?, exclude? }');
    checkOptionNames(f, FILTER_OPTION_NAMES, 'filter.', 'the filter option');
    if (f.minSeverity !== undefined && !SEVERITIES.includes(f.minSeverity)) fail('filter.minSeverity', f.minSeverity, `use one of ${SEVERITIES.join(', ')}`);
    for (const name of ['include', 'exclude'] as const) {
      const list = f[name];
      if (list !== undefined && (!Array.isArray(list) || list.some((p) => typeof p !== 'string' || p.trim() === '')))
        fail(`filter.${name}`, list, 'pass an array of % patterns such as "auth.%"');
      for (const [i, p] of (list ?? []).entries()) {
        // A pattern no EventID can match would filter silently (docs/eventid.md, "Patterns").
        const hint = eventIdPatternHint(p);
        if (hint !== undefined) throw new Error(`filter.${name}[${i}]: ${hint}`);
      }
    }
  }
}

/**
 * The key of the personal-data hash: `piiKey`, else `piiSalt`, else
 * `FACTLINE_PII_KEY`, else `FACTLINE_PII_SALT`. When the catalog has a
 * `hash` rule the key must be non-empty, except under `NODE_ENV`
 * `development` or `test`, where an empty key is allowed so that tests run
 * without secrets.
 *
 * @throws Error at set-up when the key is missing or empty where required,
 *   or when `piiKey` and `piiSalt` (or the two variables) disagree; the
 *   message says how to set it.
 * @example
 * resolvePiiKey({ piiKey: 'k' }, true, {}); // 'k'
 * resolvePiiKey({}, true, { NODE_ENV: 'production' }); // throws: no key for hash rules
 */
export function resolvePiiKey(o: Pick<EmitterOptions, 'piiKey' | 'piiSalt'>, hasHashRule: boolean, env: NodeJS.ProcessEnv = process.env): string {
  if (o.piiKey !== undefined && o.piiSalt !== undefined && o.piiKey !== o.piiSalt) {
    throw new Error('piiKey and piiSalt are both given, with different values; piiSalt is the former name of piiKey: give piiKey alone');
  }
  const envKey = env.FACTLINE_PII_KEY;
  const envSalt = env.FACTLINE_PII_SALT;
  if (o.piiKey === undefined && o.piiSalt === undefined && envKey && envSalt && envKey !== envSalt) {
    throw new Error(
      'FACTLINE_PII_KEY and FACTLINE_PII_SALT are both set, with different values; FACTLINE_PII_SALT is the former name: set FACTLINE_PII_KEY alone',
    );
  }
  const key = o.piiKey ?? o.piiSalt ?? (envKey || envSalt || '');
  if (key === '' && hasHashRule && env.NODE_ENV !== 'development' && env.NODE_ENV !== 'test') {
    throw new Error(
      "the catalog hashes personal data (pii: 'hash') but no key is set: hashing without a secret key lets anyone reverse an email address or a phone number by hashing guesses. " +
        'Set FACTLINE_PII_KEY (or the piiKey option) to a long random secret, e.g. the output of `openssl rand -hex 32`, kept in your secret store and shared by every service whose events are joined on hashed fields (docs/mapping.md, "Personal data")',
    );
  }
  return key;
}

/**
 * The personal-data key an emitter for `catalog` will use, checked as
 * {@link resolvePiiKey} does; whether the key is required depends on
 * whether any of the catalog's types has a `hash` rule.
 *
 * @throws Error at set-up, as {@link resolvePiiKey}.
 * @example
 * piiKeyFor(catalog, { piiKey: process.env.MY_KEY });
 */
export function piiKeyFor(catalog: Catalog, o: Pick<EmitterOptions, 'piiKey' | 'piiSalt'>, env: NodeJS.ProcessEnv = process.env): string {
  const hasHashRule = catalog.list().some((t) => t.piiRules?.some((r) => r.action === 'hash') ?? false);
  return resolvePiiKey(o, hasHashRule, env);
}
