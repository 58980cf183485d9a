import { ATTR } from '../wire.js';

/*
 * The OTLP/HTTP JSON request shapes (ExportLogsServiceRequest,
 * ExportTraceServiceRequest), as far as splitting and dead-lettering need
 * them. Everything else is carried through untouched, so a spooled or split
 * request is the request the serializer made.
 */

/** The three levels of a request: resourceLogs/scopeLogs/logRecords or resourceSpans/scopeSpans/spans. */
export interface RequestShape {
  resource: string;
  scope: string;
  items: string;
}
export const LOGS_SHAPE: RequestShape = { resource: 'resourceLogs', scope: 'scopeLogs', items: 'logRecords' };
export const TRACES_SHAPE: RequestShape = { resource: 'resourceSpans', scope: 'scopeSpans', items: 'spans' };
interface AnyValueJson {
  stringValue?: string;
}
interface KeyValueJson {
  key: string;
  value?: AnyValueJson;
}
export interface LogRecordJson {
  attributes?: KeyValueJson[];
  [k: string]: unknown;
}
type Level = Record<string, unknown>;
/** An OTLP JSON export request of either shape. */
export type ExportRequestJson = Record<string, unknown>;
/** The logs request, for tests and readers. */
export interface ExportLogsRequestJson {
  resourceLogs?: { resource?: unknown; scopeLogs?: { scope?: unknown; logRecords?: LogRecordJson[] }[] }[];
}

/** One log record with the resource and scope it was sent under. */
export interface LocatedRecord {
  resource: unknown;
  scope: unknown;
  record: LogRecordJson;
}

export function parseRequest(body: Uint8Array): ExportRequestJson {
  return JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8')) as ExportRequestJson;
}

export function encodeRequest(request: ExportRequestJson): Uint8Array {
  return Buffer.from(JSON.stringify(request), 'utf8');
}

const list = (o: Level, key: string): Level[] => (Array.isArray(o[key]) ? (o[key] as Level[]) : []);

/** Every record (log record or span) of a request, in order. */
export function recordsOf(request: ExportRequestJson | ExportLogsRequestJson, shape: RequestShape = LOGS_SHAPE): LocatedRecord[] {
  const out: LocatedRecord[] = [];
  for (const rl of list(request as Level, shape.resource)) {
    for (const sl of list(rl, shape.scope)) {
      for (const record of list(sl, shape.items)) out.push({ resource: rl.resource, scope: sl.scope, record: record as LogRecordJson });
    }
  }
  return out;
}

/**
 * Splits a request into two with the first `at` records and the rest,
 * keeping each record under its own resource and scope.
 */
export function splitRequest(
  request: ExportRequestJson | ExportLogsRequestJson,
  at: number,
  shape: RequestShape = LOGS_SHAPE,
): [ExportRequestJson, ExportRequestJson] {
  const head: Level[] = [];
  const tail: Level[] = [];
  let seen = 0;
  for (const rl of list(request as Level, shape.resource)) {
    const headScopes: Level[] = [];
    const tailScopes: Level[] = [];
    for (const sl of list(rl, shape.scope)) {
      const records = list(sl, shape.items);
      const take = Math.max(0, Math.min(records.length, at - seen));
      if (take > 0) headScopes.push({ ...sl, [shape.items]: records.slice(0, take) });
      if (take < records.length) tailScopes.push({ ...sl, [shape.items]: records.slice(take) });
      seen += records.length;
    }
    if (headScopes.length > 0) head.push({ ...rl, [shape.scope]: headScopes });
    if (tailScopes.length > 0) tail.push({ ...rl, [shape.scope]: tailScopes });
  }
  return [{ [shape.resource]: head }, { [shape.resource]: tail }];
}

/** The factline instance id (`factline.event.instance_id`) of a log record, when it has one. */
export function instanceIdOf(record: LogRecordJson): string | undefined {
  return record.attributes?.find((a) => a.key === ATTR.EVENT_INSTANCE_ID)?.value?.stringValue;
}
