import { createHash } from 'node:crypto';
import { context, isSpanContextValid, trace } from '@opentelemetry/api';
import type { z } from 'zod';
import type { Catalog } from '../catalog/define.js';
import type { CatalogEntry, EventTypeInfo, SchemaOf } from '../catalog/types.js';
import { compilePattern } from '../eventid/index.js';
import type { FactlineEvent } from '../envelope/event.js';
import { formatIssues, type ValidationIssue } from '../envelope/issue.js';
import { SEVERITY_RANK } from '../envelope/severity.js';
import type { EventSource } from '../envelope/source.js';
import { uuidv7 } from '../envelope/uuidv7.js';
import { idsForTraceKey } from '../otel/trace-key.js';
import { createWarnOnceHandler, ProblemReporter, type ProblemHandler, type RuntimeProblemCode } from '../problems.js';
import type { Sink, SinkStats } from '../sinks/sink.js';
import { FactlineValidationError } from '../validation/error.js';
import { toJsonSafeCopy } from '../validation/json-safety.js';
import { checkPayload, DEFAULT_MAX_PAYLOAD_BYTES, type ValidationMode } from '../validation/validate.js';
import { ENVELOPE_SCHEMA_VERSION } from '../wire.js';
import { resolveValidationMode, type EmitOptions, type EmitterOptions, type EventFilter } from './options.js';

/** The payload type `emit` accepts for an EventID: the schema's input type. */
export type PayloadOf<D, K extends keyof D> = z.input<SchemaOf<D[K]>>;

export interface EmitterStats {
  /** Events handed to at least one sink. */
  emitted: number;
  /** Events whose type no sink wanted (filters); they cost a map look-up. */
  filtered: number;
  /** Events delivered flagged invalid (`report` mode). */
  invalid: number;
  /** Events that could not be delivered at all (unknown EventID in `report` mode). */
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
   * `off`) at run time. Returns the event as delivered, or `undefined` when no
   * sink wanted it or it was rejected. Throws only in `strict` mode.
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

interface TypeState {
  info: EventTypeInfo;
  sinks: Sink[];
  pii: [string, 'hash' | 'drop'][] | undefined;
}

function passesFilter(info: EventTypeInfo, filter: EventFilter | undefined): boolean {
  if (!filter) return true;
  if (filter.minSeverity && SEVERITY_RANK[info.severity] < SEVERITY_RANK[filter.minSeverity]) return false;
  if (filter.include && !filter.include.some((p) => compilePattern(p).test(info.id))) return false;
  if (filter.exclude && filter.exclude.some((p) => compilePattern(p).test(info.id))) return false;
  return true;
}

/** Each sink's own counters, by name; a sink whose `stats()` throws is left out. */
function sinkStats(sinks: readonly Sink[]): Record<string, SinkStats> {
  const out: Record<string, SinkStats> = {};
  for (const s of sinks) {
    if (!s.stats) continue;
    try {
      out[s.name] = s.stats();
    } catch {
      // counters are a view; a broken one must not break stats()
    }
  }
  return out;
}

function toMillis(t: Date | number): number {
  return typeof t === 'number' ? t : t.getTime();
}

/**
 * Creates an emitter for a catalog. All per-type work (routing, filters,
 * personal-data rules) happens here, once; `emit` only looks the type up.
 * Throws at set-up for bad options, never afterwards.
 *
 * @example
 * const events = createEmitter(catalog, { sinks: [createConsoleSink()] });
 * events.emit('auth.user.login:1', { user_id: 'u-1', mfa: true });
 */
