/**
 * factline's MCP server: an agent asks what it may emit and what its history
 * says, over the Model Context Protocol (official TypeScript SDK).
 *
 * Tools:
 * - `list_events`: the catalog's EventIDs, severities and descriptions;
 * - `describe_event`: one event's description, severity and payload JSON Schema;
 * - `query_events`: a LogQL query on the local files or Loki, answered with
 *   Loki's JSON and a one-sentence summary;
 * - `agent_feedback`: the outcomes of an agent's last N attempts, per group.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { Catalog } from '../catalog/define.js';
import { VERSION } from '../version.js';
import { agentFeedback, DEFAULT_FAILURE_PATTERN, DEFAULT_LAST, MAX_LAST } from '../feedback/index.js';
import { summarizeResult } from '../cli/render.js';
import { QueryError, type QueryBackend } from '../query/types.js';

/** What the server serves. */
export interface FactlineMcpOptions {
  catalog: Catalog;
  /** The query engine for `query_events` and `agent_feedback`. */
  backend: QueryBackend;
  /** The clock for default ranges, Unix epoch ns. Default: now. */
  now?: () => bigint;
}

const NS_PER_S = 1_000_000_000n;
const DURATION = /^(\d+)(s|m|h|d)$/;
const UNIT_S: Record<string, bigint> = { s: 1n, m: 60n, h: 3600n, d: 86400n };

function durationNs(text: string): bigint {
  const m = DURATION.exec(text);
  if (!m) throw new QueryError('bad_request', `since must be a duration like 15m, 1h or 7d, got ${JSON.stringify(text)}`);
  return BigInt(m[1]!) * UNIT_S[m[2]!]! * NS_PER_S;
}

const text = (t: string, structured?: Record<string, unknown>): CallToolResult => ({ content: [{ type: 'text', text: t }], ...(structured ? { structuredContent: structured } : {}) });
const failure = (t: string): CallToolResult => ({ content: [{ type: 'text', text: t }], isError: true });

/** A tool's error as the agent should read it: what went wrong and what to change. */
function asToolError(e: unknown): CallToolResult {
  if (e instanceof QueryError) {
    const hint =
      e.code === 'syntax' ? ' Fix the LogQL and call again.' : e.code === 'unsupported' ? ' The local engine does not evaluate this; run the server with --loki URL.' : '';
    return failure(`${e.code}: ${e.message}${e.position !== undefined ? ` (at position ${e.position})` : ''}.${hint}`);
  }
  return failure(`error: ${(e as Error).message}`);
}

const bigintSafe = (v: unknown): unknown => JSON.parse(JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x)));

/**
 * Builds the MCP server; connect it to a transport (`StdioServerTransport`
 * for `factline mcp`).
 *
 * @example
 * const server = createFactlineMcpServer({ catalog, backend: createLocalBackend({ files: ['events.jsonl'] }) });
 * await server.connect(new StdioServerTransport());
 */
