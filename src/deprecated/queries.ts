/**
 * @deprecated `factline/queries` is `factline/query-builders` (the LogQL and
 * TraceQL query builders; the old name differed from `factline/query-runner`
 * by one letter). This alias re-exports it unchanged and will be removed in
 * the next minor release; importing it emits a `DeprecationWarning`
 * (code `FACTLINE_DEP_QUERIES`) once per process.
 */
import { deprecatedEntry } from './warn.js';

deprecatedEntry('factline/queries', 'factline/query-builders', 'FACTLINE_DEP_QUERIES');

export * from '../queries/index.js';
