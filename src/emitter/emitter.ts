import type { z } from 'zod';
import type { Catalog } from '../catalog/define.js';
import { missingEvent } from '../catalog/missing-event.js';
import type { CatalogEntry, SchemaOf } from '../catalog/types.js';
import { compilePattern } from '../eventid/index.js';
import type { FactlineEvent } from '../envelope/event.js';
import type { EventSource } from '../envelope/source.js';
import { uuidv7 } from '../envelope/uuidv7.js';
import { createWarnOnceHandler, ProblemReporter, type ProblemHandler, type RuntimeProblemCode } from '../problems.js';
import type { Sink, SinkStats } from '../sinks/sink.js';
import { FactlineValidationError } from '../validation/error.js';
import { capIssues, formatIssues, type ValidationIssue } from '../validation/issue.js';
import { describeThrown, noteWideIntegers } from '../validation/json-value.js';
import { checkJsonPayload, checkMarkedPayload, DEFAULT_MAX_PAYLOAD_BYTES, type ValidationMode } from '../validation/validate.js';
import { ENVELOPE_SCHEMA_VERSION } from '../wire.js';
import { callSource, envelopeId } from './envelope-ids.js';
import { fanOut } from './fan-out.js';
import { checkEmitterOptions, piiKeyFor, resolveServiceName, resolveValidationMode, type EmitOptions, type EmitterOptions } from './options.js';
import { createPiiApplier, readPayload, scrubIssues } from './payload.js';
import { buildRoutes } from './route.js';
import { givenTime, isoTime } from './time.js';
import { assignTrace } from './trace.js';

/** The payload type `emit` accepts for an EventID: the schema's input type. */
export type PayloadOf<D, K extends keyof D> = z.input<SchemaOf<D[K]>>;

export interface EmitterStats {
  /** Events handed to at least one sink. */
  emitted: number;
  /** Events whose type no sink wanted (filters); they cost a map look-up (and validation in `strict` mode). */
  filtered: number;
  /** Events delivered flagged invalid. */
  invalid: number;
  /** Events that could not be delivered at all (unknown EventID in `report` mode, emitted after shutdown). */
  rejected: number;
  /** Run-time problems by code. */
  problems: Partial<Record<RuntimeProblemCode, number>>;
  /** Milliseconds since the emitter was created. */
  uptimeMs: number;
  /** Delivery counters of each sink that keeps them, by sink name. */
  sinks: Record<string, SinkStats>;
}

