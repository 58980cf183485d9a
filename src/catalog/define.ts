import { z } from 'zod';
import { safeParseEventId, type ValidEventId } from '../eventid/index.js';
import { SEVERITY_RANK, severityForAction } from '../envelope/severity.js';
import { ATTR } from '../wire.js';
import { compilePattern } from '../eventid/index.js';
import { jsonFormProblems } from './json-form.js';
import { lintCatalog, type LintWarning } from './lint.js';
import { compilePiiRules, markPiiInJsonSchema, type PiiRule } from './pii.js';
import type { CatalogDescription, CatalogEntry, EventDefinition, EventTypeAttributes, EventTypeInfo } from './types.js';

/** Thrown by `defineCatalog` and `combineCatalogs` only: at set-up, never on `emit`. */
export class CatalogError extends Error {
  override readonly name = 'CatalogError';
  constructor(
    message: string,
    /** One entry per problem found; all are collected before throwing. */
    readonly problems: readonly { code: string; key: string; message: string }[],
  ) {
    super(message);
  }
}

/**
 * Type-level check of every key: a key that is not a valid EventID makes its
 * value's expected type the EventID error message, so the compiler names the rule.
 */
export type CheckedEntries<D> = {
  [K in keyof D]: K extends string ? (ValidEventId<K> extends K ? D[K] : ValidEventId<K>) : never;
};

/**
 * The contract of a service: which events exist, and the shape of each.
 * `D` carries the entries' types so that `emit` can check ids and payloads.
 */
export interface Catalog<D extends Record<string, CatalogEntry> = Record<string, CatalogEntry>> {
  readonly name: string;
  /** Type carrier for `emit`; the entries as given. */
  readonly entries: D;
  /** Info for an EventID, or undefined when the catalog does not define it. */
  get(id: string): EventTypeInfo | undefined;
  has(id: string): boolean;
  /** Every event type, sorted by EventID. */
  list(): readonly EventTypeInfo[];
  /** Event types whose EventID matches a `%` pattern, e.g. `%.failed:%`. */
  find(pattern: string): EventTypeInfo[];
  /** Versions defined for an event name (`auth.user.login`), ascending. */
  versions(name: string): number[];
  /** The payload's JSON Schema (draft 2020-12, from zod 4), or undefined for an unknown id. */
  jsonSchema(id: string): Record<string, unknown> | undefined;
  /** The whole catalog as plain data, for tools and agents. */
  describe(): CatalogDescription;
  /** Naming advice (past-tense actions, one topic per kind of fact). Warns; never blocks. */
  lint(): LintWarning[];
}

function isDefinition(e: CatalogEntry): e is EventDefinition {
  return typeof e === 'object' && e !== null && 'schema' in e && !(e instanceof z.ZodType);
}

