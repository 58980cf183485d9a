/**
 * What the `@example` blocks under src/ take as given. scripts/jsdoc-examples.ts
 * type-checks each block as a module next to the file it documents; a name the
 * block uses without declaring it, and that its own module does not export, is
 * imported from here. Only type-checked, never run: a value that only a
 * running service would have (an event it emitted, a line it read) is declared
 * with its type and no value.
 */
import { z } from 'zod';
import { defineCatalog } from '../../src/catalog/index.js';
import type { EventTypeInfo } from '../../src/catalog/index.js';
import type { FactlineEvent, ValidationIssue } from '../../src/envelope/index.js';
import type { EventIdProblem } from '../../src/eventid/index.js';
import type { IntentEntries } from '../../src/intent/catalog.js';
import type { Factline } from '../../src/setup.js';
import type { Logger } from '../../src/otel/logs-api.js';
import type { LoggerProvider } from '@opentelemetry/sdk-logs';
import type { Context } from '@opentelemetry/api';
import type { Server } from 'node:http';
import type { QueryBackend } from '../../src/query/types.js';
import type { BoundedCache } from '../../src/eventid/bounded-cache.js';
import type { EventPattern } from '../../src/eventid/index.js';

export { z };
export { createEmitter, defineCatalog, createJsonlSink, createConsoleSink, parseEventId } from '../../src/index.js';
export { intentCatalog } from '../../src/intent/catalog.js';
export { INTENT } from '../../src/intent/events.js';
export { createOtlpHttpTransport } from '../../src/delivery/otlp-http-transport.js';
export { createLocalBackend } from '../../src/query/local-backend.js';
export { QueryError } from '../../src/query/types.js';
export { checkJsonPayload } from '../../src/validation/validate.js';
export { readJsonValue } from '../../src/validation/json-value.js';
export { LoggerProvider } from '@opentelemetry/sdk-logs';
export { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
export { TracerProvider } from '@opentelemetry/sdk-trace';
export { createFactlineMcpServer } from '../../src/mcp/server.js';
export { createStdioTransport } from '../../src/mcp/stdio.js';
export { readFileSync, writeFileSync } from 'node:fs';
export { test } from 'vitest';
export { processIo } from '../../src/cli/io.js';
export type { LabelSet } from '../../src/query/types.js';

/** The catalog of the examples: the README's auth events, and a user with a phone number to hash. */
export const catalog = defineCatalog(
  {
    'auth.user.login:1': z.object({ user_id: z.string(), ip: z.string(), method: z.enum(['password', 'oauth']), mfa: z.boolean() }),
    'auth.user.locked:1': { schema: z.object({ user_id: z.string(), attempts: z.int().nonnegative(), duration_mins: z.number() }), severity: 'WARN' },
    'a.user.created:1': { schema: z.object({ contact: z.object({ phone: z.string() }) }), pii: { 'contact.phone': 'hash' } },
  },
  { name: 'auth' },
);
/** A service's own catalog, to combine with a built-in one. */
export const appCatalog = defineCatalog({ 'checkout.order.placed:1': z.object({ order_id: z.string() }) }, { name: 'checkout' });

/** An event as an emitter hands it to its sinks. */
export declare const event: FactlineEvent;
/** The catalog entry of an event type (`catalog.get(id)`). */
export declare const type: EventTypeInfo;
/** One line of an events.jsonl file, without its newline. */
export declare const text: string;
export declare const line: string;
/** A 1-based line number. */
export declare const n: number;
/** The SHA-256 hash (hex) of the chain's previous line. */
export declare const hashOfLine34: string;
/** A byte limit. */
export declare const maxBytes: number;
/** Validation issues, many of them. */
export declare const manyIssues: readonly ValidationIssue[];
/** An EventID problem as data. */
export declare const problem: EventIdProblem;
/** A service set up with the Intent catalog. */
export declare const factline: Factline<IntentEntries>;
/** The host's OpenTelemetry SDK (NodeSDK or a provider). */
export declare const sdk: { start(): void; shutdown(): Promise<void> };
/** The host's HTTP server. */
export declare const server: Server;
/** The OpenTelemetry context an event is emitted in. */
export declare const context: Context;
/** A request body, OTLP-encoded. */
export declare const body: Uint8Array;
/** A payload's JSON Schema (`catalog.describe()`). */
export declare const schema: Record<string, unknown>;
/** The pattern cache, and what fills it on a miss. */
export declare const cache: BoundedCache<string, EventPattern>;
export declare function compile(pattern: string): EventPattern;
/** Where queries run: the local engine or Loki. */
export declare const backend: QueryBackend;
/** Unix epoch nanoseconds: now, and a range to search. */
export declare const now: bigint;
export declare const start: bigint;
export declare const end: bigint;
/** An event type's payload schema. */
export const orderSchema = z.object({ id: z.string(), items: z.array(z.object({ sku: z.string(), qty: z.int() })) });
/** A payload's values, as a service has them. */
export declare const user_id: string;
export declare const ip: string;
/** The host's MCP connections. */
export declare const mcp: Map<string, unknown>;
/** An OpenTelemetry logger provider and logger of the host. */
export declare const myProvider: LoggerProvider;
export declare const logger: Logger;
/** Whatever the caller does with a value. */
export declare function use(value: unknown): void;
export declare function report(issues: unknown): void;
