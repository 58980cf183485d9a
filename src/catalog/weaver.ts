import type { Catalog } from './define.js';
import type { EventTypeInfo } from './types.js';
import { ATTR, SPAN_EVENT_ATTR } from '../wire.js';

/*
 * A catalog as an OpenTelemetry Weaver registry (semantic convention syntax
 * v1: https://github.com/open-telemetry/weaver/blob/main/schemas/semconv-syntax.md),
 * as plain data; the CLI (`factline catalog export --format weaver`) writes
 * it as YAML. What it says follows docs/mapping.md:
 * - the envelope attributes (`factline.*`, `session.id`) are defined once, in
 *   the attribute group `registry.factline`;
 * - the payload fields, as a span event carries them (nested objects
 *   flattened with dots up to 4 levels, arrays of one primitive type as
 *   arrays, anything else as JSON text, a `hash` personal-data field as its
 *   `hmac-sha256:` string, a `drop` field not at all), are defined once per
 *   attribute name in `registry.<catalog>.payload`;
 * - each event name (`domain.entity.action`, the log record's EventName) is
 *   one `event` group that references them. Weaver requires event names to be
 *   unique, and every version of an EventID has the same EventName on the
 *   wire, so the versions of one name share a group; its note and
 *   annotations list them.
 * A payload field is on the span event, not on the log record (whose body
 * carries the payload): a required field is `conditionally_required` ("on
 * the span event"), an optional one `recommended`.
 */

/** A Weaver attribute type: a primitive or array, a template, or an enum (`{ members }`). */
export type WeaverType = string | { members: WeaverEnumMember[] };

export interface WeaverEnumMember {
  id: string;
  value: string | number;
  stability: 'development';
}

/** One attribute definition (in an `attribute_group`). */
export interface WeaverAttribute {
  id: string;
  type: WeaverType;
  stability: 'development';
  brief: string;
  note?: string;
  examples?: unknown[];
  annotations?: Record<string, unknown>;
}

/** A reference to an attribute from an event group. */
export interface WeaverAttributeRef {
  ref: string;
  requirement_level: 'required' | 'recommended' | 'opt_in' | { conditionally_required: string };
  note?: string;
}

export interface WeaverGroup {
  id: string;
  type: 'attribute_group' | 'event';
  name?: string;
  brief: string;
  note?: string;
  stability?: 'development';
  deprecated?: { reason: 'uncategorized'; note: string };
  attributes: (WeaverAttribute | WeaverAttributeRef)[];
  annotations?: Record<string, unknown>;
}

/** A registry: its manifest and its files (`{ groups }`), by file name. */
export interface WeaverRegistry {
  manifest: { schema_url: string; description: string; stability: 'development' };
  files: Record<string, { groups: WeaverGroup[] }>;
}

export interface WeaverExportOptions {
  /**
   * More files of the registry, by file name: attribute groups for
   * telemetry the catalog's set-up emits beside its events (the Intent
   * loop's span attributes, for the built-in Intent catalog).
   */
  extraFiles?: Record<string, { groups: WeaverGroup[] }>;
  /**
   * The registry's schema URL, `http[s]://host/path/<version>`, which Weaver
   * uses as its name and version. Default
   * `https://example.com/schemas/<catalog>/1.0.0`: set your own.
   */
  schemaUrl?: string;
}

type JsonSchema = Record<string, unknown>;
const isObj = (v: unknown): v is JsonSchema => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Deepest nested object flattened into dotted keys (docs/mapping.md, "The span event"); as in src/otel/mapping.ts. */
const FLATTEN_DEPTH = 4;

const REQUIRED_ON_SPAN_EVENT = 'always on the span event (spanEvents: payload, the default); on the log record the field is in the body';

