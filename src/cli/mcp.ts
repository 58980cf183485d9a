import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
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

Messages go to stderr; stdout carries only the protocol. Stops when stdin closes.`;

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
  io.err(`factline mcp: serving ${what} on stdio`);
  await closed;
  await server.close();
  return 0;
}
