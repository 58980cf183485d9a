export { defineCatalog, combineCatalogs, CatalogError } from './define.js';
export type { Catalog, CheckedEntries } from './define.js';
export { lintCatalog } from './lint.js';
export type { LintWarning } from './lint.js';
export type { CatalogDescription, CatalogEntry, EventDefinition, EventTypeAttributes, EventTypeInfo, PiiAction, SchemaOf } from './types.js';
export { parsePiiPath } from './pii.js';
export type { PiiRule } from './pii.js';
export {
  lockCatalog,
  checkCatalog,
  formatCatalogLock,
  parseCatalogLock,
  assertCatalogLocked,
  CatalogLockError,
  CATALOG_LOCK_FORMAT,
  CATALOG_LOCK_FORMAT_VERSION,
} from './lock.js';
export type { CatalogLock, LockedEvent, CatalogCheck, CatalogChange, CatalogChangeKind } from './lock.js';
export { weaverRegistry } from './weaver.js';
export type { WeaverRegistry, WeaverGroup, WeaverAttribute, WeaverAttributeRef, WeaverExportOptions } from './weaver.js';
