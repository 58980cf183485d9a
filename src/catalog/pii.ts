import type { z } from 'zod';
import { defOf, unwrapped } from './zod-def.js';

/*
 * Personal-data rules address fields by path, and every path is checked
 * against the schema when the catalog is defined: a rule that names a field
 * the schema does not have would otherwise match nothing and leave the data
 * in clear while its author believes it protected. Rules are compiled here,
 * once per event type; `emit` only walks the compiled steps
 * (`src/emitter/payload.ts`). The syntax is in `docs/mapping.md`, "Personal data".
 */

/** What happens to a personal-data field before the event leaves the process. */
export type PiiAction = 'hash' | 'drop';

/** The step that stands for every element of an array (`items[]`). */
export const EVERY_ELEMENT = '[]';

/**
 * One compiled personal-data rule of an event type.
 *
 * @example
 * // pii: { 'items[].email': 'hash' } on z.object({ items: z.array(z.object({ email: z.string() })) }) compiles to
 * const rule: PiiRule = { path: 'items[].email', steps: ['items', '[]', 'email'], action: 'hash', declaredKeys: new Set(['items', 'email']) };
 */
export interface PiiRule {
  /** The rule's path as written in the catalog. */
  readonly path: string;
  /** Object keys, and {@link EVERY_ELEMENT} for each element of an array. */
  readonly steps: readonly string[];
  readonly action: PiiAction;
  /**
   * Every field name the type's schema declares, at any depth (shared by the
   * type's rules): a key inside a personal value that is not one of them (a
   * record keyed by email address) is itself personal data.
   */
  readonly declaredKeys: ReadonlySet<string>;
}

/** A rule that cannot be applied as written; `message` names the path and the fix. */
export interface PiiRuleProblem {
  code: 'invalid_pii_rule';
  message: string;
}

const ACTIONS: readonly PiiAction[] = ['hash', 'drop'];

/**
 * The steps of a rule path: `email`, `contact.phone`, `items[].email`,
 * `tags[]`, `matrix[][]`, `[].email` (a payload that is an array). A key is
 * any text without `.`, `[` or `]`. Returns an error text for anything else.
 *
 * @example
 * parsePiiPath('items[].email'); // ['items', '[]', 'email']
 * parsePiiPath('items[0].email'); // 'index [0] …: write items[] …'
 */
export function parsePiiPath(path: string): string[] | string {
  if (path === '') return 'the path is empty; name a field, e.g. "email" or "contact.phone"';
  const steps: string[] = [];
  let i = 0;
  let expectKey = true;
  while (i < path.length) {
    const c = path[i]!;
    if (c === '[') {
      if (path[i + 1] !== ']') {
        const close = path.indexOf(']', i);
        const inner = close < 0 ? path.slice(i) : path.slice(i, close + 1);
        return `${inner} is not a step: a rule applies to every element of an array, written [] (e.g. "items[].email"), never to one index`;
      }
      steps.push(EVERY_ELEMENT);
      i += 2;
      expectKey = false;
      continue;
    }
    if (c === '.') {
      if (expectKey) return `an empty key at character ${i + 1}; keys are separated by one "." (e.g. "contact.phone")`;
      i++;
      expectKey = true;
      if (i === path.length) return 'the path ends with "."; name the field after it';
      continue;
    }
    if (c === ']') return `"]" at character ${i + 1} has no "["; write [] for every element of an array`;
    if (!expectKey) return `a key must follow "." after [] (e.g. "items[].email"), at character ${i + 1}`;
    let j = i;
    while (j < path.length && path[j] !== '.' && path[j] !== '[' && path[j] !== ']') j++;
    steps.push(path.slice(i, j));
    i = j;
    expectKey = false;
  }
  return steps;
}

/** Types whose value may hold anything: a path below them cannot be checked, nor ruled out. */
const OPEN = new Set(['any', 'unknown', 'custom']);

/**
 * The concrete schemas a value at this point may match: wrappers (optional,
 * nullable, default, readonly, catch, the input side of a pipe, lazy) are
 * unwrapped, unions and intersections give each of their parts.
 */
function concrete(s: z.ZodType | null | undefined, out: z.ZodType[], depth = 0): z.ZodType[] {
  if (s === undefined || s === null || depth > 64) return out;
  const def = defOf(s);
  const inner = unwrapped(def);
  if (inner !== false) return concrete(inner, out, depth + 1);
  switch (def.type) {
    case 'lazy':
      return concrete(def.getter?.(), out, depth + 1);
    case 'union':
      for (const o of def.options ?? []) concrete(o, out, depth + 1);
      return out;
    case 'intersection':
      concrete(def.left, out, depth + 1);
      return concrete(def.right, out, depth + 1);
    default:
      out.push(s);
      return out;
  }
}

