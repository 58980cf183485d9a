/** factline's MCP server (list_events, describe_event, query_events, agent_feedback). */
export { createFactlineMcpServer } from './server.js';
export type { FactlineMcpOptions } from './server.js';