function buildInfo(key: string, entry: CatalogEntry, catalog: string): EventTypeInfo | { code: string; message: string } {
  const parsed = safeParseEventId(key);
  if (!parsed.ok) return { code: 'invalid_event_id', message: parsed.error.message };
  const def: EventDefinition = isDefinition(entry) ? entry : { schema: entry };
  if (!(def.schema instanceof z.ZodType)) {
    return {
      code: 'invalid_schema',
      message: `"${key}": the schema is not a zod schema of zod 4, which factline requires; write z.object({...}) with zod 4 (import { z } from 'zod'), or with zod 3.25 import { z } from 'zod/v4'`,
    };
  }
  // hasOwn: a severity named `constructor` would find Object's, and every later lookup by severity with it.
  if (def.severity !== undefined && !Object.hasOwn(SEVERITY_RANK, def.severity)) {
    return {
      code: 'invalid_severity',
      message: `"${key}": severity ${JSON.stringify(def.severity)} is not one of ${Object.keys(SEVERITY_RANK).join(', ')}; write one of them, in capitals, or leave it out to derive it from the action`,
    };
  }
  const unrepresentable = jsonFormProblems(def.schema);
  if (unrepresentable.length > 0) {
    return {
      code: 'no_json_form',
      message: unrepresentable.map((p) => `"${key}" at ${p.path}: z.${p.type}(): ${p.message}`).join('\n  - '),
    };
  }
  if (def.deprecated !== undefined && typeof def.deprecated !== 'boolean' && (typeof def.deprecated !== 'string' || def.deprecated.trim() === '')) {
    return {
      code: 'invalid_deprecated',
      message: `"${key}": deprecated must be true, false or a sentence naming what to emit instead, got ${JSON.stringify(def.deprecated)}`,
    };
  }
  let piiRules: readonly PiiRule[] | undefined;
  if (def.pii !== undefined) {
    const compiled = compilePiiRules(key, def.schema, def.pii, def.traceKeyField);
    if (compiled.problems.length > 0) return { code: 'invalid_pii_rule', message: compiled.problems.map((p) => p.message).join('\n  - ') };
    piiRules = compiled.rules.length > 0 ? Object.freeze(compiled.rules.map((r) => Object.freeze({ ...r, steps: Object.freeze([...r.steps]) }))) : undefined;
  }
  const { domain, entity, action, version } = parsed.value;
  const name = `${domain}.${entity}.${action}`;
  const wireName = def.wireName ?? name;
  const attributes: EventTypeAttributes = {
    [ATTR.EVENT_ID]: key,
    [ATTR.EVENT_DOMAIN]: domain,
    [ATTR.EVENT_ENTITY]: entity,
    [ATTR.EVENT_ACTION]: action,
    [ATTR.EVENT_VERSION]: version,
    [ATTR.CATALOG]: catalog,
  };
  if (wireName !== name) (attributes as { [ATTR.EVENT_WIRE_NAME]?: string })[ATTR.EVENT_WIRE_NAME] = wireName;
  return Object.freeze({
    id: key,
    name,
    domain,
    entity,
    action,
    version,
    schema: def.schema,
    description: def.description,
    severity: def.severity ?? severityForAction(action),
    wireName,
    pii: def.pii ? Object.freeze({ ...def.pii }) : undefined,
    piiRules,
    traceKeyField: def.traceKeyField,
    tags: Object.freeze([...(def.tags ?? [])]),
    deprecated: def.deprecated !== undefined && def.deprecated !== false,
    deprecatedNote: typeof def.deprecated === 'string' ? def.deprecated : undefined,
    catalog,
    attributes: Object.freeze(attributes),
  });
}

class CatalogImpl<D extends Record<string, CatalogEntry>> implements Catalog<D> {
  private readonly byId: Map<string, EventTypeInfo>;
  private readonly sorted: readonly EventTypeInfo[];
  private readonly schemas = new Map<string, Record<string, unknown>>();

  constructor(
    readonly name: string,
    readonly entries: D,
    infos: EventTypeInfo[],
  ) {
    this.sorted = Object.freeze([...infos].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)));
    this.byId = new Map(this.sorted.map((i) => [i.id, i]));
  }

  get(id: string): EventTypeInfo | undefined {
    return this.byId.get(id);
  }
  has(id: string): boolean {
    return this.byId.has(id);
  }
  list(): readonly EventTypeInfo[] {
    return this.sorted;
  }
  find(pattern: string): EventTypeInfo[] {
    const p = compilePattern(pattern);
    return this.sorted.filter((i) => p.test(i.id));
  }
  versions(name: string): number[] {
    return this.sorted
      .filter((i) => i.name === name)
      .map((i) => i.version)
      .sort((a, b) => a - b);
  }
  jsonSchema(id: string): Record<string, unknown> | undefined {
    const info = this.byId.get(id);
    if (!info) return undefined;
    let s = this.schemas.get(id);
    if (!s) {
      // `unrepresentable: 'any'` keeps a transform or a custom check from
      // making the whole catalog undescribable; such a field shows as `{}`.
      s = z.toJSONSchema(info.schema, { unrepresentable: 'any', io: 'input' }) as Record<string, unknown>;
      // Tools and agents reading the schema must see which fields are personal data.
      if (info.piiRules !== undefined) markPiiInJsonSchema(s, info.piiRules);
      this.schemas.set(id, s);
    }
    return s;
  }
  describe(): CatalogDescription {
    return {
      name: this.name,
      events: this.sorted.map((i) => ({
        id: i.id,
        name: i.name,
        version: i.version,
        wire_name: i.wireName,
        severity: i.severity,
        ...(i.description !== undefined ? { description: i.description } : {}),
        ...(i.pii ? { pii: { ...i.pii } } : {}),
        ...(i.tags.length ? { tags: [...i.tags] } : {}),
        ...(i.deprecated ? { deprecated: i.deprecatedNote ?? (true as const) } : {}),
        json_schema: this.jsonSchema(i.id)!,
      })),
    };
  }
  lint(): LintWarning[] {
    return lintCatalog(this.sorted);
  }
}