/** The envelope attributes, as docs/mapping.md lists them: id, type, brief, and how an event requires them. */
const ENVELOPE: readonly { id: string; type: string; brief: string; examples?: unknown[]; level: WeaverAttributeRef['requirement_level'] }[] = [
  { id: ATTR.EVENT_ID, type: 'string', brief: 'The EventID, `domain.entity.action:version`.', examples: ['auth.user.login:1'], level: 'required' },
  { id: ATTR.EVENT_DOMAIN, type: 'string', brief: "The EventID's domain.", examples: ['auth'], level: 'required' },
  { id: ATTR.EVENT_ENTITY, type: 'string', brief: "The EventID's entity.", examples: ['user'], level: 'required' },
  { id: ATTR.EVENT_ACTION, type: 'string', brief: "The EventID's action, past tense.", examples: ['login'], level: 'required' },
  { id: ATTR.EVENT_VERSION, type: 'int', brief: "The EventID's version.", examples: [1], level: 'required' },
  {
    id: ATTR.EVENT_INSTANCE_ID,
    type: 'string',
    brief: "The event instance's id, a UUIDv7 (RFC 9562).",
    examples: ['01966c3e-7f1a-7c3b-9a57-1f0e5b6c2d41'],
    level: 'required',
  },
  { id: ATTR.EVENT_SCHEMA_VERSION, type: 'int', brief: 'The version of the factline envelope.', examples: [1], level: 'required' },
  { id: ATTR.CATALOG, type: 'string', brief: 'The name of the catalog that defines the event.', examples: ['intent'], level: 'required' },
  {
    id: ATTR.EVENT_WIRE_NAME,
    type: 'string',
    brief: "The event's wire name, when the catalog gives one other than `domain.entity.action`.",
    examples: ['signal.created'],
    level: { conditionally_required: 'when the catalog gives the event a wire name other than domain.entity.action' },
  },
  {
    id: ATTR.SOURCE_TYPE,
    type: 'string',
    brief: 'Where the event came from: user, child_agent, tool, runtime, external_outcome, manual_correction.',
    examples: ['runtime'],
    level: 'required',
  },
  {
    id: ATTR.SOURCE_MODEL,
    type: 'string',
    brief: 'The model of a child_agent source.',
    examples: ['claude-sonnet-4'],
    level: { conditionally_required: 'child_agent sources' },
  },
  {
    id: ATTR.SOURCE_NAME,
    type: 'string',
    brief: 'The name of a tool source (optional for runtime, external_outcome, child_agent).',
    examples: ['pytest'],
    level: { conditionally_required: 'tool sources; optional for runtime, external_outcome and child_agent sources' },
  },
  {
    id: ATTR.SOURCE_ID,
    type: 'string',
    brief: 'The id of a user or manual_correction source.',
    examples: ['u-1'],
    level: { conditionally_required: 'when a user or manual_correction source has an id' },
  },
  {
    id: ATTR.TRACE_KEY,
    type: 'string',
    brief: 'A domain trace key that is not a W3C trace id.',
    examples: ['TRACE-015'],
    level: { conditionally_required: 'when the event has a domain trace key' },
  },
  {
    id: ATTR.CAUSATION_ID,
    type: 'string',
    brief: 'The instance id of the event that caused this one.',
    examples: ['01966c3e-7f1a-7c3b-9a57-1f0e5b6c2d40'],
    level: { conditionally_required: 'when emit was given causedBy' },
  },
  {
    id: ATTR.SESSION_ID,
    type: 'string',
    brief: 'The session (the OpenTelemetry semantic convention attribute).',
    examples: ['sess-1'],
    level: { conditionally_required: 'when a session id is set' },
  },
  {
    id: ATTR.VALID,
    type: 'boolean',
    brief: 'Only `false`: the event was delivered flagged invalid.',
    examples: [false],
    level: { conditionally_required: 'only on events delivered flagged invalid' },
  },
  {
    id: ATTR.VALIDATION_ISSUES,
    type: 'string',
    brief: 'JSON array of the validation issues (at most 10).',
    examples: ['[{"code":"invalid_type","path":["amount"],"message":"expected number"}]'],
    level: { conditionally_required: 'with factline.valid' },
  },
  {
    id: ATTR.VALIDATION_ISSUES_TOTAL,
    type: 'int',
    brief: 'How many validation issues there were, when more than factline.validation.issues carries.',
    examples: [12],
    level: { conditionally_required: 'when there were more issues than factline.validation.issues carries' },
  },
  {
    id: SPAN_EVENT_ATTR.DROPPED_PAYLOAD_FIELDS,
    type: 'int',
    brief: 'Payload fields left out of the span event at its attribute count limit.',
    examples: [3],
    level: { conditionally_required: 'span events only, when payload fields were left out' },
  },
];

