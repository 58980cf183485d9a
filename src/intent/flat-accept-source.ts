import type { z } from 'zod';
import { intentCatalog } from './catalog.js';
import { Timestamp } from './ids.js';

/*
 * The source of `flat-accept.generated.ts`: each Intent type's accept of a
 * parsed flat line, written out as plain code from the catalog's zod
 * schemas, so that `factline validate` checks Intent's valid lines without
 * loading zod (zod's import alone costs it more than a third of the time
 * it takes to check a file of 200,000 lines).
 *
 * It writes only what zod checks for the schema kinds Intent uses (strict
 * objects; strings with a regex, a date-time format or a length; numbers
 * with bounds or `int`; enums; arrays; optional fields; records of unknown
 * values) and throws on any other kind or check, so a catalog change that
 * it cannot follow fails `npm run generate:intent-accept` and the drift
 * test rather than accepting what zod rejects. An accept answers "zod
 * accepts, and the full check (`checkIntentRecord`) finds nothing"; false
 * sends the line to the full check, which says why.
 */

interface Internals {
  traits: Set<string>;
  values?: Set<unknown>;
  optin?: string;
  optout?: string;
  def: {
    type: string;
    checks?: z.ZodType[];
    check?: string;
    format?: string;
    pattern?: RegExp;
    value?: unknown;
    inclusive?: boolean;
    minimum?: number;
    maximum?: number;
    coerce?: boolean;
    shape?: Record<string, z.ZodType>;
    catchall?: z.ZodType;
    element?: z.ZodType;
    innerType?: z.ZodType;
    keyType?: z.ZodType;
    valueType?: z.ZodType;
    mode?: string;
  };
}
const zi = (s: z.ZodType): Internals => (s as unknown as { _zod: Internals })._zod;

/** An expression in parentheses when it has an operator of its own (as Biome keeps them). */
const paren = (e: string): string => (/ (&&|\|\|) /.test(e) ? `(${e})` : e);
/** The negation of an expression, parenthesised as Biome writes it. */
const not = (e: string): string => `!${/^[\w.]+\([^()]*\)$/.test(e) || e === 'true' ? e : `(${e})`}`;