export function createEmitter<D extends Record<string, CatalogEntry>>(catalog: Catalog<D>, options: EmitterOptions = {}): Emitter<D> {
  const validation = resolveValidationMode(options.validation);
  const maxBytes = options.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES;
  if (!(maxBytes > 0)) throw new Error(`maxPayloadBytes must be a positive number of bytes, got ${maxBytes}`);
  const defaultSource: EventSource = options.source ?? { type: 'runtime' };
  const piiSalt = options.piiSalt ?? process.env.FACTLINE_PII_SALT ?? '';
  const now = options.now ?? Date.now;
  const resolveTrace = options.resolveTrace;
  const sinks = [...(options.sinks ?? [])];
  const reporter = new ProblemReporter(options.onProblem ?? createWarnOnceHandler());
  const report = reporter.report.bind(reporter);
  const started = now();
  const counts = { emitted: 0, filtered: 0, invalid: 0, rejected: 0 };
  let closed = false;

  for (const f of [...(options.filter?.include ?? []), ...(options.filter?.exclude ?? [])]) compilePattern(f);
  for (const s of sinks) s.start?.({ report });

  const states = new Map<string, TypeState>();
  for (const info of catalog.list()) {
    const wanted = passesFilter(info, options.filter) ? sinks.filter((s) => !s.accepts || s.accepts(info)) : [];
    states.set(info.id, {
      info,
      sinks: wanted,
      pii: info.pii ? Object.entries(info.pii) : undefined,
    });
  }

  const applyPii = (state: TypeState, payload: unknown): unknown => {
    if (!state.pii || typeof payload !== 'object' || payload === null) return payload;
    const out: Record<string, unknown> = { ...(payload as Record<string, unknown>) };
    for (const [field, action] of state.pii) {
      if (!(field in out)) continue;
      if (action === 'drop') delete out[field];
      else out[field] = 'sha256:' + createHash('sha256').update(piiSalt + JSON.stringify(out[field])).digest('hex');
    }
    return out;
  };

  function emit(id: string, payload: unknown, opts?: EmitOptions): FactlineEvent | undefined {
    const state = states.get(id);
    if (state === undefined) {
      const issue: ValidationIssue = { code: 'unknown_event', path: [], message: `"${id}" is not in catalog "${catalog.name}"` };
      if (validation === 'strict') throw new FactlineValidationError(String(id), [issue]);
      counts.rejected++;
      report({ code: 'FACTLINE_EVENT_REJECTED', message: issue.message, event_id: String(id), details: { issues: [issue], payload } });
      return undefined;
    }
    if (state.sinks.length === 0) {
      counts.filtered++;
      return undefined;
    }
    if (closed) {
      counts.rejected++;
      report({ code: 'FACTLINE_EVENT_REJECTED', message: `"${id}" emitted after shutdown()`, event_id: id, details: { payload } });
      return undefined;
    }
    const info = state.info;
    let issues: ValidationIssue[] | undefined;
    let body = payload;
    if (validation !== 'off') {
      const check = checkPayload(info, payload, maxBytes);
      if (check.issues.length > 0) {
        if (validation === 'strict') throw new FactlineValidationError(id, check.issues);
        issues = check.issues;
        const first = check.issues[0]!.code;
        // Schema issues keep the raw payload; values JSON cannot carry get a marked copy.
        if (first !== 'schema' && first !== 'payload_too_large') body = toJsonSafeCopy(payload);
        else if (first === 'payload_too_large') {
          // The stub keeps the pipeline within its limits; the full payload
          // goes to the problem handler below, so nothing is lost unseen.
          const json = check.json!;
          body = { $factline_truncated: true, bytes: Buffer.byteLength(json), sha256: createHash('sha256').update(json).digest('hex'), preview: json.slice(0, 1024) };
        }
      } else if (check.usesToJson) {
        body = JSON.parse(check.json ?? JSON.stringify(payload));
      }
    }
    body = applyPii(state, body);

    const t = now();
    const observed = new Date(t).toISOString();
    const timeMs = opts?.time !== undefined ? toMillis(opts.time) : t;
    const event: FactlineEvent = {
      schema_version: ENVELOPE_SCHEMA_VERSION,
      id: uuidv7(t),
      event_id: id,
      time: timeMs === t ? observed : new Date(timeMs).toISOString(),
      observed_time: observed,
      source: opts?.source ?? defaultSource,
      severity: info.severity,
      payload: body,
    };

    let traceKey = opts?.traceKey;
    let spanId: string | undefined;
    if (resolveTrace !== undefined) {
      try {
        const assigned = resolveTrace(info, payload, timeMs);
        if (assigned !== undefined && (traceKey === undefined || traceKey === assigned.traceKey)) {
          traceKey = assigned.traceKey;
          spanId = assigned.spanId;
        }
      } catch (e) {
        report({ code: 'FACTLINE_SINK_FAILED', message: `resolveTrace threw: ${e instanceof Error ? e.message : String(e)}`, event_id: id, cause: e });
      }
    }
    if (traceKey === undefined && info.traceKeyField !== undefined && typeof payload === 'object' && payload !== null) {
      const v = (payload as Record<string, unknown>)[info.traceKeyField];
      if (typeof v === 'string' && v !== '') traceKey = v;
    }
    if (traceKey !== undefined) {
      const ids = idsForTraceKey(traceKey);
      event.trace_key = traceKey;
      event.trace_id = ids.traceId;
      event.span_id = spanId ?? ids.spanId;
    }
    // The active span wins for the span id; a trace key wins for the trace id
    // (so that every process agrees on it), hence the span is used only when
    // it belongs to that trace or there is no key.
    const sc = trace.getSpan(context.active())?.spanContext();
    if (sc !== undefined && isSpanContextValid(sc) && (event.trace_id === undefined || sc.traceId === event.trace_id)) {
      event.trace_id = sc.traceId;
      event.span_id = sc.spanId;
    }
    const causedBy = opts?.causedBy;
    if (causedBy !== undefined) event.causation_id = typeof causedBy === 'string' ? causedBy : causedBy.id;
    const session = opts?.sessionId ?? options.sessionId;
    if (session !== undefined) event.session_id = session;
    if (issues !== undefined) {
      event.invalid = { issues };
      counts.invalid++;
      report({
        code: 'FACTLINE_VALIDATION_FAILED',
        message: `"${id}" delivered flagged invalid: ${formatIssues(issues)}`,
        event_id: id,
        details: { issues, instance_id: event.id, ...(issues[0]!.code === 'payload_too_large' ? { payload } : {}) },
      });
    }

    counts.emitted++;
    const targets = state.sinks;
    for (let i = 0; i < targets.length; i++) {
      try {
        targets[i]!.write(event, info, timeMs, t);
      } catch (e) {
        report({ code: 'FACTLINE_SINK_FAILED', message: `sink "${targets[i]!.name}" threw: ${e instanceof Error ? e.message : String(e)}`, event_id: id, sink: targets[i]!.name, cause: e });
      }
    }
    return event;
  }

  const settleAll = async (what: 'flush' | 'shutdown'): Promise<void> => {
    const results = await Promise.allSettled(sinks.map((s) => s[what]?.()));
    results.forEach((r, i) => {
      if (r.status === 'rejected') {
        report({ code: 'FACTLINE_SINK_FAILED', message: `sink "${sinks[i]!.name}" failed to ${what}: ${String(r.reason)}`, sink: sinks[i]!.name, cause: r.reason });
      }
    });
  };

  return {
    catalog,
    validation,
    emit: emit as Emitter<D>['emit'],
    isEnabled: (id) => (states.get(id)?.sinks.length ?? 0) > 0,
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
