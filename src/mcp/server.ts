/**
 * factline's MCP server: an agent asks what it may emit and what its history
 * says, over the Model Context Protocol (official TypeScript SDK).
 *
 * Tools (docs/mcp.md lists their arguments and costs):
 * - `list_events`, `describe_event`: the catalog;
 * - `query_events`: a LogQL query on the local files or Loki, its answer cut
 *   to the reply budget with a cursor for the rest;
 * - `list_labels`, `label_values`: which labels and values the history has;
 * - `event_chain`: what caused an event, and what it caused;
 * - `agent_feedback`: the outcomes of an agent's last N attempts, per group.
 *
 * Every reply is at most `maxReplyBytes` (default 64 KiB); its text is a
 * readable summary and its data is in `structuredContent`, once. Every tool is
 * read-only; a call the client cancels (`notifications/cancelled`) aborts the
 * query it runs.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { Catalog } from '../catalog/define.js';
import { missingEvent } from '../catalog/missing-event.js';
import { VERSION } from '../version.js';
import { agentFeedback, DEFAULT_FAILURE_PATTERN, DEFAULT_LAST, MAX_LAST } from '../feedback/index.js';
import { feedbackRequest } from '../feedback/figures.js';
import { eventIdPatternHint } from '../eventid/pattern-hint.js';
import { chainText, eventChain, historySpan, labelValues, listLabels, rfc3339, skippedSummary, spanSentence, watchSkips } from '../history/index.js';
import { DURATION_EXAMPLES, isLogQuery, readRange, refusedTime, type RangeArgs } from '../history/range.js';
import { summarizeResult } from '../history/result-text.js';
import { QueryError, type LokiQueryData, type LokiQueryResponse, type QueryBackend } from '../query/types.js';
import {
  bigintSafe,
  cutLongLine,
  decodeCursor,
  DEFAULT_MAX_REPLY_BYTES,
  encodeCursor,
  fitPrefix,
  MIN_MAX_REPLY_BYTES,
  pageAnswer,
  replyBytes,
  type PagedAnswer,
  type QueryCursor,
  type Reply,
} from './reply.js';

/** What the server serves. */
export interface FactlineMcpOptions {
  catalog: Catalog;
  /** The query engine for the history tools. */
  backend: QueryBackend;
  /** The clock for default ranges, Unix epoch ns. Default: now. */
  now?: () => bigint;
  /** The most bytes one tool result may take (its JSON, UTF-8). Default 65 536; at least 4 096. */
  maxReplyBytes?: number;
}

type TimeArgs = RangeArgs;

const timeArgs = (defaultSince: string) => ({
  since: z.string().optional().describe(`How far back from end: ${DURATION_EXAMPLES} (default ${defaultSince}). Not with start.`),
  start: z.string().optional().describe('Absolute start, RFC 3339 (2026-03-30T14:00:00Z) or Unix seconds. Not with since.'),
  end: z.string().optional().describe('Absolute end, RFC 3339 (2026-03-30T14:00:00Z) or Unix seconds (default now)'),
});

const serviceArg = z.string().optional().describe('Only this service (service_name); default every service');

const text = (t: string, structured?: Record<string, unknown>): Reply => ({
  content: [{ type: 'text', text: t }],
  ...(structured ? { structuredContent: structured } : {}),
});
const failure = (t: string): Reply => ({ content: [{ type: 'text', text: t }], isError: true });

/** A tool's error as the agent should read it: what went wrong and what to change. */
function asToolError(e: unknown): Reply {
  if (e instanceof QueryError) {
    const hint =
      e.code === 'syntax'
        ? ' Fix the LogQL and call again.'
        : e.code === 'unsupported'
          ? ' The local engine does not evaluate this; run the server with --loki URL.'
          : '';
    return failure(`${e.code}: ${e.message}${e.position !== undefined ? ` (at position ${e.position})` : ''}.${hint}`);
  }
  return failure(`error: ${(e as Error).message}`);
}