function assemble<D extends Record<string, CatalogEntry>>(
  name: string,
  entries: D,
  infos: EventTypeInfo[],
  problems: { code: string; key: string; message: string }[],
): Catalog<D> {
  const wire = new Map<string, string>();
  for (const info of infos) {
    const other = wire.get(`${info.wireName}:${info.version}`);
    if (other !== undefined && other !== info.id) {
      problems.push({
        code: 'duplicate_wire_name',
        key: info.id,
        message: `"${info.id}" and "${other}" share the wire name "${info.wireName}" at version ${info.version}; give one of them another wireName`,
      });
    }
    wire.set(`${info.wireName}:${info.version}`, info.id);
  }
  if (problems.length > 0) {
    throw new CatalogError(`Catalog "${name}" is invalid:\n` + problems.map((p) => `  - ${p.message}`).join('\n'), problems);
  }
  return new CatalogImpl(name, entries, infos);
}

/**
 * Declares the events a service may emit: EventIDs mapped to zod schemas.
 * Invalid keys fail to compile and, for keys built at run time, throw a
 * `CatalogError` that lists every problem at once.
 *
 * @example
 * const catalog = defineCatalog({
 *   'auth.user.login:1': z.object({ user_id: z.string(), mfa: z.boolean() }),
 *   'auth.user.locked:1': { schema: z.object({ user_id: z.string(), attempts: z.int() }), severity: 'WARN' },
 * }, { name: 'auth' });
 * catalog.find('auth.user.%').map((t) => t.id); // ['auth.user.locked:1', 'auth.user.login:1']
 */
export function defineCatalog<const D extends Record<string, CatalogEntry>>(entries: D & CheckedEntries<D>, options: { name?: string } = {}): Catalog<D> {
  const name = options.name ?? 'default';
  if (typeof entries !== 'object' || entries === null) {
    throw new CatalogError('defineCatalog expects an object that maps EventIDs to zod schemas', []);
  }
  const problems: { code: string; key: string; message: string }[] = [];
  const infos: EventTypeInfo[] = [];
  for (const key of Object.keys(entries)) {
    const r = buildInfo(key, (entries as Record<string, CatalogEntry>)[key]!, name);
    if ('id' in r) infos.push(r);
    else problems.push({ ...r, key });
  }
  return assemble(name, entries as D, infos, problems);
}

/**
 * One catalog made of several, for a service that emits its own events and a
 * built-in catalog's (Intent's). The same EventID in two catalogs is an error.
 *
 * @example
 * const all = combineCatalogs('checkout', appCatalog, intentCatalog);
 */
export function combineCatalogs<A extends Record<string, CatalogEntry>, B extends Record<string, CatalogEntry>>(
  name: string,
  a: Catalog<A>,
  b: Catalog<B>,
): Catalog<A & B> {
  const problems: { code: string; key: string; message: string }[] = [];
  for (const info of b.list()) {
    if (a.has(info.id)) {
      problems.push({ code: 'duplicate_event_id', key: info.id, message: `"${info.id}" is defined by both catalog "${a.name}" and catalog "${b.name}"` });
    }
  }
  return assemble(name, { ...a.entries, ...b.entries } as A & B, [...a.list(), ...b.list()], problems);
}
