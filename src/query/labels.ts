import type { LabelSet } from './types.js';

/*
 * Label sets as Loki orders and prints them: names sorted, `{a="x", b="y"}`
 * strings compared bytewise for streams, Prometheus' labels.Compare for series.
 */

/**
 * Sets label `name` on a plain label object. Loki's label names include
 * `__proto__` (`| json` on `{"__proto__":"x"}` gives `__proto__="x"`), which
 * an assignment would take as the object's prototype and lose; only that
 * name pays for `defineProperty`.
 *
 * @example
 * const labels: LabelSet = {};
 * putLabel(labels, '__proto__', 'x'); // Object.hasOwn(labels, '__proto__') === true
 */
export function putLabel(labels: Record<string, string>, name: string, value: string): void {
  if (name === '__proto__') Object.defineProperty(labels, name, { value, enumerable: true, writable: true, configurable: true });
  else labels[name] = value;
}

/**
 * Label `name`'s value, or undefined when `labels` has no such label: a
 * name like `constructor` or `toString` must not find Object.prototype's member.
 *
 * @example
 * ownLabel({}, 'toString'); // undefined
 */
export function ownLabel(labels: Readonly<Record<string, string>>, name: string): string | undefined {
  return Object.hasOwn(labels, name) ? labels[name] : undefined;
}

/** A copy with the names sorted (JSON output order). */
export function sortedLabels(labels: Record<string, string>): LabelSet {
  const out: LabelSet = {};
  for (const k of Object.keys(labels).sort(cmp)) putLabel(out, k, labels[k]!);
  return out;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Prometheus' `labels.String()`: `{a="x", b="y"}` with Go-quoted values. */
export function labelsString(labels: Record<string, string>): string {
  const names = Object.keys(labels).sort(cmp);
  return '{' + names.map((n) => `${n}=${goQuote(labels[n]!)}`).join(', ') + '}';
}

function goQuote(s: string): string {
  return JSON.stringify(s);
}

/** A key that identifies a label set. */
export function labelsKey(labels: Record<string, string>): string {
  const names = Object.keys(labels);
  if (names.length > 1) names.sort(cmp);
  let out = '';
  for (const n of names) out += n + '\u0000' + labels[n]! + '\u0001';
  return out;
}

/** Prometheus' `labels.Compare`. */
export function compareLabels(a: Record<string, string>, b: Record<string, string>): number {
  const an = Object.keys(a).sort(cmp);
  const bn = Object.keys(b).sort(cmp);
  const n = Math.min(an.length, bn.length);
  for (let i = 0; i < n; i++) {
    if (an[i] !== bn[i]) return an[i]! < bn[i]! ? -1 : 1;
    const av = a[an[i]!]!;
    const bv = b[bn[i]!]!;
    if (av !== bv) return av < bv ? -1 : 1;
  }
  return an.length - bn.length;
}