/** A tool's handler whose every error (a bad argument, a query the engine refused, an unreachable Loki) is answered as a tool error, never thrown to the SDK. */
function guarded<Args extends unknown[]>(handler: (...args: Args) => Promise<Reply>): (...args: Args) => Promise<Reply> {
  return async (...args) => {
    try {
      return await handler(...args);
    } catch (e) {
      return asToolError(e);
    }
  };
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * Builds the MCP server; connect it to a transport (`createStdioTransport()`
 * for `factline mcp`, or the SDK's).
 *
 * @example
 * const server = createFactlineMcpServer({ catalog, backend: createLocalBackend({ files: ['events.jsonl'] }) });
 * await server.connect(createStdioTransport());
 */
/** The sentence a reply ends with when the local engine skipped lines that are not events (none when it skipped none). */
function skippedNote(summary: string | undefined): string {
  return summary === undefined ? '' : `\nThe local engine ${summary}.`;
}

export function createFactlineMcpServer(options: FactlineMcpOptions): McpServer {
  const { catalog, backend } = options;
  const now = options.now ?? (() => BigInt(Date.now()) * 1_000_000n);
  const budget = options.maxReplyBytes ?? DEFAULT_MAX_REPLY_BYTES;
  if (!Number.isInteger(budget) || budget < MIN_MAX_REPLY_BYTES)
    throw new QueryError('bad_request', `maxReplyBytes must be a whole number ≥ ${MIN_MAX_REPLY_BYTES}, got ${budget}`);
  const server = new McpServer({ name: 'factline', version: VERSION });
  const local = backend.kind === 'local';
  const where = local ? 'the local event files' : 'Loki';
  const catalogTool: ToolAnnotations = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };
  const historyTool: ToolAnnotations = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: !local };
  const scanCost = local
    ? 'Cost: reads every line of the event files in the range (about 1 s of CPU per 300,000 lines).'
    : 'Cost: one or more Loki queries over the range.';
  const replyCost = `The reply is at most ${budget} bytes.`;

  /** The last query_events answer, so that paging through it does not run the query once per page. */
  let lastAnswer: { key: string; response: LokiQueryResponse; paged: PagedAnswer } | undefined;

  const range = (a: TimeArgs, defaultSince: string): { start: bigint; end: bigint } => {
    const r = readRange(a, defaultSince, now());
    if (!('problem' in r)) return r;
    const p = r.problem;
    switch (p.code) {
      case 'since_with_start':
        throw new QueryError('bad_request', 'give since or start, not both');
      case 'bad_duration':
        throw new QueryError('bad_request', `since must be a duration like ${DURATION_EXAMPLES}, got ${JSON.stringify(p.text)}`);
      case 'bad_time':
        throw new QueryError(
          'bad_request',
          refusedTime(p.field, p.text, `${p.field} must be an RFC 3339 time such as 2026-03-30T14:00:00Z, got ${JSON.stringify(p.text)}`),
        );
      case 'end_before_start':
        throw new QueryError('bad_request', `end (${a.end ?? 'now'}) is before start (${a.start ?? a.since})`);
    }
  };

  /** The sentence for an empty answer: the range asked and the range the history covers. */
  const emptyHint = async (
    asked: { start: bigint; end: bigint; instant?: boolean },
    service: string | undefined,
    signal: AbortSignal,
    inRange?: string,
  ): Promise<string> =>
    spanSentence(await historySpan(backend, { end: asked.end, ...(service !== undefined ? { service } : {}), signal }), asked, undefined, inRange);

  server.registerTool(
    'list_events',
    {
      title: "List the catalog's events",
      description:
        `Every event the catalog "${catalog.name}" defines: EventID (domain.entity.action:version), severity and description. ` +
        'Call this before writing code that emits events: only these EventIDs exist. Optional pattern filters with % wildcards, e.g. "%.failed:%". ' +
        `Cost: none (the catalog is in memory). ${replyCost}`,
      inputSchema: { pattern: z.string().optional().describe('A % pattern over EventIDs, e.g. "auth.%" or "%.failed:%"') },
      annotations: catalogTool,
    },
    ({ pattern }) => {
      // A pattern no EventID can match is a mistake to name, not an empty list (docs/eventid.md, "Patterns").
      const hint = pattern ? eventIdPatternHint(pattern) : undefined;
      if (hint !== undefined) return failure(`pattern: ${hint}. Fix the pattern and call again.`);
      const events = (pattern ? catalog.find(pattern) : catalog.list()).map((t) => ({
        id: t.id,
        severity: t.severity,
        ...(t.description ? { description: t.description } : {}),
      }));
      const render = (k: number): Reply => {
        const shown = events.slice(0, k);
        const head = `${plural(events.length, 'event')} in catalog "${catalog.name}"${pattern ? ` matching ${pattern}` : ''}`;
        const cut = k < events.length ? `\n(showing ${k}; narrow with a pattern such as "auth.%" for the rest)` : '';
        return text(`${head}:\n${shown.map((e) => `${e.id} (${e.severity})${e.description ? `: ${e.description}` : ''}`).join('\n')}${cut}`, {
          catalog: catalog.name,
          events: shown,
          ...(k < events.length ? { cut: { shown: k, total: events.length } } : {}),
        });
      };
      return fitPrefix(events.length, render, budget).reply;
    },
  );

  server.registerTool(
    'describe_event',
    {
      title: 'Describe one event',
      description:
        'One event of the catalog: its description, severity, wire name, personal-data fields and the JSON Schema its payload must satisfy. Cost: none (the catalog is in memory); the reply is the size of one schema.',
      inputSchema: { id: z.string().describe('The EventID, e.g. "auth.user.login:1"') },
      annotations: catalogTool,
    },
    ({ id }) => {
      const event = catalog.describe().events.find((e) => e.id === id);
      if (event === undefined) {
        const missing = missingEvent(id, catalog.name);
        if (missing.code === 'invalid_event_id')
          return failure(`${missing.message}. An EventID is domain.entity.action:version, e.g. auth.user.login:1; list_events lists this catalog's.`);
        const hint = /:\d+$/.test(id) ? '' : ' An EventID ends in :N, its version.';
        return failure(
          `"${id}" is not in catalog "${catalog.name}".${hint} Its events: ${catalog
            .list()
            .map((t) => t.id)
            .join(', ')}.`,
        );
      }
      return text(
        `${event.id} (${event.severity})${event.description ? `: ${event.description}` : ''}. Its payload JSON Schema is in structuredContent.json_schema.`,
        event as unknown as Record<string, unknown>,
      );
    },
  );

  server.registerTool(
    'query_events',
    {
      title: 'Query the event history with LogQL',
      description:
        `Runs a LogQL query (Loki's query language) on ${where} and answers with Loki's JSON result (in structuredContent) and a one-line summary. ` +
        'Streams are labelled service_name; each line carries factline_event_id, event_name, factline_source_model, factline_causation_id, ... ' +
        '(list_labels shows them) and its body is the payload JSON (use | json). ' +
        'Example: sum by (event_name) (count_over_time({service_name=~".+"} | event_name=~".*failed" [1h])). ' +
        `A log query runs over the range (since, or start/end); a metric query is evaluated once, at end. ${scanCost} ${replyCost} A longer answer is cut: the reply says so and carries next_cursor; call again with {"cursor": next_cursor} for the rest.`,
      inputSchema: {
        query: z.string().optional().describe('The LogQL query (required unless cursor is given)'),
        ...timeArgs('1h'),
        limit: z.number().int().min(1).max(5000).optional().describe('Most log lines over all pages (default 100)'),
        direction: z.enum(['backward', 'forward']).optional().describe('backward: newest first (default); forward: oldest first'),
        cursor: z.string().optional().describe('next_cursor of a cut reply: continues that query where it stopped (other arguments are ignored)'),
      },
      annotations: historyTool,
    },
    guarded(async (a, extra) => {
      let c: QueryCursor;
      if (a.cursor !== undefined) {
        try {
          c = decodeCursor(a.cursor);
        } catch (e) {
          throw new QueryError('bad_request', (e as Error).message);
        }
      } else {
        if (a.query === undefined || a.query.trim() === '')
          throw new QueryError('bad_request', 'query is required: a LogQL query such as {service_name=~".+"} | event_name="agent.test.failed"');
        const r = range(a, '1h');
        c = { query: a.query, start: r.start.toString(), end: r.end.toString(), limit: a.limit ?? 100, direction: a.direction ?? 'backward', offset: 0 };
      }
      const start = BigInt(c.start);
      const end = BigInt(c.end);
      const isLog = isLogQuery(c.query);
      // A continuation is answered from the last answer when it is the same
      // request (its range is fixed in the cursor); otherwise it is run again.
      const key = JSON.stringify({ ...c, offset: 0 });
      if (c.offset === 0 || lastAnswer?.key !== key) {
        const response = isLog
          ? await backend.queryRange({ query: c.query, start, end, limit: c.limit, direction: c.direction, signal: extra.signal })
          : await backend.query({ query: c.query, time: end, limit: c.limit, signal: extra.signal });
        lastAnswer = { key, response, paged: pageAnswer(response.data, c.direction) };
      }
      const { response, paged } = lastAnswer;
      const data = response.data;
      const total = paged.count;
      const remaining = Math.max(total - c.offset, 0);
      const units = data.resultType === 'streams' ? 'log lines' : 'series';
      const stats = (data as { stats?: unknown }).stats;
      const skipped = skippedSummary(stats);
      const render = (k: number, page: LokiQueryData = paged.slice(c.offset, c.offset + k)): Reply => {
        const more = c.offset + k < total;
        const next = more ? encodeCursor({ ...c, offset: c.offset + k }) : undefined;
        const summary = summarizeResult(page);
        const position =
          c.offset > 0 || more
            ? ` (${units} ${c.offset + 1}–${c.offset + k} of ${total}${more ? `; cut to stay within the ${budget}-byte reply budget` : ''})`
            : '';
        const lines = [
          `${summary}${position}.`,
          ...(skipped ? [`The local engine ${skipped}.`] : []),
          ...(next ? [`For the rest call query_events with {"cursor": "${next}"}.`] : []),
          "The data is in structuredContent.data (Loki's JSON).",
        ];
        return text(lines.join('\n'), {
          summary,
          status: response.status,
          data: { ...(bigintSafe(page) as Record<string, unknown>), ...(stats !== undefined ? { stats: bigintSafe(stats) } : {}) },
          ...(next ? { next_cursor: next, cut: { shown: k, offset: c.offset, total } } : {}),
        });
      };
      // No more items than their bytes alone allow.
      let most = 0;
      for (let bytes = 0; most < remaining && bytes <= budget; most++) bytes += paged.bytes(c.offset + most);
      let { reply, shown } = fitPrefix(remaining, (k) => render(k), budget, most);
      if (shown === 0 && remaining > 0) {
        // Not even one item fits: one log line, cut to what the budget leaves.
        const one = paged.slice(c.offset, c.offset + 1);
        const room = budget - replyBytes(render(1, cutLongLine(one, 0))) - 64;
        reply = render(1, cutLongLine(one, Math.max(room / 2, 0) | 0));
        shown = 1;
      }
      if (total === 0 && c.offset === 0) {
        const hint = await emptyHint(isLog ? { start, end } : { start: end, end, instant: true }, undefined, extra.signal);
        reply.content[0]!.text += `\n${hint}`;
      }
      return reply;
    }),
  );

  server.registerTool(
    'list_labels',
    {
      title: 'Which labels does the history have?',
      description:
        `The label names of ${where} in the range: index labels (select streams with them, {service_name="api"}) and the names the newest 500 lines ` +
        'carry besides (structured metadata such as event_name, factline_event_id, factline_source_model; filter with | name="value"). ' +
        `Call it before writing LogQL. ${scanCost} ${replyCost}`,
      inputSchema: { ...timeArgs('1d'), service: serviceArg },
      annotations: historyTool,
    },
    guarded(async (a, extra) => {
      const r = range(a, '1d');
      const names = await listLabels(backend, { ...r, ...(a.service !== undefined ? { service: a.service } : {}), signal: extra.signal });
      let t = `Index labels: ${names.indexed.join(', ') || '(none)'}.\nOn lines (structured metadata, from the newest ${plural(names.sampledLines, 'line')}): ${names.onLines.join(', ') || '(none)'}.`;
      if (names.sampledLines === 0 && names.indexed.length === 0) t += `\n${await emptyHint(r, a.service, extra.signal)}`;
      return text(t, { ...names, range: { start: rfc3339(r.start), end: rfc3339(r.end) } });
    }),
  );

  server.registerTool(
    'label_values',
    {
      title: 'Which values does a label take?',
      description: `The values of one label (index label or structured metadata, e.g. event_name, factline_source_model, service_name) in the range, with how many lines carry each, most first. ${scanCost} ${replyCost}`,
      inputSchema: { name: z.string().describe('The label name, e.g. "event_name"'), ...timeArgs('1d'), service: serviceArg },
      annotations: historyTool,
    },
    guarded(async (a, extra) => {
      const r = range(a, '1d');
      const values = await labelValues(backend, a.name, { ...r, ...(a.service !== undefined ? { service: a.service } : {}), signal: extra.signal });
      const render = (k: number): Reply => {
        const shown = values.slice(0, k);
        const cut = k < values.length ? `\n(showing ${k} of ${values.length}, most lines first; narrow the range or the service for the rest)` : '';
        return text(`${plural(values.length, 'value')} of ${a.name}:\n${shown.map((v) => `${v.value} (${plural(v.lines, 'line')})`).join('\n')}${cut}`, {
          name: a.name,
          values: shown,
          ...(k < values.length ? { cut: { shown: k, total: values.length } } : {}),
        });
      };
      const { reply } = fitPrefix(values.length, render, budget);
      if (values.length === 0) reply.content[0]!.text = `No line carries ${a.name} in the range. ${await emptyHint(r, a.service, extra.signal)}`;
      return reply;
    }),
  );

  server.registerTool(
    'event_chain',
    {
      title: 'What caused this event, and what did it cause?',
      description:
        'Walks factline_causation_id from one event (by its instance id, factline_event_instance_id): its causes, oldest first, back to the first cause, ' +
        'and the events it caused directly, each with EventID, time, service, source and payload (cut to 300 characters). ' +
        `${local ? 'Cost: one scan of the event files in the range per step of the chain, plus one for the effects.' : 'Cost: one Loki query per step of the chain, plus one for the effects.'} ${replyCost}`,
      inputSchema: {
        id: z.string().describe('The event instance id (factline_event_instance_id), e.g. "01a22cdd-faa4-7000-bbb9-9371743abb45"'),
        ...timeArgs('1d'),
        service: serviceArg,
      },
      annotations: historyTool,
    },
    guarded(async (a, extra) => {
      const r = range(a, '1d');
      const watch = watchSkips(backend);
      const chain = await eventChain(watch.backend, { id: a.id, ...r, ...(a.service !== undefined ? { service: a.service } : {}), signal: extra.signal });
      if (chain === undefined) {
        const hint = /:\d+$|^[a-z0-9_]+(\.[a-z0-9_]+){2}$/.test(a.id)
          ? ` "${a.id}" looks like an EventID; event_chain takes an instance id (factline_event_instance_id), which query_events shows on every line.`
          : '';
        return failure(
          `No event with instance id "${a.id}" in the range.${hint} ${await emptyHint(r, a.service, extra.signal, 'if the event is outside it, ask again with start/end covering it')}${skippedNote(watch.summary())}`,
        );
      }
      const skipped = watch.summary();
      const render = (k: number): Reply => {
        const shown = { ...chain, effects: chain.effects.slice(0, k), effectsCut: chain.effectsCut || k < chain.effects.length };
        const head = `${plural(chain.causes.length, 'cause')}, ${plural(chain.effects.length, 'direct effect')}${chain.effectsCut ? ' (or more)' : ''}${k < chain.effects.length ? `; showing ${k} effects to stay within the ${budget}-byte reply budget` : ''}:`;
        return text(`${head}\n${chainText(shown)}${skippedNote(skipped)}`, {
          ...(bigintSafe(shown) as Record<string, unknown>),
          ...(skipped ? { skipped } : {}),
        });
      };
      return fitPrefix(chain.effects.length, render, budget).reply;
    }),
  );

  server.registerTool(
    'agent_feedback',
    {
      title: 'How did my last attempts turn out?',
      description:
        'Outcomes of the last N attempts of an agent, per group of a payload field: e.g. "23 of 50 src/auth attempts failed (46%)". ' +
        'An attempt is an event matching `attempts`; its outcome is an event matching `failure` or `success` emitted with causedBy: the attempt ' +
        '(or carrying the same `join_field`). Patterns are % patterns over EventIDs, which end in :N ("agent.code.generated:%"). ' +
        `${local ? 'Cost: two or more scans of the event files in the range.' : 'Cost: two or more Loki log queries (at most 5,000 lines each).'} ${replyCost}`,
      inputSchema: {
        attempts: z.string().describe('% pattern of the attempt events, e.g. "agent.code.generated:%"'),
        success: z.string().describe('% pattern of successful outcomes, e.g. "agent.test.passed:%"'),
        failure: z.string().optional().describe(`% pattern of failed outcomes (default "${DEFAULT_FAILURE_PATTERN}")`),
        service: serviceArg,
        model: z.string().optional().describe('Only attempts of this source model (factline_source_model), e.g. "claude-sonnet-4"'),
        source_type: z.string().optional().describe('Only attempts of this source type, e.g. "child_agent"'),
        last: z.number().int().min(1).max(MAX_LAST).optional().describe(`How many of the most recent attempts (default ${DEFAULT_LAST})`),
        group_by: z.string().optional().describe('Group by this payload field, e.g. "file"'),
        depth: z.number().int().min(1).optional().describe('Keep the first D "/"-separated segments of group_by: src/auth/login.rs at 2 is src/auth'),
        group: z.string().optional().describe('Only groups starting with this, e.g. "src/auth"'),
        join_field: z.string().optional().describe('Link outcomes to attempts by this payload field instead of causation id'),
        ...timeArgs('30d'),
      },
      annotations: historyTool,
    },
    guarded(async (a, extra) => {
      const r = range(a, '30d');
      const watch = watchSkips(backend);
      const figures = await agentFeedback(
        watch.backend,
        feedbackRequest(
          {
            attempts: a.attempts,
            success: a.success,
            failure: a.failure,
            service: a.service,
            model: a.model,
            sourceType: a.source_type,
            last: a.last,
            groupBy: a.group_by,
            depth: a.depth,
            groupPrefix: a.group,
            joinField: a.join_field,
          },
          r,
          extra.signal,
        ),
      );
      const skipped = watch.summary();
      if (figures.attemptsConsidered === 0) {
        return text(
          `No attempts matched ${a.attempts}${a.model ? ` by ${a.model}` : ''} in the range. ${await emptyHint(r, a.service, extra.signal)}${skippedNote(skipped)}`,
          { ...(bigintSafe(figures) as Record<string, unknown>), ...(skipped ? { skipped } : {}) },
        );
      }
      const render = (k: number): Reply => {
        const groups = figures.groups.slice(0, k);
        const sentences = [
          ...groups.map((g) => `${g.sentence}${g.pending > 0 ? `, ${g.pending} pending` : ''}.`),
          ...(figures.groups.length > 1 ? [`Overall: ${figures.total.sentence}.`] : []),
        ];
        if (k < figures.groups.length) sentences.push(`(showing ${k} of ${figures.groups.length} groups, most failures first; use depth or group to narrow)`);
        return text(sentences.join('\n') + skippedNote(skipped), {
          ...(bigintSafe({ ...figures, groups }) as Record<string, unknown>),
          ...(skipped ? { skipped } : {}),
          ...(k < figures.groups.length ? { cut: { shown: k, total: figures.groups.length } } : {}),
        });
      };
      return fitPrefix(figures.groups.length, render, budget).reply;
    }),
  );

  return server;
}