/** A string as a single-quoted literal, as Biome writes it. */
function quote(s: string): string {
  if (!/^[\x20-\x7e]*$/.test(s)) throw new Error(`${JSON.stringify(s)} is not printable ASCII: not generated`);
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

class Writer {
  readonly consts: string[] = [];
  private readonly regexes = new Map<string, string>();
  /** Whether some schema holds values no type test covers (a record's or \`unknown\`'s), which its accept walks (isCleanParsedJson). */
  walks = false;

  regex(r: RegExp): string {
    if (r.flags.includes('g') || r.flags.includes('y')) throw new Error(`a stateful regex (${String(r)}) is not generated`);
    const literal = `/${r.source}/${r.flags}`;
    let name = this.regexes.get(literal);
    if (name === undefined) {
      name = `RE_${this.regexes.size}`;
      this.regexes.set(literal, name);
      const line = `const ${name} = ${literal};`;
      // As Biome formats it: a literal too long for the line goes on the next.
      this.consts.push(line.length > 160 ? `const ${name} =\n  ${literal};` : line);
    }
    return name;
  }

  set(values: Set<unknown>): string {
    for (const v of values)
      if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') throw new Error(`enum value ${String(v)} is not generated`);
    const name = `SET_${this.consts.length}`;
    this.consts.push(`const ${name}: ReadonlySet<unknown> = new Set([${[...values].map((v) => (typeof v === 'string' ? quote(v) : String(v))).join(', ')}]);`);
    return name;
  }

  /** Each of the schema's checks as an expression over `x`, after its type test. */
  checks(schema: z.ZodType, x: string): string[] {
    const out: string[] = [];
    const z0 = zi(schema);
    for (const c of [...(z0.traits.has('$ZodCheck') ? [schema] : []), ...(z0.def.checks ?? [])]) {
      const d = zi(c).def;
      switch (d.check) {
        case 'string_format':
          // zod's `.regex()` and its date-time format test the pattern alone.
          if ((d.format !== 'regex' && d.format !== 'datetime') || !(d.pattern instanceof RegExp))
            throw new Error(`string format ${d.format} is not generated`);
          out.push(`${this.regex(d.pattern)}.test(${x})`);
          break;
        case 'min_length':
          out.push(`${x}.length >= ${d.minimum}`);
          break;
        case 'max_length':
          out.push(`${x}.length <= ${d.maximum}`);
          break;
        case 'greater_than':
          out.push(`${x} ${d.inclusive === true ? '>=' : '>'} ${JSON.stringify(d.value)}`);
          break;
        case 'less_than':
          out.push(`${x} ${d.inclusive === true ? '<=' : '<'} ${JSON.stringify(d.value)}`);
          break;
        case 'number_format':
          if (d.format !== 'safeint') throw new Error(`number format ${d.format} is not generated`);
          out.push(`Number.isSafeInteger(${x})`);
          break;
        default:
          throw new Error(`check ${d.check} is not generated`);
      }
    }
    return out;
  }

  /** An expression true only when zod accepts the value `x` for `schema` (present). */
  test(schema: z.ZodType, x: string, depth: number): string {
    const z0 = zi(schema);
    const d = z0.def;
    if (d.coerce === true) throw new Error('a coercing schema is not generated');
    const all = (parts: string[]): string => parts.join(' && ');
    switch (d.type) {
      case 'string':
        return all([`typeof ${x} === 'string'`, ...this.checks(schema, x)]);
      case 'number':
        return all([`typeof ${x} === 'number'`, `${x} - ${x} === 0`, ...this.checks(schema, x)]);
      case 'boolean':
        return all([`typeof ${x} === 'boolean'`, ...this.checks(schema, x)]);
      case 'enum':
        if (z0.values === undefined) throw new Error('an enum without values is not generated');
        return all([`${this.set(z0.values)}.has(${x})`, ...this.checks(schema, x)]);
      case 'unknown':
      case 'any':
        // A value of any kind: walked for what no type test covers (lone surrogates, forbidden keys, non-finite numbers, depth), at its depth in the payload.
        this.walks = true;
        return `isCleanParsedJson(${x}, ${depth + 1})`;
      case 'optional': {
        if ((d.checks?.length ?? 0) > 0 || d.innerType === undefined || zi(d.innerType).optin === 'defaulted')
          throw new Error('an optional with a default is not generated');
        return `${x} === undefined || ${paren(this.test(d.innerType, x, depth))}`;
      }
      case 'array': {
        if (d.element === undefined) throw new Error('an array without element is not generated');
        const e = `e${depth}`;
        return all([`Array.isArray(${x})`, `${x}.every((${e}: unknown) => ${this.test(d.element, e, depth + 1)})`, ...this.checks(schema, x)]);
      }
      case 'record': {
        // Keys read as zod's record reads a plain object's own keys; values of any type: the walk checks them.
        const k = d.keyType === undefined ? undefined : zi(d.keyType);
        const v = d.valueType === undefined ? undefined : zi(d.valueType).def.type;
        if (k?.def.type !== 'string' || (k.def.checks?.length ?? 0) > 0 || k.values !== undefined || (v !== 'unknown' && v !== 'any') || d.mode === 'loose') {
          throw new Error('a record other than z.record(z.string(), z.unknown()) is not generated');
        }
        this.walks = true;
        return `isPlainObject(${x}) && isCleanParsedJson(${x}, ${depth + 1})`;
      }
      default:
        throw new Error(`schema type ${d.type} is not generated`);
    }
  }
}

/** The `accept` function of one type's strict object schema, `event_type` and `timestamp` allowed beside its fields. */
function acceptOf(w: Writer, name: string, schema: z.ZodType): string {
  const d = zi(schema).def;
  if (d.type !== 'object' || d.catchall === undefined || zi(d.catchall).def.type !== 'never' || (d.checks?.length ?? 0) > 0) {
    throw new Error(`${name}: only a strict object with no refinement is generated`);
  }
  const shape = d.shape ?? {};
  const lines = [
    `function ${name}(v: Record<string, unknown>): boolean {`,
    '  let x: unknown;',
    '  // event_type and timestamp, checked by the caller',
    '  let present = 2;',
  ];
  for (const key of Object.keys(shape)) {
    if (key === 'event_type' || key === 'timestamp' || key in Object.prototype || key === 'prototype' || key === '__proto__')
      throw new Error(`${name}: field ${key} is not generated`);
    const s = shape[key]!;
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) throw new Error(`${name}: field ${JSON.stringify(key)} is not an identifier: not generated`);
    const k = quote(key);
    // zod's rule for an absent key: it passes when the schema is optional-in and optional-out (or accepts undefined).
    const absentOk = zi(s).optin !== undefined && zi(s).optout === 'optional';
    lines.push(`  x = v.${key};`);
    lines.push(`  if (x === undefined && !(${k} in v)) ${absentOk ? '{' : 'return false;'}`);
    if (absentOk) lines.push('    // optional: absent is valid', '  } else {');
    else lines.push('  else {');
    lines.push('    present++;', `    if (${not(w.test(s, 'x', 0))}) return false;`, '  }');
  }
  lines.push(
    '  // A strict object: any key beyond these is an unknown key.',
    '  let keys = 0;',
    '  for (const _ in v) keys++;',
    '  return keys === present;',
    '}',
  );
  return lines.join('\n');
}

