/** The query side: one LogQL interface over local event files (and Loki). */
export { createLocalBackend } from './local-backend.js';
export { DEFAULT_MAX_ENTRIES_LIMIT_PER_QUERY, DEFAULT_MAX_QUERY_SERIES } from './types.js';
export type { LocalBackendOptions, LocalQueryStats } from './local-backend.js';
export { parseQuery } from './parse.js';
export { createEntry, factlineEnvelopeFormat } from './entry.js';
export type { Entry, EntryInit, LineFormat, SkipReason } from './entry.js';
export { QueryError } from './types.js';
export type * from './types.js';
export { createLokiBackend, LOKI_URL_ENV } from './loki.js';
export type { LokiBackendOptions } from './loki.js';
