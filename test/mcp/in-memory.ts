import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { createFactlineMcpServer, type FactlineMcpOptions } from '../../src/mcp/index.js';

/** factline's MCP server in this process, and the SDK's own client connected to it over the SDK's in-memory transport. */
export async function inMemoryMcpClient(options: FactlineMcpOptions): Promise<Client> {
  const server = createFactlineMcpServer(options);
  const [serverSide, clientSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: 'factline-test', version: '1.0.0' });
  await client.connect(clientSide);
  return client;
}