/** One payload field as a span-event attribute, for one event type. */
interface FieldUse {
  id: string;
  type: WeaverType;
  /** A template attribute (`z.record`): `id.<key>`. */
  template: boolean;
  required: boolean;
  note: string | undefined;
  pii: string | undefined;
  description: string | undefined;
  examples: unknown[] | undefined;
}

/** A Weaver enum member id from a value: lower snake case, `_` for anything else. */
function memberId(v: string | number): string {
  const s = String(v)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return /^[a-z]/.test(s) ? s : `v_${s || 'empty'}`;
}

function enumOf(values: readonly (string | number)[]): { members: WeaverEnumMember[] } {
  const seen = new Set<string>();
  const members: WeaverEnumMember[] = [];
  for (const v of values) {
    let id = memberId(v);
    for (let n = 2; seen.has(id); n++) id = `${memberId(v)}_${n}`;
    seen.add(id);
    members.push({ id, value: v, stability: 'development' });
  }
  return { members };
}

/** The schema without `null` alternatives, and whether it allowed null. */
function nonNull(s: JsonSchema): { schema: JsonSchema; nullable: boolean } {
  for (const k of ['anyOf', 'oneOf'] as const) {
    const alts = s[k];
    if (Array.isArray(alts)) {
      const rest = alts.filter((a) => !(isObj(a) && a.type === 'null'));
      if (rest.length < alts.length) {
        if (rest.length === 1 && isObj(rest[0])) return { schema: rest[0], nullable: true };
        return { schema: { ...s, [k]: rest }, nullable: true };
      }
    }
  }
  if (Array.isArray(s.type) && (s.type as string[]).includes('null')) {
    const types = (s.type as string[]).filter((t) => t !== 'null');
    return { schema: { ...s, type: types.length === 1 ? types[0] : types }, nullable: true };
  }
  return { schema: s, nullable: false };
}

/** The Weaver type of a leaf value as factline puts it on a span event. */
function leafType(s: JsonSchema): WeaverType {
  if (Array.isArray(s.enum)) {
    const vals = s.enum as unknown[];
    if (vals.every((v) => typeof v === 'string')) return enumOf(vals as string[]);
    if (vals.every((v) => Number.isSafeInteger(v))) return enumOf(vals as number[]);
  }
  if (typeof s.const === 'string') return enumOf([s.const]);
  if (typeof s.const === 'boolean') return 'boolean';
  if (typeof s.const === 'number') return Number.isSafeInteger(s.const) ? 'int' : 'double';
  switch (s.type) {
    case 'string':
      return 'string';
    case 'integer':
      return 'int';
    case 'number':
      return 'double';
    case 'boolean':
      return 'boolean';
    case 'array': {
      const items = isObj(s.items) ? nonNull(s.items).schema : undefined;
      // An array of one primitive type stays an array; anything else is JSON text.
      if (items !== undefined && !Array.isArray(s.prefixItems) && items.type !== 'object' && items.type !== 'array') {
        const t = leafType(items);
        if (typeof t !== 'string') return typeof t.members[0]?.value === 'number' ? 'int[]' : 'string[]';
        if (t === 'string' || t === 'int' || t === 'double' || t === 'boolean') return `${t}[]`;
      }
      return 'string';
    }
    case 'object':
      return 'string';
  }
  for (const k of ['anyOf', 'oneOf'] as const) {
    if (Array.isArray(s[k])) {
      const types = (s[k] as unknown[]).filter(isObj).map((x) => leafType(nonNull(x).schema));
      const merged = types.reduce<WeaverType | undefined>((a, t) => (a === undefined ? t : mergeTypes(a, t)), undefined);
      return merged ?? 'any';
    }
  }
  return 'any';
}