export interface Emitter<D extends Record<string, CatalogEntry> = Record<string, CatalogEntry>> {
  readonly catalog: Catalog<D>;
  readonly validation: ValidationMode;
  /**
   * Emits one event. The EventID must be in the catalog and the payload must
   * match its schema, both checked at compile time and (unless validation is
   * `off`) at run time. The payload is read once, here: later changes to it
   * do not reach any sink. Returns the event as delivered (the sinks hold
   * this object: do not change it), or `undefined` when no sink wanted it or
   * it was rejected. Throws only in `strict` mode, for every emit whose
   * event or payload is wrong, whether or not a sink wants it.
   */
  emit<K extends Extract<keyof D, string>>(id: K, payload: PayloadOf<D, K>, options?: EmitOptions): FactlineEvent<PayloadOf<D, K>> | undefined;
  /** Whether an EventID would reach any sink: use it to skip building an expensive payload. */
  isEnabled(id: Extract<keyof D, string>): boolean;
  stats(): EmitterStats;
  /** Adds a listener for run-time problems; returns a function that removes it. */
  onProblem(handler: ProblemHandler): () => void;
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

/** The text of a value passed as an EventID that is not a string; never throws. */
function idText(id: unknown): string {
  try {
    return String(id);
  } catch (e) {
    return `[factline: unreadable EventID: ${describeThrown(e)}]`;
  }
}

/** Each sink's own counters, by name; a sink whose `stats()` throws is left out. */
function sinkStats(sinks: readonly Sink[]): Record<string, SinkStats> {
  const out: Record<string, SinkStats> = {};
  for (const s of sinks) {
    if (!s.stats) continue;
    try {
      // defineProperty: a sink named `__proto__` would otherwise set the map's prototype.
      Object.defineProperty(out, s.name, { value: s.stats(), enumerable: true, writable: true, configurable: true });
    } catch {
      // counters are a view; a broken one must not break stats()
    }
  }
  return out;
}

/**
 * Creates an emitter for a catalog. All per-type work (routing, filters,
 * personal-data rules) happens here, once; `emit` only looks the type up.
 * Throws at set-up for bad options (the message lists the allowed values),
 * never afterwards except for `strict` validation.
 *
 * `emit` runs these steps, each in its own module: look the type up and
 * filter (`route.ts`), read the payload once (`payload.ts`), validate
 * (`../validation/`), build the envelope and its times (`time.ts`), assign
 * trace ids (`trace.ts`), hand the event to the sinks (`fan-out.ts`).
 *
 * @example
 * const events = createEmitter(catalog, { sinks: [createConsoleSink()] });
 * events.emit('auth.user.login:1', { user_id: 'u-1', ip: '192.0.2.1', method: 'password', mfa: true });
 */
export function createEmitter<D extends Record<string, CatalogEntry>>(catalog: Catalog<D>, options: EmitterOptions = {}): Emitter<D> {
  checkEmitterOptions(options);
  const validation = resolveValidationMode(options.validation);
  const maxBytes = options.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES;
  const defaultSource: EventSource = options.source ?? { type: 'runtime' };
  const applyPii = createPiiApplier(piiKeyFor(catalog as Catalog, options));
  const serviceName = resolveServiceName(options.serviceName);
  const now = options.now ?? Date.now;
  const resolveTrace = options.resolveTrace;
  const sinks = [...(options.sinks ?? [])];
  const reporter = new ProblemReporter(options.onProblem ?? createWarnOnceHandler());
  const report = reporter.report.bind(reporter);
  const started = now();
  const counts = { emitted: 0, filtered: 0, invalid: 0, rejected: 0 };
  const strict = validation === 'strict';
  let closed = false;
  /** Deprecated EventIDs already reported (`FACTLINE_EVENT_DEPRECATED` once per EventID). */
  const deprecatedSeen = new Set<string>();

  for (const f of [...(options.filter?.include ?? []), ...(options.filter?.exclude ?? [])]) compilePattern(f);
  for (const s of sinks) s.start?.({ report });
  const routes = buildRoutes(catalog as Catalog, sinks, options.filter);

  function emitEvent(id: string, payload: unknown, opts: EmitOptions | undefined, givenId: unknown): FactlineEvent | undefined {
    // 1. Look the type up; a type no sink wants costs only this (unless strict).
    const route = routes.get(id);
    if (route === undefined) {
      // An id that breaks the EventID grammar is in no catalog: the issue names the rule it breaks.
      const missing = missingEvent(givenId, catalog.name);
      const issue: ValidationIssue = {
        code: missing.code,
        path: [],
        message: missing.message,
        ...(missing.code === 'invalid_event_id' ? { eventIdCode: missing.eventIdCode } : {}),
      };
      if (strict) throw new FactlineValidationError(String(id), [issue]);
      counts.rejected++;
      // No catalog entry, so no personal-data rules to apply: the report names the payload's keys, never its values.
      const keys = payload !== null && typeof payload === 'object' && !Array.isArray(payload) ? { payload_keys: Object.keys(payload).slice(0, 100) } : {};
      report({
        code: 'FACTLINE_EVENT_REJECTED',
        message: issue.message,
        event_id: String(id),
        details: { issues: [issue], payload_type: Array.isArray(payload) ? 'array' : payload === null ? 'null' : typeof payload, ...keys },
      });
      return undefined;
    }
    if (route.sinks.length === 0 && !strict) {
      counts.filtered++;
      return undefined;
    }
    const info = route.info;
    if (info.deprecated && !deprecatedSeen.has(id)) {
      deprecatedSeen.add(id);
      report({
        code: 'FACTLINE_EVENT_DEPRECATED',
        message: `"${id}" is deprecated in catalog "${catalog.name}"${info.deprecatedNote !== undefined ? `: ${info.deprecatedNote}` : '; emit its replacement (a newer version or another EventID)'} (reported once per EventID)`,
        event_id: id,
        ...(info.deprecatedNote !== undefined ? { details: { instead: info.deprecatedNote } } : {}),
      });
    }

    // 2. Read the payload once; 3. validate it; and the given time.
    const rules = route.pii;
    // Validating, the read runs the type's compiled accept as it copies (one walk), where it compiles.
    const checking = validation !== 'off' ? route.checkedRead : undefined;
    const read = readPayload(payload, maxBytes, rules !== undefined ? { rules, apply: applyPii } : undefined, checking ?? route.read);
    let issues = read.issues;
    if (validation !== 'off' && issues.length === 0) {
      // A clean read within the size bound that the type's compiled check
      // accepts has nothing for the schema checks to find: skip them.
      const accepted = checking !== undefined ? read.accepted === true : route.accept?.(read.value) === true;
      if (!accepted || read.maxBytes > maxBytes) issues = checkJsonPayload(info, read.value, maxBytes, read.maxBytes).issues;
    } else if (validation !== 'off' && !read.stub) {
      // Values JSON cannot carry, marked: the schema still checks the rest (an oversize stub has no rest).
      issues = checkMarkedPayload(info, read.value, issues, maxBytes, read.maxBytes).issues;
    }
    const t = now();
    let timeMs = t;
    const given = opts?.time;
    if (given !== undefined) {
      const checked = givenTime(given, t);
      if ('ms' in checked) timeMs = checked.ms;
      else issues = [...issues, checked.issue];
    }
    // emit's envelope options, checked before `strict` decides: it refuses them as it refuses the payload.
    let source = defaultSource;
    if (opts?.source !== undefined) {
      const c = callSource(opts.source);
      if ('source' in c) source = c.source;
      else issues = [...issues, c.issue];
    }
    let causationId: string | undefined;
    const causedBy = opts?.causedBy;
    if (causedBy !== undefined) {
      const c = envelopeId('causedBy', causedBy);
      if ('id' in c) causationId = c.id;
      else issues = [...issues, c.issue];
    }
    let sessionId: string | undefined;
    const session = opts?.sessionId ?? options.sessionId;
    if (session !== undefined) {
      const c = envelopeId('sessionId', session);
      if ('id' in c) sessionId = c.id;
      else issues = [...issues, c.issue];
    }
    // Personal data goes before anything is built from the payload: the
    // envelope, the trace key, problem reports, the error `strict` throws.
    // Validation above saw the clear values (a hash is not an email address).
    let body = read.value;
    let clear = read.clear;
    if (rules !== undefined && !read.stub) {
      clear = issues.length > 0 ? [] : undefined;
      body = applyPii(rules, body, clear);
    }
    if (clear !== undefined && issues.length > 0) issues = scrubIssues(issues, clear);
    if (strict && issues.length > 0) throw new FactlineValidationError(id, issues);
    if (route.sinks.length === 0) {
      counts.filtered++;
      return undefined;
    }
    if (closed) {
      counts.rejected++;
      report({
        code: 'FACTLINE_EVENT_REJECTED',
        message: `"${id}" emitted after shutdown()`,
        event_id: id,
        details: { payload: read.stub ? read.full : body },
      });
      return undefined;
    }
    if (read.wideIntegers) noteWideIntegers(body);

    // 4. The envelope; times stay numbers for the sinks.
    const observed = isoTime(t);
    const event: FactlineEvent = {
      schema_version: ENVELOPE_SCHEMA_VERSION,
      id: uuidv7(t),
      event_id: id,
      time: timeMs === t ? observed : isoTime(timeMs),
      observed_time: observed,
      service_name: serviceName,
      catalog: info.catalog,
      source,
      severity: info.severity,
      payload: body,
    };

    // 5. Trace ids (a traceKeyField is never personal data: defineCatalog refuses it).
    assignTrace(event, info, body, timeMs, opts?.traceKey, resolveTrace, report);
    if (causationId !== undefined) event.causation_id = causationId;
    if (sessionId !== undefined) event.session_id = sessionId;
    if (issues.length > 0) flag(event, issues, read.stub ? read.full : undefined);

    // 6. Every sink, once.
    counts.emitted++;
    fanOut(route.sinks, event, info, timeMs, t, report);
    return event;
  }

  function flag(event: FactlineEvent, issues: ValidationIssue[], fullPayload: unknown): void {
    const carried = capIssues(issues);
    event.invalid = carried.total > carried.issues.length ? { issues: carried.issues, issues_total: carried.total } : { issues: carried.issues };
    counts.invalid++;
    report({
      code: 'FACTLINE_VALIDATION_FAILED',
      message: `"${event.event_id}" delivered flagged invalid: ${formatIssues(carried.issues)}${carried.total > carried.issues.length ? ` (and ${carried.total - carried.issues.length} more)` : ''}`,
      event_id: event.event_id,
      // The oversized payload goes to the handler in full (its personal data protected): nothing is lost unseen.
      details: { issues, instance_id: event.id, ...(fullPayload !== undefined ? { payload: fullPayload } : {}) },
    });
  }

  function emit(id: string, payload: unknown, opts?: EmitOptions): FactlineEvent | undefined {
    // Plain JavaScript can pass anything as the EventID; its text form is
    // taken once here, where a throwing toString cannot escape.
    const given: unknown = id;
    if (typeof id !== 'string') id = idText(id);
    try {
      return emitEvent(id, payload, opts, given);
    } catch (e) {
      if (strict && e instanceof FactlineValidationError) throw e;
      // A safety net: every step above is written not to throw, but an
      // event must never throw into the caller outside strict mode.
      counts.rejected++;
      report({ code: 'FACTLINE_EVENT_REJECTED', message: `"${id}" could not be emitted: ${describeThrown(e)}`, event_id: id, cause: e });
      return undefined;
    }
  }

  const settleAll = async (what: 'flush' | 'shutdown'): Promise<void> => {
    const results = await Promise.allSettled(sinks.map((s) => s[what]?.()));
    results.forEach((r, i) => {
      if (r.status === 'rejected') {
        report({
          code: 'FACTLINE_SINK_FAILED',
          message: `sink "${sinks[i]!.name}" failed to ${what}: ${String(r.reason)}`,
          sink: sinks[i]!.name,
          cause: r.reason,
        });
      }
    });
  };

  return {
    catalog,
    validation,
    emit: emit as Emitter<D>['emit'],
    isEnabled: (id) => (routes.get(id)?.sinks.length ?? 0) > 0,
    stats: () => ({ ...counts, problems: { ...reporter.counts }, uptimeMs: now() - started, sinks: sinkStats(sinks) }),
    onProblem: (h) => reporter.subscribe(h),
    flush: () => settleAll('flush'),
    shutdown: async () => {
      if (closed) return;
      await settleAll('shutdown');
      closed = true;
    },
  };
}
