import { ATTR } from '../wire.js';

/*
 * The OTLP/HTTP JSON request shape (ExportLogsServiceRequest), as far as
 * splitting and dead-lettering need it. Everything else is carried through
 * untouched, so a spooled or split request is the request the serializer made.
 */
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
interface ScopeLogsJson {
  logRecords?: LogRecordJson[];
  [k: string]: unknown;
}
interface ResourceLogsJson {
  scopeLogs?: ScopeLogsJson[];
  [k: string]: unknown;
}
export interface ExportLogsRequestJson {
  resourceLogs?: ResourceLogsJson[];
}

/** One log record with the resource and scope it was sent under. */
export interface LocatedRecord {
  resource: unknown;
  scope: unknown;
  record: LogRecordJson;
}

export function parseRequest(body: Uint8Array): ExportLogsRequestJson {
  return JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8')) as ExportLogsRequestJson;
}

export function encodeRequest(request: ExportLogsRequestJson): Uint8Array {
  return Buffer.from(JSON.stringify(request), 'utf8');
}

/** Every record of a request, in order. */
export function recordsOf(request: ExportLogsRequestJson): LocatedRecord[] {
  const out: LocatedRecord[] = [];
  for (const rl of request.resourceLogs ?? []) {
    for (const sl of rl.scopeLogs ?? []) {
      for (const record of sl.logRecords ?? []) out.push({ resource: rl.resource, scope: sl.scope, record });
    }
  }
  return out;
}

/**
 * Splits a request into two with the first `at` records and the rest,
 * keeping each record under its own resource and scope.
 */
export function splitRequest(request: ExportLogsRequestJson, at: number): [ExportLogsRequestJson, ExportLogsRequestJson] {
  const head: ResourceLogsJson[] = [];
  const tail: ResourceLogsJson[] = [];
  let seen = 0;
  for (const rl of request.resourceLogs ?? []) {
    const headScopes: ScopeLogsJson[] = [];
    const tailScopes: ScopeLogsJson[] = [];
    for (const sl of rl.scopeLogs ?? []) {
      const records = sl.logRecords ?? [];
      const take = Math.max(0, Math.min(records.length, at - seen));
      if (take > 0) headScopes.push({ ...sl, logRecords: records.slice(0, take) });
      if (take < records.length) tailScopes.push({ ...sl, logRecords: records.slice(take) });
      seen += records.length;
    }
    if (headScopes.length > 0) head.push({ ...rl, scopeLogs: headScopes });
    if (tailScopes.length > 0) tail.push({ ...rl, scopeLogs: tailScopes });
  }
  return [{ resourceLogs: head }, { resourceLogs: tail }];
}

/** The factline instance id (`factline.event.instance_id`) of a record, when it has one. */
export function instanceIdOf(record: LogRecordJson): string | undefined {
  return record.attributes?.find((a) => a.key === ATTR.EVENT_INSTANCE_ID)?.value?.stringValue;
}