/** Value constraints of a leaf, as a sentence for the attribute's note. */
function constraints(s: JsonSchema): string | undefined {
  const parts: string[] = [];
  for (const k of [
    'format',
    'pattern',
    'minLength',
    'maxLength',
    'minimum',
    'maximum',
    'exclusiveMinimum',
    'exclusiveMaximum',
    'minItems',
    'maxItems',
    'default',
  ] as const) {
    if (k in s) parts.push(`${k} ${JSON.stringify(s[k])}`);
  }
  return parts.length > 0 ? parts.join(', ') : undefined;
}

/** Every span-event attribute a payload schema gives, as docs/mapping.md says factline writes them. */
function fieldUses(schema: JsonSchema): FieldUse[] {
  const out: FieldUse[] = [];
  const visit = (node: JsonSchema, prefix: string, depth: number, required: boolean): void => {
    const alternatives = (Array.isArray(node.anyOf) ? node.anyOf : Array.isArray(node.oneOf) ? node.oneOf : []).filter(isObj);
    if (alternatives.length > 0 && alternatives.every((a) => a.type === 'object')) {
      // A union of objects: a field any branch has is there when that branch
      // matched; required only when every branch requires it.
      const branches = alternatives.map((a) => {
        const mark = out.length;
        visit(a, prefix, depth, required);
        return out.splice(mark);
      });
      const ids = [...new Set(branches.flatMap((b) => b.map((u) => u.id)))];
      for (const id of ids) {
        const found = branches.map((b) => b.find((u) => u.id === id));
        const present = found.filter((u): u is FieldUse => u !== undefined);
        const first = present[0]!;
        out.push({ ...first, type: present.map((u) => u.type).reduce(mergeTypes), required: found.every((u) => u?.required === true) });
      }
      return;
    }
    const props = isObj(node.properties) ? node.properties : {};
    const req = new Set(Array.isArray(node.required) ? (node.required as string[]) : []);
    for (const key of Object.keys(props)) {
      const raw = props[key];
      if (!isObj(raw)) continue;
      const { schema: s, nullable } = nonNull(raw);
      const id = prefix === '' ? key : `${prefix}.${key}`;
      const isRequired = required && req.has(key) && !nullable && !('default' in s);
      const pii =
        typeof raw['x-factline-pii'] === 'string'
          ? (raw['x-factline-pii'] as string)
          : typeof s['x-factline-pii'] === 'string'
            ? (s['x-factline-pii'] as string)
            : undefined;
      if (pii === 'drop') continue;
      const description = typeof s.description === 'string' ? s.description : typeof raw.description === 'string' ? raw.description : undefined;
      // An array's example is an array of its items' examples.
      const itemExamples = s.type === 'array' && isObj(s.items) && Array.isArray(s.items.examples) ? [s.items.examples as unknown[]] : undefined;
      const examples = Array.isArray(s.examples) ? (s.examples as unknown[]) : itemExamples;
      if (pii === 'hash') {
        out.push({
          id,
          type: 'string',
          template: false,
          required: isRequired,
          note: "personal data: sent as 'hmac-sha256:<hex>' (the value hashed with the emitter's piiKey)",
          pii,
          description,
          examples: undefined,
        });
        continue;
      }
      const objectUnion = [s.anyOf, s.oneOf].some((alts) => Array.isArray(alts) && alts.length > 0 && alts.every((a) => isObj(a) && a.type === 'object'));
      if (objectUnion && depth < FLATTEN_DEPTH) {
        visit(s, id, depth + 1, isRequired);
        continue;
      }
      if (s.type === 'object' && depth < FLATTEN_DEPTH) {
        if (isObj(s.properties) && Object.keys(s.properties).length > 0) {
          visit(s, id, depth + 1, isRequired);
          continue;
        }
        if (isObj(s.additionalProperties) || s.additionalProperties === undefined) {
          // A record: its keys are only known at run time.
          const values = isObj(s.additionalProperties) ? nonNull(s.additionalProperties).schema : {};
          const t = values.type === 'object' ? 'any' : leafType(values);
          out.push({
            id,
            type: `template[${typeof t === 'string' ? t : 'string'}]`,
            template: true,
            required: false,
            note: 'a record: one attribute per key, named <field>.<key>',
            pii: undefined,
            description,
            examples: undefined,
          });
          continue;
        }
      }
      out.push({ id, type: leafType(s), template: false, required: isRequired, note: constraints(s), pii: undefined, description, examples });
    }
  };
  visit(schema, '', 0, true);
  return out;
}