/** The schemas one step below `s`, or none when `s` has no such step. */
function child(s: z.ZodType, step: string): z.ZodType[] {
  const def = defOf(s);
  if (OPEN.has(def.type)) return [s];
  if (step === EVERY_ELEMENT) {
    if (def.type === 'array') return def.element ? [def.element] : [];
    if (def.type === 'tuple') return [...(def.items ?? []), ...(def.rest ? [def.rest] : [])];
    return [];
  }
  if (def.type === 'object') {
    const shape = def.shape ?? {};
    if (Object.hasOwn(shape, step)) return [shape[step]!];
    const rest = def.catchall;
    return rest !== undefined && defOf(rest).type !== 'never' ? [rest] : [];
  }
  if (def.type === 'record') return def.valueType ? [def.valueType] : [];
  return [];
}

/** Every field name of every object a schema holds, at any depth. */
function declaredKeys(schema: z.ZodType): Set<string> {
  const keys = new Set<string>();
  const seen = new Set<z.ZodType>();
  const visit = (s: z.ZodType | null | undefined, depth: number): void => {
    if (s === undefined || s === null || depth > 64) return;
    for (const c of concrete(s, [])) {
      if (seen.has(c)) continue;
      seen.add(c);
      const def = defOf(c);
      if (def.type === 'object') {
        for (const [k, v] of Object.entries(def.shape ?? {})) {
          keys.add(k);
          visit(v, depth + 1);
        }
        visit(def.catchall, depth + 1);
      } else if (def.type === 'array') visit(def.element, depth + 1);
      else if (def.type === 'tuple') {
        for (const x of def.items ?? []) visit(x, depth + 1);
        visit(def.rest, depth + 1);
      } else if (def.type === 'record') visit(def.valueType, depth + 1);
    }
  };
  visit(schema, 0);
  return keys;
}

/** What a schema offers one step down, for the error message. */
function offered(schemas: readonly z.ZodType[]): string {
  const keys = new Set<string>();
  let elements = false;
  for (const s of schemas) {
    const def = defOf(s);
    if (def.type === 'object') for (const k of Object.keys(def.shape ?? {})) keys.add(k);
    if (def.type === 'array' || def.type === 'tuple') elements = true;
  }
  if (keys.size > 0)
    return `it has ${[...keys]
      .sort()
      .map((k) => JSON.stringify(k))
      .join(', ')}`;
  if (elements) return 'it is an array: write [] to reach its elements';
  const types = [...new Set(schemas.map((s) => defOf(s).type))];
  return `it is ${types.length ? types.join(' | ') : 'nothing'}, which has no fields`;
}

const label = (steps: readonly string[]): string =>
  steps.length === 0 ? 'the payload' : `"${steps.map((s, i) => (s === EVERY_ELEMENT || i === 0 ? s : `.${s}`)).join('')}"`;

/**
 * Why a path does not exist in a schema, or undefined when it does. A path
 * exists when some branch of the schema (of a union, say) has it; below
 * `z.any()`, `z.unknown()`, `z.custom()` and a record's values every key exists.
 */
function missing(schema: z.ZodType, steps: readonly string[]): string | undefined {
  let here = concrete(schema, []);
  for (let i = 0; i < steps.length; i++) {
    const next: z.ZodType[] = [];
    for (const s of here) for (const c of child(s, steps[i]!)) concrete(c, next);
    if (next.length === 0) {
      const step = steps[i]!;
      const what = step === EVERY_ELEMENT ? 'no array elements ([])' : `no field "${step}"`;
      return `the schema has ${what} in ${label(steps.slice(0, i))}: ${offered(here)}`;
    }
    here = next;
  }
  return undefined;
}

/**
 * Compiles an entry's `pii` rules against its schema, once, when the catalog
 * is defined. Every problem is returned (none thrown): an action other than
 * `hash` / `drop`, a path that does not parse, a path the schema does not
 * have, a rule inside another rule's field, and a rule over the
 * `traceKeyField` (its value travels as the trace key, in clear).
 *
 * @example
 * compilePiiRules('a.user.created:1', z.object({ contact: z.object({ phone: z.string() }) }), { 'contact.phon': 'hash' }, undefined);
 * // { rules: [], problems: [{ code: 'invalid_pii_rule', message: '"a.user.created:1": pii rule "contact.phon": the schema has no field "phon" in "contact": it has "phone"' }] }
 */
