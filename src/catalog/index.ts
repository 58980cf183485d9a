export { defineCatalog, combineCatalogs, CatalogError } from './define.js';
export type { Catalog, CheckedEntries } from './define.js';
export { lintCatalog } from './lint.js';
export type { LintWarning } from './lint.js';
export type { CatalogDescription, CatalogEntry, EventDefinition, EventTypeAttributes, EventTypeInfo, PiiAction, SchemaOf } from './types.js';
export { parsePiiPath } from './pii.js';
export type { PiiRule } from './pii.js';
