/**
 * The causation chain of one event: what caused it, step by step back to the
 * first cause, and what it caused directly. Events carry their cause's
 * instance id (`factline_causation_id`, set by `emit(..., { causedBy })`);
 * this walks it with one log query per step, on local files or Loki alike.
 */
import { printable } from '../lines/printable.js';
import { logqlString } from '../queries/escape.js';
import { selector } from '../queries/logql.js';
import { LOKI } from '../queries/names.js';
import { queryRangeWithinLimit } from '../query/entries-limit.js';
import { QueryError, type QueryBackend } from '../query/types.js';
import { rfc3339 } from './span.js';

/** One event of a chain. */
export interface ChainEvent {
  /** Its instance id (`factline_event_instance_id`). */
  readonly id: string;
  /** Its EventID, `agent.test.failed:1`. */
  readonly eventId: string;
  /** RFC 3339, with nanoseconds when not zero. */
  readonly time: string;
  /** Unix epoch ns, as a decimal string (Loki's spelling). */
  readonly timeNs: string;
  readonly service: string;
  /** Who emitted it: `factline_source_type`, `_model`, `_name` where set. */
  readonly source: { readonly type?: string; readonly model?: string; readonly name?: string };
  /** The instance id of its cause, when it has one. */
  readonly causationId?: string;
  /** The payload (the line's body), cut to 300 characters with `…`. */
  readonly payload: string;
}

/** The answer of {@link eventChain}. */
export interface EventChain {
  /** The event asked about. */
  readonly event: ChainEvent;
  /** Its causes, oldest first: `causes[causes.length - 1]` caused `event`. */
  readonly causes: ChainEvent[];
  /** A cause named by the oldest event found but not in the range (widen `start`), if any. */
  readonly missingCause?: string;
  /** The events `event` caused directly, oldest first (at most `maxEffects`; at most one fewer than the backend's `max_entries_limit_per_query` where that is lower). */
  readonly effects: ChainEvent[];
  /** True when there were more direct effects than `effects` holds. */
  readonly effectsCut: boolean;
}

/** What {@link eventChain} asks. */
export interface ChainRequest {
  /** The event's instance id. */
  readonly id: string;
  /** Unix epoch ns: where the causes and effects are looked for. */
  readonly start: bigint;
  readonly end: bigint;
  readonly service?: string;
  /** Most causes walked back. Default 50. */
  readonly maxDepth?: number;
  /** Most direct effects returned. Default 100. */
  readonly maxEffects?: number;
  readonly signal?: AbortSignal;
}

const PAYLOAD_CHARS = 300;

function chainEvent(ns: string, labels: Record<string, string>, line: string): ChainEvent {
  const source = {
    ...(labels[LOKI.SOURCE_TYPE] ? { type: labels[LOKI.SOURCE_TYPE] } : {}),
    ...(labels[LOKI.SOURCE_MODEL] ? { model: labels[LOKI.SOURCE_MODEL] } : {}),
    ...(labels[LOKI.SOURCE_NAME] ? { name: labels[LOKI.SOURCE_NAME] } : {}),
  };
  return {
    id: labels[LOKI.EVENT_INSTANCE_ID] ?? '',
    eventId: labels[LOKI.EVENT_ID] ?? labels[LOKI.EVENT_NAME] ?? '(unknown)',
    time: rfc3339(BigInt(ns)),
    timeNs: ns,
    service: labels[LOKI.SERVICE_NAME] ?? '',
    source,
    ...(labels[LOKI.CAUSATION_ID] ? { causationId: labels[LOKI.CAUSATION_ID] } : {}),
    payload: line.length > PAYLOAD_CHARS ? `${line.slice(0, PAYLOAD_CHARS - 1)}…` : line,
  };
}

