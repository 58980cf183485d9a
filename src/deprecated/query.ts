/**
 * @deprecated `factline/query` is `factline/query-runner` (the local LogQL
 * engine and the Loki backend; the old name differed from
 * `factline/query-builders` by one letter). This alias re-exports it
 * unchanged and will be removed in the next minor release; importing it
 * emits a `DeprecationWarning` (code `FACTLINE_DEP_QUERY`) once per process.
 */
import { deprecatedEntry } from './warn.js';

deprecatedEntry('factline/query', 'factline/query-runner', 'FACTLINE_DEP_QUERY');

export * from '../query/index.js';
