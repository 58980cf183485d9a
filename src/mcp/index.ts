/** factline's MCP server (list_events, describe_event, query_events, list_labels, label_values, event_chain, agent_feedback) and its stdio transport. */
export { createFactlineMcpServer } from './server.js';
export type { FactlineMcpOptions } from './server.js';
export { createStdioTransport, DEFAULT_MAX_REQUEST_BYTES } from './stdio.js';
export type { FactlineStdioTransport, StdioTransportOptions } from './stdio.js';
export { DEFAULT_MAX_REPLY_BYTES } from './reply.js';
