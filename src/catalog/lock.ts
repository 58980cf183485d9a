import { readFileSync } from 'node:fs';
import type { Catalog } from './define.js';
import type { PiiAction } from './types.js';
import type { Severity } from '../envelope/severity.js';

/*
 * The catalog lock: the contract of every EventID as canonical JSON, and the
 * check that a catalog still keeps it. The versioning rule it enforces
 * (docs/eventid.md, docs/catalog.md): a payload change gets a new version
 * (`:2` beside `:1`); a different kind of fact gets a new EventID. So a
 * locked EventID's payload schema, wire name and severity never change, it
 * is never removed (it may be marked `deprecated`), and its personal-data
 * rules are never removed or weakened.
 */

/** The lock's `format`; a lock with another is refused. */
export const CATALOG_LOCK_FORMAT = 'factline.catalog.lock';
/** The lock's `format_version`: 1. A lock with another is refused. */
export const CATALOG_LOCK_FORMAT_VERSION = 1;

/** What the lock keeps of one EventID. */
export interface LockedEvent {
  /** The name on the wire (`wireName`, else `domain.entity.action`). */
  wire_name: string;
  severity: Severity;
  /**
   * The payload's JSON Schema (draft 2020-12, zod 4's input side), keys
   * sorted, `required` sorted, without annotations that change no value
   * (`title`, `description`, `examples`, `$comment`) and without
   * `x-factline-pii` marks (the rules are in `pii`).
   */
  payload_schema: Record<string, unknown>;
  /** Personal-data rules by path (`{}` when none). */
  pii: Record<string, PiiAction>;
  /** Tags, sorted. */
  tags: string[];
  deprecated: boolean;
}

/** A catalog lock (`catalog.lock.json`). */
export interface CatalogLock {
  format: typeof CATALOG_LOCK_FORMAT;
  format_version: typeof CATALOG_LOCK_FORMAT_VERSION;
  /** The catalog's name. */
  catalog: string;
  /** Every EventID, sorted. */
  events: Record<string, LockedEvent>;
}

/** What `checkCatalog` found about one EventID. */
export type CatalogChangeKind =
  // breaking: the check fails
  | 'payload_field_added'
  | 'payload_field_removed'
  | 'payload_field_retyped'
  | 'payload_field_required'
  | 'payload_field_optional'
  | 'payload_constraint_changed'
  | 'payload_enum_value_added'
  | 'payload_enum_value_removed'
  | 'payload_schema_changed'
  | 'wire_name_changed'
  | 'severity_changed'
  | 'event_removed'
  | 'pii_rule_removed'
  | 'pii_rule_weakened'
  // not breaking: listed, the check passes (`--update` records them)
  | 'event_added'
  | 'version_added'
  | 'event_deprecated'
  | 'event_undeprecated'
  | 'pii_rule_added'
  | 'pii_rule_strengthened'
  | 'tags_changed';

const NOT_BREAKING: ReadonlySet<CatalogChangeKind> = new Set([
  'event_added',
  'version_added',
  'event_deprecated',
  'event_undeprecated',
  'pii_rule_added',
  'pii_rule_strengthened',
  'tags_changed',
]);

/** One difference between a catalog and its lock. */
export interface CatalogChange {
  kind: CatalogChangeKind;
  event_id: string;
  /** Whether it breaks the contract (the check exits 1). */
  breaking: boolean;
  /** For payload changes: the field's path (`a.b`, `items[]`, `(payload)`); for personal-data rules: the rule's path. */
  path?: string;
  /** One line: the EventID, what changed, and (when breaking) the fix. */
  message: string;
  /** The fix, when breaking: `add shop.order.placed:2 beside :1`. */
  fix?: string;
}

