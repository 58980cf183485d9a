import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { createFactlineMcpServer } from '../mcp/server.js';
import type { CliIo } from './io.js';
import { CATALOG_HELP, loadCatalog } from './catalog-option.js';
import { BACKEND_HELP, BACKEND_OPTIONS, UsageError, backendFrom, parse } from './options.js';

export const MCP_HELP = `Usage: factline mcp [--file F ... | --loki URL] [--catalog C]

Serves factline to an agent over the Model Context Protocol on stdin/stdout:

  list_events       the catalog's EventIDs, severities and descriptions
  describe_event    one event's description, severity and payload JSON Schema
  query_events      a LogQL query on the event history: Loki's JSON and a summary
  agent_feedback    how the last N attempts of an agent turned out, per group

Options:
${BACKEND_HELP}
${CATALOG_HELP}
                    Without --catalog the built-in "intent" catalog is served (said on stderr).

Register it with an MCP client, e.g. in a client's JSON config:
  {"command": "npx", "args": ["factline", "mcp", "--file", ".factline/events.jsonl", "--catalog", "./dist/catalog.js#catalog"]}

Messages go to stderr; stdout carries only the protocol. When stdin closes it answers
the requests already read, then stops. A line that is not JSON gets a -32700 error.`;

/**
 * `factline mcp`: the MCP server over stdio. Resolves when the client closes stdin.
 *
 * @example
 * await mcpCommand(['--file', '.factline/events.jsonl'], processIo);
 */
export async function mcpCommand(args: string[], io: CliIo): Promise<number> {
  let server;
  let what: string;
  try {
    const { values, positionals } = parse(args, { ...BACKEND_OPTIONS, catalog: { type: 'string' } });
    if (positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
    if (values.catalog === undefined) io.err('factline mcp: no --catalog given; serving the built-in "intent" catalog');
    const catalog = await loadCatalog(values.catalog ?? 'intent');
    const backend = backendFrom(values);
    server = createFactlineMcpServer({ catalog, backend });
    what = `catalog "${catalog.name}", ${backend.kind === 'loki' ? 'Loki' : 'local files'}`;
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`factline mcp: ${e.message}\n\n${MCP_HELP}`);
      return 2;
    }
    throw e;
  }
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
    process.stdin.once('end', () => resolve());
  });
  await server.connect(transport);
  const inFlight = trackRequests(transport, io);
  io.err(`factline mcp: serving ${what} on stdio`);
  await closed;
  // Requests read before stdin closed are answered before the server closes:
  // `cat requests | factline mcp` must get every answer.
  await inFlight.drained();
  await server.close();
  return 0;
}

/**
 * Counts the requests the server has read and not yet answered, and answers a
 * line that is not a JSON-RPC message with a JSON-RPC error (the SDK's stdio
 * transport only reports it to `onerror`): `-32700` Parse error for a line
 * that is not JSON, `-32600` Invalid Request for JSON that is not a JSON-RPC
 * message, both with `id: null` as JSON-RPC 2.0 prescribes.
 * Call after `server.connect(transport)`, which installs the handlers wrapped here.
 */
function trackRequests(transport: StdioServerTransport, io: CliIo): { drained(): Promise<void> } {
  const pending = new Set<string | number>();
  let wake: (() => void) | undefined;
  const onmessage = transport.onmessage;
  transport.onmessage = (message: JSONRPCMessage) => {
    if ('method' in message && 'id' in message && message.id !== undefined) pending.add(message.id);
    onmessage?.(message);
  };
  const send = transport.send.bind(transport);
  transport.send = async (message: JSONRPCMessage) => {
    try {
      await send(message);
    } finally {
      if (!('method' in message) && 'id' in message && message.id !== undefined && message.id !== null) pending.delete(message.id);
      if (pending.size === 0) wake?.();
    }
  };
  const onerror = transport.onerror;
  transport.onerror = (error) => {
    onerror?.(error);
    const parse = error instanceof SyntaxError;
    if (!parse && error.name !== 'ZodError') return;
    const code = parse ? -32700 : -32600;
    const message = parse ? `Parse error: ${error.message}` : 'Invalid Request: not a JSON-RPC 2.0 message';
    io.err(`factline mcp: ${message}`);
    void send({ jsonrpc: '2.0', id: null, error: { code, message } } as unknown as JSONRPCMessage).catch(() => {});
  };
  return {
    drained: () =>
      pending.size === 0
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            wake = resolve;
          }),
  };
}