/**
 * The text of `src/intent/flat-accept.generated.ts` for the Intent catalog
 * as it is now. `npm run generate:intent-accept` writes it; a test compares.
 *
 * @throws when a schema uses a kind or check this generator does not write.
 */
export function intentFlatAcceptSource(): string {
  const w = new Writer();
  const fns: string[] = [];
  const byLength = new Map<number, string[]>();
  for (const t of intentCatalog.list()) {
    const name = `accept_${t.wireName.replace(/[^A-Za-z0-9]/g, '_')}`;
    fns.push(acceptOf(w, name, t.schema));
    const same = byLength.get(t.wireName.length) ?? [];
    same.push(`      if (eventType === ${quote(t.wireName)}) return ${name};`);
    byLength.set(t.wireName.length, same);
  }
  const cases = [...byLength.entries()].sort(([a], [b]) => a - b).map(([n, tests]) => [`    case ${n}:`, ...tests, '      return undefined;'].join('\n'));
  const ts = zi(Timestamp).def;
  if (ts.check !== 'string_format' || !(ts.pattern instanceof RegExp)) throw new Error('Timestamp is not a date-time format: not generated');
  const timestamp = w.regex(ts.pattern);
  return `// Generated from the Intent catalog's zod schemas by src/intent/flat-accept-source.ts
// (npm run generate:intent-accept); test/intent/flat-accept.test.ts fails when it drifts. Do not edit.
${w.walks ? "import { isCleanParsedJson } from '../validation/clean-json.js';\n" : ''}import { commonUtcTimeOn, isCommonUtcTime } from './utc-time.js';

${w.consts.join('\n')}

function isPlainObject(v: unknown): boolean {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

${fns.join('\n\n')}

/** The common UTC form on the date of the last such timestamp found valid (none yet: undefined): later ones on that date pass by it alone. */
let onAcceptedDate: RegExp | undefined;

/** Intent's \`Timestamp\` (its pattern) that \`Date\` can read, as \`isIsoTimestamp\` checks it. */
export function isTimestamp(t: string): boolean {
  if (onAcceptedDate?.test(t)) return true;
  const ok = ${timestamp}.test(t) && !Number.isNaN(Date.parse(t));
  if (ok && isCommonUtcTime(t)) onAcceptedDate = commonUtcTimeOn(t.slice(0, 10));
  return ok;
}

/**
 * Each Intent \`event_type\`'s accept of its parsed flat line (undefined for
 * another name), found by the name's length, then the name: the
 * \`event_type\` of each line is a new string, which a Map would hash.
 */
export function acceptOf(eventType: string): ((v: Record<string, unknown>) => boolean) | undefined {
  switch (eventType.length) {
${cases.join('\n')}
    default:
      return undefined;
  }
}
`;
}
