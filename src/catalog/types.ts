import type { AnyValueMap } from '../otel/logs-api.js';
import type { ATTR } from '../wire.js';
import type { z } from 'zod';
import type { Severity } from '../envelope/severity.js';
import type { PiiAction, PiiRule } from './pii.js';

export type { PiiAction } from './pii.js';

/**
 * The long form of a catalog entry. The short form is the zod schema alone.
 *
 * @example
 * defineCatalog({
 *   'auth.user.login:1': {
 *     schema: z.object({ user_id: z.string(), email: z.string() }),
 *     description: 'A user signed in.',
 *     pii: { email: 'hash' },
 *   },
 * });
 */
export interface EventDefinition<S extends z.ZodType = z.ZodType> {
  /** The payload schema. Objects are the norm: the payload becomes the log body. */
  schema: S;
  /** One sentence that says what fact the event records. */
  description?: string;
  /** Overrides the severity derived from the action (`docs/mapping.md`). */
  severity?: Severity;
  /**
   * Personal-data fields, by path, and what to do with them before the event
   * leaves the process: `hash` replaces the value by
   * `hmac-sha256:<hex>` (HMAC-SHA-256 keyed with the emitter's `piiKey`),
   * `drop` removes it. A path is a field (`email`), a nested field
   * (`contact.phone`) or every element of an array (`items[].email`,
   * `tags[]`). Every path is checked against `schema` by `defineCatalog`: one
   * the schema does not have is a `CatalogError` naming it. Applied to the
   * copy sent to sinks; the caller's object is never changed
   * (`docs/mapping.md`, "Personal data").
   */
  pii?: Record<string, PiiAction>;
  /**
   * The name this event has on the wire when it is not the EventID's
   * `domain.entity.action` (Intent's `event_type`, for example).
   */
  wireName?: string;
  /**
   * A payload field that carries a domain trace key (`TRACE-015`). When set,
   * the key is mapped to a W3C trace id (`docs/mapping.md`).
   */
  traceKeyField?: string;
  /** Free-form tags for tools and dashboards. */
  tags?: readonly string[];
  /**
   * Marks a type that is on its way out: it stays in the catalog and in the
   * lock (`factline catalog check` passes), and the first `emit` of it in
   * each emitter reports `FACTLINE_EVENT_DEPRECATED`. `true`, or a sentence
   * naming what to emit instead (`'emit shop.order.placed:2'`).
   * `docs/catalog.md`, "Deprecating an event".
   */
  deprecated?: boolean | string;
}

export type CatalogEntry = z.ZodType | EventDefinition;

/** Schema of an entry in either form. */
export type SchemaOf<E> = E extends EventDefinition<infer S> ? S : E extends z.ZodType ? E : never;

/**
 * Everything factline needs about one event type, computed once when the
 * catalog is defined (per-type work once, per-event work only what differs), never on `emit`.
 */
export interface EventTypeInfo {
  /** `auth.user.login:1` */
  readonly id: string;
  /** `auth.user.login`: the OpenTelemetry event name. */
  readonly name: string;
  readonly domain: string;
  readonly entity: string;
  readonly action: string;
  readonly version: number;
  readonly schema: z.ZodType;
  readonly description: string | undefined;
  readonly severity: Severity;
  readonly wireName: string;
  readonly pii: Readonly<Record<string, PiiAction>> | undefined;
  /** The `pii` rules compiled against the schema, or undefined when the type has none. */
  readonly piiRules: readonly PiiRule[] | undefined;
  readonly traceKeyField: string | undefined;
  readonly tags: readonly string[];
  /** Whether the entry is marked `deprecated` (see {@link EventDefinition.deprecated}). */
  readonly deprecated: boolean;
  /** The entry's `deprecated` sentence, when it gave one. */
  readonly deprecatedNote: string | undefined;
  /** Name of the catalog that defined it. */
  readonly catalog: string;
  /** The constant attributes of every log record of this type. */
  readonly attributes: Readonly<EventTypeAttributes>;
}

/**
 * The constant attributes of every log record and span event of one event
 * type, keyed by their attribute names (`docs/mapping.md`): the EventID and
 * its parts, the catalog, and the wire name when it differs from the event
 * name.
 */
export interface EventTypeAttributes extends AnyValueMap {
  readonly [ATTR.EVENT_ID]: string;
  readonly [ATTR.EVENT_DOMAIN]: string;
  readonly [ATTR.EVENT_ENTITY]: string;
  readonly [ATTR.EVENT_ACTION]: string;
  readonly [ATTR.EVENT_VERSION]: number;
  readonly [ATTR.CATALOG]: string;
  readonly [ATTR.EVENT_WIRE_NAME]?: string;
}

/** A catalog as plain data, for tools and agents (`factline catalog --json`). */
export interface CatalogDescription {
  name: string;
  events: {
    id: string;
    name: string;
    version: number;
    wire_name: string;
    severity: Severity;
    description?: string;
    pii?: Record<string, PiiAction>;
    tags?: string[];
    /** `true`, or the entry's sentence naming what to emit instead. */
    deprecated?: true | string;
    json_schema: Record<string, unknown>;
  }[];
}