export function compilePiiRules(
  eventId: string,
  schema: z.ZodType,
  pii: Readonly<Record<string, unknown>>,
  traceKeyField: string | undefined,
): { rules: PiiRule[]; problems: PiiRuleProblem[] } {
  const rules: PiiRule[] = [];
  const problems: PiiRuleProblem[] = [];
  let keys: ReadonlySet<string> | undefined;
  const fail = (path: string, why: string): void => {
    problems.push({ code: 'invalid_pii_rule', message: `"${eventId}": pii rule ${JSON.stringify(path)}: ${why}` });
  };
  if (typeof pii !== 'object' || pii === null || Array.isArray(pii)) {
    problems.push({ code: 'invalid_pii_rule', message: `"${eventId}": pii must map field paths to 'hash' or 'drop', e.g. { 'contact.email': 'hash' }` });
    return { rules, problems };
  }
  for (const [path, action] of Object.entries(pii)) {
    if (!(ACTIONS as readonly unknown[]).includes(action)) {
      fail(path, `${JSON.stringify(action) ?? String(action)} is not an action; use 'hash' or 'drop'`);
      continue;
    }
    const steps = parsePiiPath(path);
    if (typeof steps === 'string') {
      fail(path, steps);
      continue;
    }
    const why = missing(schema, steps);
    if (why !== undefined) {
      fail(path, `${why}. A rule that matches nothing would leave the data in clear; name a field of the schema`);
      continue;
    }
    keys ??= declaredKeys(schema);
    rules.push({ path, steps, action: action as PiiAction, declaredKeys: keys });
  }
  // A rule inside another's field would act on what the outer one already replaced.
  for (const a of rules) {
    for (const b of rules) {
      if (a !== b && a.steps.length < b.steps.length && a.steps.every((s, i) => s === b.steps[i])) {
        fail(b.path, `lies inside ${JSON.stringify(a.path)}, which already applies '${a.action}' to all of it; keep one of the two`);
      }
    }
  }
  if (traceKeyField !== undefined) {
    const covering = rules.find((r) => r.steps[0] === traceKeyField);
    if (covering !== undefined) {
      fail(
        covering.path,
        `covers the traceKeyField "${traceKeyField}", whose value travels in clear as the event's trace key; use a key that is not personal data as traceKeyField`,
      );
    }
  }
  return { rules: problems.length > 0 ? [] : rules, problems };
}

/**
 * Marks personal-data fields in a payload's JSON Schema, in place: the
 * property a rule names gets `"x-factline-pii": "hash"` (or `"drop"`),
 * through `properties`, `items`, `prefixItems`, `additionalProperties` and
 * every branch of `anyOf` / `oneOf` / `allOf`.
 *
 * @example
 * markPiiInJsonSchema(schema, [{ path: 'contact.phone', steps: ['contact', 'phone'], action: 'hash', declaredKeys: new Set(['contact', 'phone']) }]);
 * // schema.properties.contact.properties.phone['x-factline-pii'] === 'hash'
 */
export function markPiiInJsonSchema(jsonSchema: Record<string, unknown>, rules: readonly PiiRule[]): void {
  for (const rule of rules) mark(jsonSchema, rule.steps, 0, rule.action, 0);
}

type Node = Record<string, unknown>;
const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);

function mark(node: unknown, steps: readonly string[], i: number, action: PiiAction, depth: number): void {
  if (!isNode(node) || depth > 64) return;
  if (i === steps.length) {
    node['x-factline-pii'] = action;
    return;
  }
  for (const k of ['anyOf', 'oneOf', 'allOf'] as const) {
    const branches = node[k];
    if (Array.isArray(branches)) for (const b of branches) mark(b, steps, i, action, depth + 1);
  }
  const step = steps[i]!;
  if (step === EVERY_ELEMENT) {
    mark(node.items, steps, i + 1, action, depth + 1);
    if (Array.isArray(node.prefixItems)) for (const b of node.prefixItems) mark(b, steps, i + 1, action, depth + 1);
    return;
  }
  const props = node.properties;
  if (isNode(props) && Object.hasOwn(props, step)) mark(props[step], steps, i + 1, action, depth + 1);
  else mark(node.additionalProperties, steps, i + 1, action, depth + 1);
}