/** The result of {@link checkCatalog}. */
export interface CatalogCheck {
  /** True when no change is breaking. */
  ok: boolean;
  catalog: string;
  /** Breaking changes, by EventID then path. */
  breaking: CatalogChange[];
  /** Changes that pass: new EventIDs and versions, deprecations, stronger rules, tags. */
  changes: CatalogChange[];
  /** True when the lock differs from what `lockCatalog` writes now (`--update` would change it). */
  stale: boolean;
}

/** JSON Schema keywords that describe a value without changing which values pass. */
const ANNOTATIONS: ReadonlySet<string> = new Set(['title', 'description', 'examples', '$comment', 'x-factline-pii']);

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A JSON value with object keys sorted, annotations removed and `required` sorted: the lock's form. */
function canonicalSchema(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonicalSchema);
  if (typeof v !== 'object' || v === null) return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v).sort(compareText)) {
    if (ANNOTATIONS.has(k)) continue;
    const x = (v as Record<string, unknown>)[k];
    // `properties` and `$defs` hold names, not keywords: a field named `title` is kept.
    if ((k === 'properties' || k === '$defs' || k === 'patternProperties') && typeof x === 'object' && x !== null && !Array.isArray(x)) {
      const named: Record<string, unknown> = {};
      for (const n of Object.keys(x).sort(compareText)) defineKey(named, n, canonicalSchema((x as Record<string, unknown>)[n]));
      defineKey(out, k, named);
    } else if (k === 'required' && Array.isArray(x)) {
      defineKey(out, k, [...(x as string[])].sort(compareText));
    } else defineKey(out, k, canonicalSchema(x));
  }
  return out;
}

/** Sets an own key, `__proto__` included (a field may be named so). */
function defineKey(o: Record<string, unknown>, k: string, v: unknown): void {
  Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
}

/** JSON with sorted keys at every level, two-space indented, one trailing newline. */
function canonicalJson(v: unknown): string {
  const sortDeep = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.map(sortDeep);
    if (typeof x !== 'object' || x === null) return x;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(x).sort(compareText)) defineKey(out, k, sortDeep((x as Record<string, unknown>)[k]));
    return out;
  };
  return JSON.stringify(sortDeep(v), null, 2) + '\n';
}

/**
 * The lock of a catalog: for each EventID its wire name, severity, payload
 * JSON Schema, personal-data rules, tags and `deprecated` flag
 * ({@link LockedEvent}). Pure: the same catalog gives an equal lock, and
 * {@link formatCatalogLock} gives it the same bytes.
 *
 * @example
 * writeFileSync('catalog.lock.json', formatCatalogLock(lockCatalog(catalog)));
 */
export function lockCatalog(catalog: Catalog): CatalogLock {
  const events: Record<string, LockedEvent> = {};
  for (const t of catalog.list()) {
    const pii: Record<string, PiiAction> = {};
    for (const k of Object.keys(t.pii ?? {}).sort(compareText)) defineKey(pii, k, t.pii![k]!);
    defineKey(events, t.id, {
      wire_name: t.wireName,
      severity: t.severity,
      payload_schema: canonicalSchema(catalog.jsonSchema(t.id)) as Record<string, unknown>,
      pii,
      tags: [...t.tags].sort(compareText),
      deprecated: t.deprecated,
    });
  }
  return { format: CATALOG_LOCK_FORMAT, format_version: CATALOG_LOCK_FORMAT_VERSION, catalog: catalog.name, events };
}

/**
 * The lock's canonical text: keys sorted at every level, two-space indent,
 * `\n` line ends and one final `\n`. Byte-stable: the same lock always gives
 * the same bytes, so the file diffs cleanly and a drift test can compare bytes.
 */
export function formatCatalogLock(lock: CatalogLock): string {
  return canonicalJson(lock);
}

/** Thrown by {@link parseCatalogLock} for a file that is not a lock this version reads. */
export class CatalogLockError extends Error {
  override readonly name = 'CatalogLockError';
}

/**
 * Reads a lock's text, checking its shape.
 *
 * @throws CatalogLockError naming the problem (not JSON, another format or
 *   format version, an EventID without its fields).
 */
