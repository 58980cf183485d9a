import { createFactlineMcpServer, createStdioTransport, DEFAULT_MAX_REPLY_BYTES, DEFAULT_MAX_REQUEST_BYTES } from '../mcp/index.js';
import { MIN_MAX_REPLY_BYTES } from '../mcp/reply.js';
import type { CliIo } from './io.js';
import { CATALOG_HELP, loadCatalog } from './catalog-option.js';
import { BACKEND_HELP, BACKEND_OPTIONS, UsageError, backendFrom, parse, positiveInt } from './options.js';

export const MCP_HELP = `Usage: factline mcp [--file F ... | --loki URL] [--catalog C] [--max-reply-bytes N] [--max-request-bytes N]

Serves factline to an agent over the Model Context Protocol on stdin/stdout:

  list_events       the catalog's EventIDs, severities and descriptions
  describe_event    one event's description, severity and payload JSON Schema
  query_events      a LogQL query on the event history: Loki's JSON and a summary, with a cursor
  list_labels       the label names of the history (index labels and structured metadata)
  label_values      the values of one label, with their line counts
  event_chain       what caused an event (oldest first) and what it caused directly
  agent_feedback    how the last N attempts of an agent turned out, per group

Options:
${BACKEND_HELP}
${CATALOG_HELP}
                    Without --catalog the built-in "intent" catalog is served (said on stderr).
  --max-reply-bytes N    the most bytes one tool result takes (default ${DEFAULT_MAX_REPLY_BYTES}, at least ${MIN_MAX_REPLY_BYTES});
                         a longer answer is cut, says so, and query_events gives a cursor for the rest
  --max-request-bytes N  the longest message read (default ${DEFAULT_MAX_REQUEST_BYTES}); a longer one is
                         answered with JSON-RPC error -32600 and the server goes on

Register it with an MCP client, e.g. in a client's JSON config:
  {"command": "npx", "args": ["factline", "mcp", "--file", ".factline/events.jsonl", "--catalog", "./dist/catalog.js#catalog"]}

Messages go to stderr; stdout carries only the protocol. When stdin closes it answers
the requests already read, then stops. A line that is not JSON gets a -32700 error.
See docs/mcp.md.`;

/**
 * `factline mcp`: the MCP server over stdio. Resolves when the client closes stdin
 * and every request read has been answered.
 *
 * @example
 * await mcpCommand(['--file', '.factline/events.jsonl'], processIo);
 */
export async function mcpCommand(args: string[], io: CliIo): Promise<number> {
  let server: ReturnType<typeof createFactlineMcpServer>;
  let what: string;
  let maxRequestBytes: number;
  try {
    const { values, positionals } = parse(args, {
      ...BACKEND_OPTIONS,
      catalog: { type: 'string' },
      'max-reply-bytes': { type: 'string' },
      'max-request-bytes': { type: 'string' },
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
    const maxReplyBytes = positiveInt(values['max-reply-bytes'], '--max-reply-bytes', DEFAULT_MAX_REPLY_BYTES);
    if (maxReplyBytes < MIN_MAX_REPLY_BYTES) throw new UsageError(`--max-reply-bytes must be at least ${MIN_MAX_REPLY_BYTES}, got ${maxReplyBytes}`);
    maxRequestBytes = positiveInt(values['max-request-bytes'], '--max-request-bytes', DEFAULT_MAX_REQUEST_BYTES);
    if (values.catalog === undefined) io.err('factline mcp: no --catalog given; serving the built-in "intent" catalog');
    let catalog: Awaited<ReturnType<typeof loadCatalog>>;
    try {
      catalog = await loadCatalog(values.catalog ?? 'intent');
    } catch (e) {
      // A catalog that cannot be loaded is not a usage error: its message alone, as validate and catalog print it.
      if (!(e instanceof UsageError)) throw e;
      io.err(`factline mcp: ${e.message}`);
      return 2;
    }
    const backend = backendFrom(values);
    server = createFactlineMcpServer({ catalog, backend, maxReplyBytes });
    what = `catalog "${catalog.name}", ${backend.kind === 'loki' ? 'Loki' : 'local files'}`;
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`factline mcp: ${e.message}\n\n${MCP_HELP}`);
      return 2;
    }
    throw e;
  }
  const transport = createStdioTransport({ maxMessageBytes: maxRequestBytes, onRefused: (reason) => io.err(`factline mcp: ${reason}`) });
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
  });
  await server.connect(transport);
  io.err(`factline mcp: serving ${what} on stdio`);
  await Promise.race([transport.ended, closed]);
  // Requests read before stdin closed are answered before the server closes:
  // `cat requests | factline mcp` must get every answer.
  await transport.drained();
  await server.close();
  return 0;
}
