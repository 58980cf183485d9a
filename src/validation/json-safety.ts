import type { ValidationIssue } from '../envelope/issue.js';

/** Keys that can reach an object's prototype when a payload is copied or merged. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Deepest nesting accepted; deeper payloads are reported as `too_deep`. */
export const MAX_DEPTH = 64;

export interface SafetyReport {
  issues: ValidationIssue[];
  /** True when a value relies on `toJSON` (a Date, say): the JSON form differs from the object. */
  usesToJson: boolean;
  /**
   * An upper bound of the payload's JSON size in UTF-8 bytes, found during
   * the same pass (a string counts 6 bytes per UTF-16 unit, the worst case of
   * `\uXXXX` escapes), so the exact size is computed only when it can matter.
   * `Infinity` when a `toJSON` value makes it unknowable.
   */
  maxBytes: number;
}

function isPlain(o: object): boolean {
  const p = Object.getPrototypeOf(o);
  return p === Object.prototype || p === null;
}

/**
 * Finds every value that JSON (and so OTLP, Loki and `events.jsonl`) cannot
 * carry faithfully: cycles, BigInt, NaN and ±Infinity (JSON would write
 * `null`), functions and symbols (JSON would drop them), Map/Set/class
 * instances without `toJSON` (JSON would write `{}`), keys that can pollute a
 * prototype, and nesting beyond `MAX_DEPTH`. One pass over the payload.
 *
 * @example
 * checkJsonSafety({ n: NaN }).issues[0].code; // 'non_finite_number'
 */
export function checkJsonSafety(payload: unknown): SafetyReport {
  const report: SafetyReport = { issues: [], usesToJson: false, maxBytes: 0 };
  const ancestors: object[] = [];
  const path: (string | number)[] = [];
  const add = (code: ValidationIssue['code'], message: string) =>
    report.issues.push({ code, path: [...path], message });

  const visit = (v: unknown): void => {
    switch (typeof v) {
      case 'string':
        report.maxBytes += v.length * 6 + 3;
        return;
      case 'boolean':
      case 'undefined':
        report.maxBytes += 6;
        return;
      case 'number':
        report.maxBytes += 25;
        if (!Number.isFinite(v)) add('non_finite_number', `${v} is not a finite number; JSON would turn it into null`);
        return;
      case 'bigint':
        add('bigint', `BigInt ${v}n cannot be written as JSON; pass a string or a number`);
        return;
      case 'function':
        add('function', `a function cannot be written as JSON`);
        return;
      case 'symbol':
        add('symbol', `a symbol cannot be written as JSON`);
        return;
    }
    if (v === null) {
      report.maxBytes += 5;
      return;
    }
    const o = v as object;
    report.maxBytes += 2;
    if (ancestors.includes(o)) {
      add('cyclic_reference', 'cyclic reference: this object contains itself');
      return;
    }
    if (ancestors.length >= MAX_DEPTH) {
      add('too_deep', `nested deeper than ${MAX_DEPTH} levels`);
      return;
    }
    if (Array.isArray(o)) {
      ancestors.push(o);
      report.maxBytes += o.length;
      for (let i = 0; i < o.length; i++) {
        path.push(i);
        visit(o[i]);
        path.pop();
      }
      ancestors.pop();
      return;
    }
    if (!isPlain(o)) {
      if (typeof (o as { toJSON?: unknown }).toJSON === 'function') {
        report.usesToJson = true;
        report.maxBytes = Infinity;
        return;
      }
      const kind = o.constructor?.name ?? 'object';
      add('unsupported_value', `a ${kind} cannot be written as JSON faithfully; convert it to a plain object, array or string`);
      return;
    }
    ancestors.push(o);
    for (const k of Object.keys(o)) {
      path.push(k);
      report.maxBytes += k.length * 6 + 4;
      if (FORBIDDEN_KEYS.has(k)) add('forbidden_key', `the key "${k}" is not allowed: it can reach an object's prototype`);
      visit((o as Record<string, unknown>)[k]);
      path.pop();
    }
    ancestors.pop();
  };
  visit(payload);
  return report;
}

/**
 * A JSON-safe copy of a payload that failed `checkJsonSafety`, for `report`
 * mode: every value JSON cannot carry is replaced by a string marker that
 * says what was there (`"[factline: BigInt 12n]"`), so the event can still be
 * delivered, flagged invalid. The caller's object is not touched.
 * The markers are documented in `docs/mapping.md`.
 */
export function toJsonSafeCopy(payload: unknown): unknown {
  const ancestors: object[] = [];
  const copy = (v: unknown): unknown => {
    switch (typeof v) {
      case 'number':
        return Number.isFinite(v) ? v : `[factline: ${v}]`;
      case 'bigint':
        return `[factline: BigInt ${v}n]`;
      case 'function':
        return `[factline: function ${(v as { name?: string }).name || 'anonymous'}]`;
      case 'symbol':
        return `[factline: ${String(v)}]`;
      case 'object':
        break;
      default:
        return v;
    }
    if (v === null) return null;
    const o = v as object;
    if (ancestors.includes(o)) return '[factline: cyclic reference]';
    if (ancestors.length >= MAX_DEPTH) return '[factline: too deep]';
    if (!Array.isArray(o) && !isPlain(o)) {
      if (typeof (o as { toJSON?: unknown }).toJSON === 'function') return (o as { toJSON(): unknown }).toJSON();
      return `[factline: ${o.constructor?.name ?? 'object'}]`;
    }
    ancestors.push(o);
    let out: unknown;
    if (Array.isArray(o)) out = o.map(copy);
    else {
      // A null-prototype object: an own "__proto__" key stays an ordinary key.
      const r: Record<string, unknown> = Object.create(null);
      for (const k of Object.keys(o)) r[k] = copy((o as Record<string, unknown>)[k]);
      out = r;
    }
    ancestors.pop();
    return out;
  };
  return copy(payload);
}