export function parseCatalogLock(text: string): CatalogLock {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new CatalogLockError(`the lock is not JSON (${(e as Error).message}); write it again with factline catalog lock`);
  }
  const o = v as Partial<CatalogLock> | null;
  if (typeof o !== 'object' || o === null || o.format !== CATALOG_LOCK_FORMAT) {
    throw new CatalogLockError(`the file is not a factline catalog lock (its "format" is not "${CATALOG_LOCK_FORMAT}"); write one with factline catalog lock`);
  }
  if (o.format_version !== CATALOG_LOCK_FORMAT_VERSION) {
    throw new CatalogLockError(`the lock's format_version is ${JSON.stringify(o.format_version)}; this factline reads version ${CATALOG_LOCK_FORMAT_VERSION}`);
  }
  if (typeof o.catalog !== 'string' || typeof o.events !== 'object' || o.events === null || Array.isArray(o.events)) {
    throw new CatalogLockError('the lock has no "catalog" name or no "events" object; write it again with factline catalog lock');
  }
  for (const [id, e] of Object.entries(o.events)) {
    const x = e as Partial<LockedEvent> | null;
    if (
      typeof x !== 'object' ||
      x === null ||
      typeof x.wire_name !== 'string' ||
      typeof x.severity !== 'string' ||
      typeof x.payload_schema !== 'object' ||
      x.payload_schema === null ||
      typeof x.pii !== 'object' ||
      x.pii === null ||
      !Array.isArray(x.tags) ||
      typeof x.deprecated !== 'boolean'
    ) {
      throw new CatalogLockError(
        `the lock's entry "${id}" lacks one of wire_name, severity, payload_schema, pii, tags, deprecated; write it again with factline catalog lock`,
      );
    }
  }
  return o as CatalogLock;
}

