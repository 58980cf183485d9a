import type { Catalog } from '../catalog/define.js';
import type { PiiRule } from '../catalog/pii.js';
import type { EventTypeInfo } from '../catalog/types.js';
import { SEVERITY_RANK } from '../envelope/severity.js';
import { compilePattern } from '../eventid/index.js';
import type { Sink } from '../sinks/sink.js';
import { compileCheckedRead, compileRead } from '../validation/compiled-read.js';
import type { CheckedRead, JsonRead } from '../validation/json-value.js';
import { compileReadPayloadCheck } from '../validation/parsed-payload.js';
import type { EventFilter } from './options.js';

/** What `emit` needs of an event type, decided once when the emitter is built. */
export interface Route {
  readonly info: EventTypeInfo;
  /** The sinks that want this type; empty when the filter drops it. */
  readonly sinks: readonly Sink[];
  /** The type's compiled personal-data rules, or undefined when it has none (then `emit` pays nothing for them). */
  readonly pii: readonly PiiRule[] | undefined;
  /**
   * The type's compiled accept of a payload as read (`compileReadPayloadCheck`):
   * true only when the schema checks would find no issue. Undefined when the
   * schema has none; `emit` then runs the schema checks.
   */
  readonly accept: ((value: unknown) => boolean) | undefined;
  /** The type's compiled read of a payload (`compileRead`), or undefined for the general `readJsonValue`. */
  readonly read: ((value: unknown, budgetBytes?: number) => JsonRead) | undefined;
  /**
   * The type's read and compiled accept in one walk (`compileCheckedRead`):
   * what `emit` uses when it validates. Undefined when the accept does not
   * compile; `emit` then reads, then runs the schema checks.
   */
  readonly checkedRead: ((value: unknown, budgetBytes?: number) => CheckedRead) | undefined;
}

function passesFilter(info: EventTypeInfo, filter: EventFilter | undefined): boolean {
  if (!filter) return true;
  if (filter.minSeverity && SEVERITY_RANK[info.severity] < SEVERITY_RANK[filter.minSeverity]) return false;
  if (filter.include && !filter.include.some((p) => compilePattern(p).test(info.id))) return false;
  if (filter.exclude?.some((p) => compilePattern(p).test(info.id))) return false;
  return true;
}

/**
 * The routing table: for each EventID of the catalog, the sinks that want it
 * (after the filter and each sink's `accepts`). An EventID not in the table
 * is not in the catalog.
 */
export function buildRoutes(catalog: Catalog, sinks: readonly Sink[], filter: EventFilter | undefined): Map<string, Route> {
  const routes = new Map<string, Route>();
  for (const info of catalog.list()) {
    const wanted = passesFilter(info, filter) ? sinks.filter((s) => !s.accepts || s.accepts(info)) : [];
    routes.set(info.id, {
      info,
      sinks: wanted,
      pii: info.piiRules,
      accept: compileReadPayloadCheck(info),
      read: compileRead(info.schema),
      checkedRead: compileCheckedRead(info.schema),
    });
  }
  return routes;
}
