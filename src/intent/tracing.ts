import { context, trace, SpanStatusCode, TraceFlags, type Span, type Tracer } from '@opentelemetry/api';
import type { EventTypeInfo } from '../catalog/types.js';
import type { TraceAssignment } from '../emitter/options.js';
import type { FactlineEvent } from '../envelope/event.js';
import { ATTR } from '../wire.js';
import type { KeyedIdGenerator } from '../otel/id-generator.js';
import { idsForTraceKey } from '../otel/trace-key.js';
import { INTENT_SPAN_ATTR, INTENT_SPANS } from './span-names.js';
import { isIntentType } from './catalog.js';

/*
 * One trace per notice→spec→execute→observe loop (docs/intent.md). The `TRACE-*`
 * key of signal.promoted, intent.proposed, spec.created and contract.started
 * names the trace; events that carry only a signal, intent, spec or contract
 * id join it once this tracker has seen the link. The loop becomes a
 * waterfall of spans:
 *
 *   intent.loop            first event of the key → last contract completed
 *   ├─ intent.intent       intent.proposed → intent.accepted
 *   ├─ intent.spec         spec.created → spec.approved
 *   └─ intent.contract     contract.started → contract.completed, one per contract,
 *                          with its assertion events as span events
 *
 * Span times are the events' own times. The root span takes the ids derived
 * from the key (docs/mapping.md) when the tracer's provider uses a
 * `KeyedIdGenerator` (factline's own pipeline does); with another SDK it is
 * a child of that derived root, so the trace id still agrees across processes.
 */

interface Loop {
  key: string;
  root: Span;
  intent?: Span;
  spec?: Span;
  contracts: Map<string, Span>;
  /** Contracts listed by spec.created that have not completed yet. */
  pending: Set<string>;
  /** True once spec.created said which contracts to wait for. */
  planned: boolean;
}

export interface IntentTracingOptions {
  tracer: Tracer;
  /** The id generator of the tracer's provider, if it is factline's. */
  idGenerator?: KeyedIdGenerator;
  /** Most loops kept open at once; the oldest is ended past it. Default 1000. */
  maxOpenLoops?: number;
  /** Most entity → trace links remembered. Default 100000. */
  maxLinks?: number;
}