function equalJson(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

type Schema = Record<string, unknown>;
const isSchema = (v: unknown): v is Schema => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A short type name of a JSON Schema node: `string`, `integer`, `enum`, `object`, `string | null`, ... */
function typeName(s: unknown): string {
  if (!isSchema(s)) return s === true ? 'any' : s === false ? 'nothing' : 'unknown';
  if (Array.isArray(s.enum)) return 'enum';
  if ('const' in s) return `literal ${JSON.stringify(s.const)}`;
  if (typeof s.type === 'string') return s.type;
  if (Array.isArray(s.type)) return (s.type as string[]).join(' | ');
  for (const k of ['anyOf', 'oneOf'] as const) if (Array.isArray(s[k])) return (s[k] as unknown[]).map(typeName).join(' | ');
  if (typeof s.$ref === 'string') return `$ref ${s.$ref}`;
  return Object.keys(s).length === 0 ? 'any' : 'schema';
}

interface PayloadDiff {
  kind: Extract<CatalogChangeKind, `payload_${string}`>;
  path: string;
  what: string;
}

const join = (path: string, key: string): string => (path === '' ? key : `${path}.${key}`);
const shown = (path: string): string => (path === '' ? '(payload)' : path);

/** Every difference between two canonical payload schemas, as field-level changes where it can name them. */
function diffSchemas(a: unknown, b: unknown, path: string, out: PayloadDiff[]): void {
  if (equalJson(a, b)) return;
  if (!isSchema(a) || !isSchema(b)) {
    out.push({ kind: 'payload_schema_changed', path: shown(path), what: `${shown(path)}: the schema changed` });
    return;
  }
  const ta = typeName(a);
  const tb = typeName(b);
  if (ta !== tb && !(ta.startsWith('literal') && tb.startsWith('literal'))) {
    if ((ta === 'enum' && tb.startsWith('literal')) || (tb === 'enum' && ta.startsWith('literal'))) {
      // z.literal('a') and z.enum(['a', 'b']) are both a set of values.
    } else {
      out.push({ kind: 'payload_field_retyped', path: shown(path), what: `field "${shown(path)}" retyped from ${ta} to ${tb}` });
      return;
    }
  }
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  // Enum members (and a literal, a set of one).
  const values = (s: Schema): unknown[] | undefined => (Array.isArray(s.enum) ? s.enum : 'const' in s ? [s.const] : undefined);
  const va = values(a);
  const vb = values(b);
  if (va !== undefined && vb !== undefined) {
    const sa = new Set(va.map((x) => JSON.stringify(x)));
    const sb = new Set(vb.map((x) => JSON.stringify(x)));
    const added = [...sb].filter((x) => !sa.has(x));
    const removed = [...sa].filter((x) => !sb.has(x));
    if (added.length > 0)
      out.push({
        kind: 'payload_enum_value_added',
        path: shown(path),
        what: `field "${shown(path)}" accepts ${added.length === 1 ? 'a new value' : 'new values'} ${added.join(', ')}`,
      });
    if (removed.length > 0)
      out.push({ kind: 'payload_enum_value_removed', path: shown(path), what: `field "${shown(path)}" no longer accepts ${removed.join(', ')}` });
    keys.delete('enum');
    keys.delete('const');
  }
  if (isSchema(a.properties) || isSchema(b.properties)) {
    const pa = (isSchema(a.properties) ? a.properties : {}) as Schema;
    const pb = (isSchema(b.properties) ? b.properties : {}) as Schema;
    const ra = new Set(Array.isArray(a.required) ? (a.required as string[]) : []);
    const rb = new Set(Array.isArray(b.required) ? (b.required as string[]) : []);
    const names = [...new Set([...Object.keys(pa), ...Object.keys(pb)])].sort(compareText);
    for (const n of names) {
      const p = join(path, n);
      if (!Object.hasOwn(pa, n))
        out.push({ kind: 'payload_field_added', path: p, what: `field "${p}" added (${rb.has(n) ? 'required' : 'optional'}, ${typeName(pb[n])})` });
      else if (!Object.hasOwn(pb, n))
        out.push({ kind: 'payload_field_removed', path: p, what: `field "${p}" removed (was ${ra.has(n) ? 'required' : 'optional'}, ${typeName(pa[n])})` });
      else {
        if (ra.has(n) && !rb.has(n)) out.push({ kind: 'payload_field_optional', path: p, what: `field "${p}" became optional` });
        if (!ra.has(n) && rb.has(n)) out.push({ kind: 'payload_field_required', path: p, what: `field "${p}" became required` });
        diffSchemas(pa[n], pb[n], p, out);
      }
    }
    keys.delete('properties');
    keys.delete('required');
  }
  for (const k of ['items', 'additionalProperties', 'propertyNames'] as const) {
    if (!keys.has(k)) continue;
    keys.delete(k);
    if (k in a && k in b) diffSchemas(a[k], b[k], k === 'items' ? `${path}[]` : join(path, k === 'additionalProperties' ? '*' : '(keys)'), out);
    else out.push({ kind: 'payload_constraint_changed', path: shown(path), what: `field "${shown(path)}": ${k} ${k in a ? 'removed' : 'added'}` });
  }
  for (const k of ['anyOf', 'oneOf', 'allOf', 'prefixItems'] as const) {
    if (!keys.has(k)) continue;
    keys.delete(k);
    const xa = a[k];
    const xb = b[k];
    if (Array.isArray(xa) && Array.isArray(xb) && xa.length === xb.length) {
      for (const [i, x] of xa.entries()) diffSchemas(x, xb[i], k === 'prefixItems' ? `${path}[${i}]` : path, out);
    } else if (!equalJson(xa, xb))
      out.push({ kind: 'payload_schema_changed', path: shown(path), what: `field "${shown(path)}": its ${k} alternatives changed` });
  }
  keys.delete('type');
  for (const k of [...keys].sort(compareText)) {
    if (equalJson(a[k], b[k])) continue;
    const from = k in a ? JSON.stringify(a[k]) : 'none';
    const to = k in b ? JSON.stringify(b[k]) : 'none';
    out.push({ kind: 'payload_constraint_changed', path: shown(path), what: `field "${shown(path)}": ${k} ${from} → ${to}` });
  }
}

/** `hash` is weaker than `drop`; no rule is weakest. */
const PII_STRENGTH: Readonly<Record<string, number>> = { hash: 1, drop: 2 };

function nameAndVersion(id: string): { name: string; version: number } {
  const colon = id.lastIndexOf(':');
  return { name: id.slice(0, colon), version: Number(id.slice(colon + 1)) };
}

/**
 * Compares a catalog with its lock (a {@link CatalogLock}, or the lock
 * file's text). Breaking, for an EventID in the lock: its payload schema
 * changed at all (a field added, optional or not; removed; retyped; made
 * required or optional; an enum value added or removed; a constraint such as
 * `minimum`, `maxLength`, `pattern` or `format` changed), its wire name or
 * severity changed, it is gone from the catalog, or one of its
 * personal-data rules was removed or weakened (`drop` → `hash`, `hash` →
 * none). Each breaking change names the fix: a payload change is a new
 * version (`add shop.order.placed:2 beside :1`). New EventIDs and versions,
 * deprecations, new or stronger personal-data rules and tags pass and are
 * listed in `changes`. Rules: docs/catalog.md.
 *
 * @throws CatalogLockError when `lock` is text that is not a lock.
 *
 * @example
 * const result = checkCatalog(catalog, readFileSync('catalog.lock.json', 'utf8'));
 * for (const c of result.breaking) console.error(c.message);
 * process.exitCode = result.ok ? 0 : 1;
 */
export function checkCatalog(catalog: Catalog, lock: CatalogLock | string): CatalogCheck {
  const locked = typeof lock === 'string' ? parseCatalogLock(lock) : lock;
  const now = lockCatalog(catalog);
  const all: CatalogChange[] = [];
  // Highest version per name across the lock and the catalog: the next one is the fix.
  const highest = new Map<string, number>();
  for (const id of [...Object.keys(locked.events), ...Object.keys(now.events)]) {
    const { name, version } = nameAndVersion(id);
    highest.set(name, Math.max(highest.get(name) ?? 0, version));
  }
  const nextVersion = (id: string): string => {
    const { name, version } = nameAndVersion(id);
    return `add ${name}:${(highest.get(name) ?? version) + 1} beside :${version}`;
  };
  const push = (kind: CatalogChangeKind, event_id: string, what: string, fix?: string, path?: string): void => {
    const breaking = !NOT_BREAKING.has(kind);
    all.push({
      kind,
      event_id,
      breaking,
      ...(path !== undefined ? { path } : {}),
      message: `${event_id}: ${what}${fix !== undefined ? `; ${fix}` : ''}`,
      ...(fix !== undefined ? { fix } : {}),
    });
  };

  for (const id of Object.keys(locked.events).sort(compareText)) {
    const was = locked.events[id]!;
    const is = Object.hasOwn(now.events, id) ? now.events[id]! : undefined;
    if (is === undefined) {
      push(
        'event_removed',
        id,
        `removed from the catalog${was.deprecated ? ' (it was deprecated)' : ''}; readers still expect it`,
        `put it back; to retire it, keep it in the catalog with deprecated: true (or remove it on purpose and run factline catalog check --update)`,
      );
      continue;
    }
    const diffs: PayloadDiff[] = [];
    diffSchemas(was.payload_schema, is.payload_schema, '', diffs);
    for (const d of diffs)
      push(
        d.kind,
        id,
        `payload ${d.what}`,
        `a payload change is a new version: restore :${nameAndVersion(id).version}'s schema and ${nextVersion(id)}`,
        d.path,
      );
    if (was.wire_name !== is.wire_name) {
      push(
        'wire_name_changed',
        id,
        `wire name changed from "${was.wire_name}" to "${is.wire_name}"`,
        `restore wireName "${was.wire_name}", or ${nextVersion(id)} with the new wire name`,
      );
    }
    if (was.severity !== is.severity) {
      push(
        'severity_changed',
        id,
        `severity changed from ${was.severity} to ${is.severity}`,
        `restore severity: '${was.severity}' on the entry, or ${nextVersion(id)} with the new severity`,
      );
    }
    const paths = [...new Set([...Object.keys(was.pii), ...Object.keys(is.pii)])].sort(compareText);
    for (const p of paths) {
      const a = Object.hasOwn(was.pii, p) ? was.pii[p] : undefined;
      const b = Object.hasOwn(is.pii, p) ? is.pii[p] : undefined;
      if (a === b) continue;
      const sa = a === undefined ? 0 : (PII_STRENGTH[a] ?? 0);
      const sb = b === undefined ? 0 : (PII_STRENGTH[b] ?? 0);
      if (b === undefined)
        push(
          'pii_rule_removed',
          id,
          `personal-data rule "${p}": '${a}' removed: the field would leave the process in clear`,
          `restore pii: { '${p}': '${a}' }`,
          p,
        );
      else if (sb < sa) push('pii_rule_weakened', id, `personal-data rule "${p}" weakened from '${a}' to '${b}'`, `restore pii: { '${p}': '${a}' }`, p);
      else if (a === undefined) push('pii_rule_added', id, `personal-data rule "${p}": '${b}' added`, undefined, p);
      else push('pii_rule_strengthened', id, `personal-data rule "${p}" strengthened from '${a}' to '${b}'`, undefined, p);
    }
    if (!was.deprecated && is.deprecated) push('event_deprecated', id, 'now deprecated: kept in the lock; emitting it reports FACTLINE_EVENT_DEPRECATED');
    if (was.deprecated && !is.deprecated) push('event_undeprecated', id, 'no longer deprecated');
    if (!equalJson(was.tags, is.tags)) push('tags_changed', id, `tags changed from [${was.tags.join(', ')}] to [${is.tags.join(', ')}]`);
  }
  const lockedNames = new Set(Object.keys(locked.events).map((id) => nameAndVersion(id).name));
  for (const id of Object.keys(now.events).sort(compareText)) {
    if (Object.hasOwn(locked.events, id)) continue;
    const { name } = nameAndVersion(id);
    if (lockedNames.has(name)) push('version_added', id, `new version of ${name}`);
    else push('event_added', id, 'new EventID');
  }
  const breaking = all.filter((c) => c.breaking);
  return {
    ok: breaking.length === 0,
    catalog: catalog.name,
    breaking,
    changes: all.filter((c) => !c.breaking),
    stale: formatCatalogLock(locked) !== formatCatalogLock(now),
  };
}

/**
 * Checks a catalog against its lock file and throws an `Error` listing every
 * breaking change, each with its fix: the one line a service's own test
 * suite needs (vitest, `node:test`, jest).
 *
 * @throws Error when a change is breaking, or the lock file is missing or not a lock.
 *
 * @example
 * test('the event catalog keeps its contract', () => assertCatalogLocked(catalog, 'catalog.lock.json'));
 */
export function assertCatalogLocked(catalog: Catalog, lockFile: string | URL): void {
  let text: string;
  try {
    text = readFileSync(lockFile, 'utf8');
  } catch (e) {
    throw new Error(
      `no catalog lock at ${String(lockFile)} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); write it with: npx factline catalog lock --catalog <module>#<export> --out ${String(lockFile)}`,
    );
  }
  const result = checkCatalog(catalog, text);
  if (!result.ok) {
    throw new Error(
      `catalog "${catalog.name}" breaks its lock ${String(lockFile)}:\n${result.breaking.map((c) => `  - ${c.message}`).join('\n')}\n(a deliberate change: npx factline catalog check --update; rules: docs/catalog.md)`,
    );
  }
}