/** One type for an attribute name that several fields share. */
function mergeTypes(a: WeaverType, b: WeaverType): WeaverType {
  if (typeof a !== 'string' && typeof b !== 'string') {
    const values = [...a.members.map((m) => m.value)];
    for (const m of b.members) if (!values.includes(m.value)) values.push(m.value);
    return enumOf(values);
  }
  const name = (t: WeaverType): string => (typeof t === 'string' ? t : typeof t.members[0]?.value === 'number' ? 'int' : 'string');
  const na = name(a);
  const nb = name(b);
  if (na === nb) return na === 'string' || na === 'int' ? na : a;
  const pair = new Set([na, nb]);
  if (pair.has('int') && pair.has('double') && pair.size === 2) return 'double';
  if (pair.has('int[]') && pair.has('double[]') && pair.size === 2) return 'double[]';
  return na.startsWith('template[') || nb.startsWith('template[') ? 'template[any]' : 'any';
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const ENVELOPE_IDS: ReadonlySet<string> = new Set(ENVELOPE.map((e) => e.id));

/**
 * The catalog as a Weaver registry: a manifest and three files,
 * `factline.yaml` (the envelope attributes), `<catalog>.payload.yaml`
 * (every payload attribute, once) and `<catalog>.events.yaml` (one `event`
 * group per event name). Pure data; deterministic for a catalog.
 * Rules: docs/catalog.md, "Weaver registry".
 *
 * @example
 * const { manifest, files } = weaverRegistry(catalog);
 * // files['shop.events.yaml'].groups[0].name === 'shop.order.placed'
 */
export function weaverRegistry(catalog: Catalog, options: WeaverExportOptions = {}): WeaverRegistry {
  const name = catalog.name;
  const schemaUrl = options.schemaUrl ?? `https://example.com/schemas/${encodeURIComponent(name)}/1.0.0`;
  const types = catalog.list();
  const uses = new Map<string, { type: EventTypeInfo; use: FieldUse }[]>();
  const perType = new Map<string, FieldUse[]>();
  for (const t of types) {
    const list = fieldUses(catalog.jsonSchema(t.id)!).filter((u) => !ENVELOPE_IDS.has(u.id));
    perType.set(t.id, list);
    for (const use of list) {
      const all = uses.get(use.id) ?? [];
      all.push({ type: t, use });
      uses.set(use.id, all);
    }
  }

  const payloadAttributes: WeaverAttribute[] = [...uses.keys()].sort(compareText).map((id) => {
    const all = uses.get(id)!;
    const type = all.map((x) => x.use.type).reduce((a, b) => mergeTypes(a, b));
    const described = all.find((x) => x.use.description !== undefined)?.use.description;
    const ids = all.map((x) => x.type.id);
    const notes = all.filter((x) => x.use.note !== undefined).map((x) => `${x.type.id}: ${x.use.note}`);
    const examples = all.find((x) => x.use.examples !== undefined)?.use.examples;
    const a: WeaverAttribute = {
      id,
      type,
      stability: 'development',
      brief: described ?? `Payload field "${id}" of ${ids.join(', ')}.`,
      ...(notes.length > 0 ? { note: notes.join('\n') } : {}),
      ...(examples !== undefined ? { examples } : {}),
      annotations: { factline: { event_ids: ids, ...(all.some((x) => x.use.pii !== undefined) ? { pii: 'hash' } : {}) } },
    };
    return a;
  });

  const byName = new Map<string, EventTypeInfo[]>();
  for (const t of types) byName.set(t.name, [...(byName.get(t.name) ?? []), t]);
  const events: WeaverGroup[] = [...byName.keys()].sort(compareText).map((eventName) => {
    const versions = byName.get(eventName)!.sort((a, b) => a.version - b.version);
    const newest = versions.at(-1)!;
    const refs: WeaverAttributeRef[] = [];
    for (const e of ENVELOPE) {
      if (e.id === ATTR.EVENT_WIRE_NAME) {
        const differing = versions.filter((v) => v.wireName !== v.name);
        if (differing.length === 0) continue;
        refs.push({
          ref: e.id,
          requirement_level: differing.length === versions.length ? 'required' : { conditionally_required: `on ${differing.map((v) => v.id).join(', ')}` },
          note: differing.map((v) => `${v.id}: ${JSON.stringify(v.wireName)}`).join('\n'),
        });
        continue;
      }
      refs.push({ ref: e.id, requirement_level: e.level });
    }
    const fields = new Map<string, { required: string[]; present: string[] }>();
    for (const v of versions) {
      for (const u of perType.get(v.id)!) {
        const f = fields.get(u.id) ?? { required: [], present: [] };
        f.present.push(v.id);
        if (u.required) f.required.push(v.id);
        fields.set(u.id, f);
      }
    }
    for (const id of [...fields.keys()].sort(compareText)) {
      const f = fields.get(id)!;
      const everywhere = f.present.length === versions.length;
      let level: WeaverAttributeRef['requirement_level'];
      if (f.required.length === versions.length) level = { conditionally_required: REQUIRED_ON_SPAN_EVENT };
      else if (f.required.length > 0) level = { conditionally_required: `${REQUIRED_ON_SPAN_EVENT}; required by ${f.required.join(', ')}` };
      else level = 'recommended';
      refs.push({ ref: id, requirement_level: level, ...(!everywhere ? { note: `only in ${f.present.join(', ')}` } : {}) });
    }
    const deprecated = versions.filter((v) => v.deprecated);
    const group: WeaverGroup = {
      id: `event.${eventName}`,
      type: 'event',
      name: eventName,
      brief: newest.description ?? `The ${eventName} event.`,
      note: versions
        .map(
          (v) =>
            `${v.id}: severity ${v.severity}, wire name ${JSON.stringify(v.wireName)}${v.deprecated ? `, deprecated${v.deprecatedNote !== undefined ? ` (${v.deprecatedNote})` : ''}` : ''}${v.tags.length > 0 ? `, tags ${v.tags.join(', ')}` : ''}`,
        )
        .join('\n'),
      stability: 'development',
      ...(deprecated.length === versions.length
        ? { deprecated: { reason: 'uncategorized' as const, note: deprecated.map((v) => `${v.id}: ${v.deprecatedNote ?? 'deprecated'}`).join('; ') } }
        : {}),
      attributes: refs,
      annotations: {
        factline: {
          event_ids: versions.map((v) => v.id),
          severity: Object.fromEntries(versions.map((v) => [v.id, v.severity])),
          wire_name: Object.fromEntries(versions.map((v) => [v.id, v.wireName])),
        },
      },
    };
    return group;
  });

  return {
    manifest: {
      schema_url: schemaUrl,
      description: `The factline catalog "${name}": its events (one per event name, every version listed) and their attributes, as factline puts them on OpenTelemetry log records and span events (docs/mapping.md). Generated by factline catalog export --format weaver; do not edit.`,
      stability: 'development',
    },
    files: {
      'factline.yaml': {
        groups: [
          {
            id: 'registry.factline',
            type: 'attribute_group',
            brief: "The attributes of factline's envelope, on every log record and span event of every catalog (docs/mapping.md).",
            attributes: ENVELOPE.map((e) => ({
              id: e.id,
              type: e.type,
              stability: 'development' as const,
              brief: e.brief,
              ...(e.examples ? { examples: e.examples } : {}),
            })),
          },
        ],
      },
      [`${name}.payload.yaml`]: {
        groups: [
          {
            id: `registry.${name}.payload`,
            type: 'attribute_group',
            brief: `The payload fields of catalog "${name}" as span event attributes (docs/mapping.md, "The span event").`,
            attributes: payloadAttributes,
          },
        ],
      },
      [`${name}.events.yaml`]: { groups: events },
      ...options.extraFiles,
    },
  };
}