export interface IntentTracing {
  /** For the emitter's `resolveTrace` option. */
  resolveTrace(type: EventTypeInfo, payload: unknown, timeMs: number): TraceAssignment | undefined;
  /** For the OTLP sink's `spanFor` option: the span an event's span event goes on. */
  spanFor(event: FactlineEvent, type: EventTypeInfo): Span | undefined;
  /** For the OTLP sink's `afterEmit` option: ends the spans an event closes. */
  afterEmit(event: FactlineEvent, type: EventTypeInfo): void;
  /** The trace key an entity id (`SIG-042`, `CON-091`, ...) is linked to. */
  keyFor(entityId: string): string | undefined;
  /** Ends every open span (at shutdown). */
  endAll(timeMs?: number): void;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const strs = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

export function createIntentTracing(options: IntentTracingOptions): IntentTracing {
  const { tracer, idGenerator } = options;
  const maxLoops = options.maxOpenLoops ?? 1000;
  const maxLinks = options.maxLinks ?? 100_000;
  const links = new Map<string, string>();
  const loops = new Map<string, Loop>();
  const spansById = new Map<string, Span>();

  const link = (id: string | undefined, key: string) => {
    if (id === undefined) return;
    if (links.size >= maxLinks && !links.has(id)) links.delete(links.keys().next().value!);
    links.set(id, key);
  };

  const track = (span: Span): Span => {
    spansById.set(span.spanContext().spanId, span);
    return span;
  };
  const end = (span: Span | undefined, timeMs: number) => {
    if (span === undefined || !span.isRecording()) return;
    span.end(timeMs);
    // Kept in spansById until the event that ended it has been written.
  };

  function openLoop(key: string, timeMs: number): Loop {
    let loop = loops.get(key);
    if (loop) return loop;
    if (loops.size >= maxLoops) {
      const [oldKey, oldest] = loops.entries().next().value!;
      endLoop(oldest, timeMs);
      loops.delete(oldKey);
    }
    const ids = idsForTraceKey(key);
    const attributes = { [ATTR.TRACE_KEY]: key };
    let root: Span;
    if (idGenerator) {
      root = idGenerator.withIds(ids.traceId, ids.spanId, () => tracer.startSpan(INTENT_SPANS.LOOP, { root: true, startTime: timeMs, attributes }));
    } else {
      const parent = trace.setSpanContext(context.active(), { traceId: ids.traceId, spanId: ids.spanId, traceFlags: TraceFlags.SAMPLED, isRemote: true });
      root = tracer.startSpan(INTENT_SPANS.LOOP, { startTime: timeMs, attributes }, parent);
    }
    loop = { key, root: track(root), contracts: new Map(), pending: new Set(), planned: false };
    loops.set(key, loop);
    return loop;
  }

  function child(loop: Loop, name: string, timeMs: number, attributes: Record<string, string>): Span {
    const parent = trace.setSpan(context.active(), loop.root);
    return track(tracer.startSpan(name, { startTime: timeMs, attributes: { [ATTR.TRACE_KEY]: loop.key, ...attributes } }, parent));
  }

  function endLoop(loop: Loop, timeMs: number) {
    end(loop.intent, timeMs);
    end(loop.spec, timeMs);
    for (const s of loop.contracts.values()) end(s, timeMs);
    end(loop.root, timeMs);
  }

  return {
    keyFor: (id) => links.get(id),

    resolveTrace(type, payload, timeMs) {
      if (!isIntentType(type) || typeof payload !== 'object' || payload === null) return undefined;
      const p = payload as Record<string, unknown>;
      const ids = [str(p.contract_id), str(p.spec_id), str(p.intent_id), str(p.signal_id)];
      const key = str(p.trace_id) ?? ids.map((i) => (i === undefined ? undefined : links.get(i))).find((k) => k !== undefined);
      if (key === undefined) return undefined;
      for (const i of ids) link(i, key);
      for (const s of strs(p.signals)) link(s, key);
      for (const c of strs(p.contracts)) link(c, key);

      const loop = openLoop(key, timeMs);
      let span: Span | undefined;
      switch (type.wireName) {
        case 'intent.proposed':
          loop.intent ??= child(loop, INTENT_SPANS.INTENT, timeMs, { [INTENT_SPAN_ATTR.INTENT_ID]: String(p.intent_id) });
          span = loop.intent;
          break;
        case 'intent.accepted':
          span = loop.intent;
          break;
        case 'spec.created':
          loop.spec ??= child(loop, INTENT_SPANS.SPEC, timeMs, { [INTENT_SPAN_ATTR.SPEC_ID]: String(p.spec_id) });
          for (const c of strs(p.contracts)) if (!loop.contracts.has(c) || loop.contracts.get(c)!.isRecording()) loop.pending.add(c);
          loop.planned = true;
          span = loop.spec;
          break;
        case 'spec.approved':
          span = loop.spec;
          break;
        case 'contract.started': {
          const id = String(p.contract_id);
          if (!loop.contracts.has(id)) {
            loop.contracts.set(
              id,
              child(loop, INTENT_SPANS.CONTRACT, timeMs, { [INTENT_SPAN_ATTR.CONTRACT_ID]: id, [INTENT_SPAN_ATTR.AGENT]: String(p.agent ?? '') }),
            );
            if (!loop.planned) loop.pending.add(id);
          }
          span = loop.contracts.get(id);
          break;
        }
        case 'contract.assertion.passed':
        case 'contract.assertion.failed':
        case 'contract.completed':
          span = loop.contracts.get(String(p.contract_id));
          break;
      }
      return { traceKey: key, spanId: (span ?? loop.root).spanContext().spanId };
    },

    spanFor(event) {
      return event.span_id === undefined ? undefined : spansById.get(event.span_id);
    },

    afterEmit(event, type) {
      if (!isIntentType(type) || event.trace_key === undefined) return;
      const loop = loops.get(event.trace_key);
      if (!loop) return;
      const t = Date.parse(event.time);
      const p = event.payload as Record<string, unknown>;
      switch (type.wireName) {
        case 'intent.accepted':
          end(loop.intent, t);
          break;
        case 'spec.approved':
          end(loop.spec, t);
          break;
        case 'contract.completed': {
          const id = String(p.contract_id);
          const span = loop.contracts.get(id);
          if (span && typeof p.assertions_failed === 'number' && p.assertions_failed > 0) {
            span.setStatus({ code: SpanStatusCode.ERROR, message: `${p.assertions_failed} assertion(s) failed` });
          }
          end(span, t);
          loop.pending.delete(id);
          if (loop.pending.size === 0) {
            endLoop(loop, t);
            loops.delete(loop.key);
          }
          break;
        }
      }
      // Forget ended spans once their last event is written.
      for (const [id, s] of spansById) if (!s.isRecording()) spansById.delete(id);
    },

    endAll(timeMs = Date.now()) {
      for (const loop of loops.values()) endLoop(loop, timeMs);
      loops.clear();
      spansById.clear();
    },
  };
}