/** The events whose `name` label is `value`, oldest first, and the limit asked with (lower than `limit` where the backend's entries limit is). */
async function find(
  backend: QueryBackend,
  request: ChainRequest,
  name: string,
  value: string,
  limit: number,
): Promise<{ events: ChainEvent[]; limit: number }> {
  const query = `${selector(request.service)} | ${name}=${logqlString(value)}`;
  const asked = await queryRangeWithinLimit(backend, {
    query,
    start: request.start,
    end: request.end,
    limit,
    direction: 'forward',
    ...(request.signal ? { signal: request.signal } : {}),
  });
  const r = asked.response;
  if (r.data.resultType !== 'streams') throw new QueryError('unavailable', `expected log lines for ${query}, got a ${r.data.resultType}`);
  const events = r.data.result
    .flatMap((s) => s.values.map(([ns, line]) => chainEvent(ns, s.stream, line)))
    .sort((a, b) => (BigInt(a.timeNs) < BigInt(b.timeNs) ? -1 : BigInt(a.timeNs) > BigInt(b.timeNs) ? 1 : 0));
  return { events, limit: asked.limit };
}

/**
 * The causes (oldest first) and direct effects of the event with instance id
 * `id`, each with EventID, time, service, source and payload.
 * Runs one log query per cause plus one for the effects.
 *
 * @returns undefined when no event with that instance id is in the range.
 * @throws QueryError `bad_request` for an empty id; a cycle in the causation ids ends the walk, it does not loop.
 *
 * @example
 * const chain = await eventChain(backend, { id: '01a2…', start, end });
 * chain?.causes.map((e) => e.eventId); // ['agent.task.started:1', 'agent.code.generated:1']
 */
export async function eventChain(backend: QueryBackend, request: ChainRequest): Promise<EventChain | undefined> {
  if (request.id.trim() === '')
    throw new QueryError('bad_request', 'id must be an event instance id (factline_event_instance_id), e.g. 01a22cdd-faa4-7000-bbb9-9371743abb45');
  const maxDepth = request.maxDepth ?? 50;
  const maxEffects = request.maxEffects ?? 100;
  const [event] = (await find(backend, request, LOKI.EVENT_INSTANCE_ID, request.id, 1)).events;
  if (event === undefined) return undefined;
  const causes: ChainEvent[] = [];
  const seen = new Set([event.id]);
  let missingCause: string | undefined;
  for (let cause = event.causationId; cause !== undefined && causes.length < maxDepth && !seen.has(cause); ) {
    seen.add(cause);
    const [found] = (await find(backend, request, LOKI.EVENT_INSTANCE_ID, cause, 1)).events;
    if (found === undefined) {
      missingCause = cause;
      break;
    }
    causes.unshift(found);
    cause = found.causationId;
  }
  // One more than shown tells a cut list from a whole one; under a lower entries limit, one fewer are shown.
  const { events: effects, limit } = await find(backend, request, LOKI.CAUSATION_ID, request.id, maxEffects + 1);
  const shown = Math.min(maxEffects, limit - 1);
  return {
    event,
    causes,
    ...(missingCause !== undefined ? { missingCause } : {}),
    effects: effects.slice(0, shown),
    effectsCut: effects.length > shown,
  };
}

/** The chain as text, one event a line: causes, the event (marked `>`), effects (indented). */
export function chainText(chain: EventChain): string {
  // Every value comes from the events: control and bidi characters are written as \uXXXX, as every reader prints file content.
  const line = (e: ChainEvent, mark: string) => {
    const who = [e.source.type, e.source.model, e.source.name].filter(Boolean).join('/');
    return printable(`${mark}${e.time} ${e.eventId} ${e.id}${e.service ? ` service=${e.service}` : ''}${who ? ` source=${who}` : ''} ${e.payload}`);
  };
  const out: string[] = [];
  if (chain.missingCause !== undefined) out.push(`  (caused by ${printable(chain.missingCause)}, not in the range: widen start)`);
  for (const c of chain.causes) out.push(line(c, '  '));
  out.push(line(chain.event, '> '));
  for (const e of chain.effects) out.push(line(e, '    -> '));
  if (chain.effectsCut)
    out.push(`    (more effects than ${chain.effects.length}; query {service_name=~".+"} | ${LOKI.CAUSATION_ID}="${chain.event.id}" for all)`);
  return out.join('\n');
}