export function createFactlineMcpServer(options: FactlineMcpOptions): McpServer {
  const { catalog, backend } = options;
  const now = options.now ?? (() => BigInt(Date.now()) * 1_000_000n);
  const server = new McpServer({ name: 'factline', version: VERSION });

  server.registerTool(
    'list_events',
    {
      title: 'List the catalog\'s events',
      description: `Every event the catalog "${catalog.name}" defines: EventID (domain.entity.action:version), severity and description. Call this before writing code that emits events: only these EventIDs exist. Optional pattern filters with % wildcards, e.g. "%.failed:%".`,
      inputSchema: { pattern: z.string().optional().describe('A % pattern over EventIDs, e.g. "auth.%" or "%.failed:%"') },
    },
    ({ pattern }) => {
      const events = (pattern ? catalog.find(pattern) : catalog.list()).map((t) => ({ id: t.id, severity: t.severity, ...(t.description ? { description: t.description } : {}) }));
      const lines = events.map((e) => `${e.id} (${e.severity})${e.description ? `: ${e.description}` : ''}`);
      return text(`${events.length} event${events.length === 1 ? '' : 's'} in catalog "${catalog.name}"${pattern ? ` matching ${pattern}` : ''}:\n${lines.join('\n')}`, { catalog: catalog.name, events });
    },
  );

  server.registerTool(
    'describe_event',
    {
      title: 'Describe one event',
      description: 'One event of the catalog: its description, severity, wire name, personal-data fields and the JSON Schema its payload must satisfy.',
      inputSchema: { id: z.string().describe('The EventID, e.g. "auth.user.login:1"') },
    },
    ({ id }) => {
      const event = catalog.describe().events.find((e) => e.id === id);
      if (event === undefined) {
        return failure(`"${id}" is not in catalog "${catalog.name}". Its events: ${catalog.list().map((t) => t.id).join(', ')}.`);
      }
      return text(`${event.id} (${event.severity})${event.description ? `: ${event.description}` : ''}\nPayload JSON Schema:\n${JSON.stringify(event.json_schema, null, 2)}`, event as unknown as Record<string, unknown>);
    },
  );

  server.registerTool(
    'query_events',
    {
      title: 'Query the event history with LogQL',
      description:
        'Runs a LogQL query (Loki\'s query language) on the event history and answers with Loki\'s JSON result and a one-line summary. Streams are labelled service_name; each line carries factline_event_id, event_name, factline_source_model, factline_causation_id, ... and its body is the payload JSON (use | json). Example: sum by (event_name) (count_over_time({service_name=~".+"} | event_name=~".*failed" [1h])).',
      inputSchema: {
        query: z.string().describe('The LogQL query'),
        since: z.string().optional().describe('How far back: 15m, 1h, 7d (default 1h); a metric query is evaluated once at the end'),
        limit: z.number().int().min(1).max(5000).optional().describe('Most log lines (default 100)'),
      },
    },
    async ({ query, since, limit }) => {
      try {
        const end = now();
        const start = end - durationNs(since ?? '1h');
        const isLog = query.trimStart().startsWith('{');
        const response = isLog ? await backend.queryRange({ query, start, end, limit: limit ?? 100 }) : await backend.query({ query, time: end, limit: limit ?? 100 });
        const summary = summarizeResult(response.data);
        return text(`${summary}\n${JSON.stringify(response)}`, { summary, ...(bigintSafe(response) as Record<string, unknown>) });
      } catch (e) {
        return asToolError(e);
      }
    },
  );

  server.registerTool(
    'agent_feedback',
    {
      title: 'How did my last attempts turn out?',
      description:
        'Outcomes of the last N attempts of an agent, per group of a payload field: e.g. "23 of 50 src/auth attempts failed (46%)". An attempt is an event matching `attempts`; its outcome is an event matching `failure` or `success` emitted with causedBy: the attempt (or carrying the same `join_field`).',
      inputSchema: {
        attempts: z.string().describe('% pattern of the attempt events, e.g. "agent.code.generated:%"'),
        success: z.string().describe('% pattern of successful outcomes, e.g. "agent.test.passed:%"'),
        failure: z.string().optional().describe(`% pattern of failed outcomes (default "${DEFAULT_FAILURE_PATTERN}")`),
        model: z.string().optional().describe('Only attempts of this source model (factline_source_model), e.g. "claude-sonnet-4"'),
        source_type: z.string().optional().describe('Only attempts of this source type, e.g. "child_agent"'),
        last: z.number().int().min(1).max(MAX_LAST).optional().describe(`How many of the most recent attempts (default ${DEFAULT_LAST})`),
        group_by: z.string().optional().describe('Group by this payload field, e.g. "file"'),
        depth: z.number().int().min(1).optional().describe('Keep the first D "/"-separated segments of group_by: src/auth/login.rs at 2 is src/auth'),
        group: z.string().optional().describe('Only groups starting with this, e.g. "src/auth"'),
        join_field: z.string().optional().describe('Link outcomes to attempts by this payload field instead of causation id'),
        since: z.string().optional().describe('How far back to look for attempts (default 30d)'),
      },
    },
    async (a) => {
      try {
        const end = now();
        const figures = await agentFeedback(backend, {
          attempts: a.attempts,
          success: a.success,
          ...(a.failure !== undefined ? { failure: a.failure } : {}),
          ...(a.model !== undefined ? { model: a.model } : {}),
          ...(a.source_type !== undefined ? { sourceType: a.source_type } : {}),
          ...(a.last !== undefined ? { last: a.last } : {}),
          ...(a.group_by !== undefined ? { groupBy: { field: a.group_by, ...(a.depth !== undefined ? { depth: a.depth } : {}) } } : {}),
          ...(a.group !== undefined ? { groupPrefix: a.group } : {}),
          ...(a.join_field !== undefined ? { joinField: a.join_field } : {}),
          start: end - durationNs(a.since ?? '30d'),
          end,
        });
        const sentences = figures.attemptsConsidered === 0 ? ['No attempts matched in the range.'] : [...figures.groups.map((g) => `${g.sentence}${g.pending > 0 ? `, ${g.pending} pending` : ''}.`), ...(figures.groups.length > 1 ? [`Overall: ${figures.total.sentence}.`] : [])];
        return text(sentences.join('\n'), bigintSafe(figures) as Record<string, unknown>);
      } catch (e) {
        return asToolError(e);
      }
    },
  );

  return server;
}
