import type { LokiQueryResponse } from '../../src/query/index.js';

/*
 * How two answers to one query are compared (parity.test.ts,
 * conformance.test.ts): result type, labels, values, timestamps and order,
 * with the allowances those suites describe.
 */

const UNKNOWABLE = 'observed_timestamp';

function withoutUnknowable(labels: Record<string, string>): Record<string, string> {
  const out = { ...labels };
  delete out[UNKNOWABLE];
  return out;
}

const key = (l: Record<string, string>) => JSON.stringify(Object.entries(l).sort(([a], [b]) => (a < b ? -1 : 1)));

function close(a: string, b: string): boolean {
  if (a === b) return true;
  const x = Number(a);
  const y = Number(b);
  if (Number.isNaN(x) || Number.isNaN(y)) return false;
  return Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(x), Math.abs(y));
}

const RANKING = /\b(topk|bottomk|sort|sort_desc)\s*(by|without)?\s*\(/;

type Vector = { metric: Record<string, string>; value: [number, string] }[];

/** For ranking queries: the same values in the same order, and the same series wherever no tie decides. */
function rankingDifference(loki: Vector, local: Vector, ordered: boolean, boundary?: string): string | undefined {
  if (loki.length !== local.length) return `${local.length} samples, Loki ${loki.length}`;
  const values = (v: Vector) => v.map((s) => Number(s.value[1]));
  const a = values(loki);
  const b = values(local);
  const sortedA = ordered ? a : [...a].sort((x, y) => x - y);
  const sortedB = ordered ? b : [...b].sort((x, y) => x - y);
  if (sortedA.some((x, i) => !close(String(x), String(sortedB[i])))) return `values ${JSON.stringify(b)}, Loki ${JSON.stringify(a)}`;
  const byValue = (v: Vector) => {
    const m = new Map<string, string[]>();
    for (const s of v) m.set(s.value[1], [...(m.get(s.value[1]) ?? []), key(s.metric)].sort());
    return m;
  };
  const ma = byValue(loki);
  const mb = byValue(local);
  for (const [v, series] of ma) {
    // The series at the cut-off value of topk / bottomk are Loki's arbitrary pick among equals.
    if (v === boundary) continue;
    if (JSON.stringify(series) !== JSON.stringify(mb.get(v))) return `series with value ${v}: ${JSON.stringify(mb.get(v))}, Loki ${JSON.stringify(series)}`;
  }
  return undefined;
}

/** Why two answers differ, or undefined when they agree. */
export function difference(loki: LokiQueryResponse['data'], local: LokiQueryResponse['data'], query = ''): string | undefined {
  if (loki.resultType !== local.resultType) return `result type ${local.resultType}, Loki ${loki.resultType}`;
  const ranking = RANKING.exec(query);
  if (ranking !== null && loki.resultType === 'vector' && local.resultType === 'vector') {
    const op = ranking[1]!;
    // sort / sort_desc order the whole vector; topk / bottomk results are ordered by labels.
    if (op === 'sort' || op === 'sort_desc') return rankingDifference(loki.result, local.result, true);
    const values = loki.result.map((s) => Number(s.value[1]));
    const cut = op === 'topk' ? Math.min(...values) : Math.max(...values);
    const boundary = loki.result.find((s) => Number(s.value[1]) === cut)?.value[1];
    return rankingDifference(loki.result, local.result, false, boundary);
  }
  if (ranking !== null && loki.resultType === 'matrix' && local.resultType === 'matrix') {
    const perStep = (r: typeof loki.result) => {
      const m = new Map<number, number[]>();
      for (const s of r)
        for (const [t, v] of s.values)
          m.set(
            t,
            [...(m.get(t) ?? []), Number(v)].sort((x, y) => x - y),
          );
      return JSON.stringify([...m].sort(([x], [y]) => x - y));
    };
    return perStep(loki.result) === perStep(local.result)
      ? undefined
      : `values per step ${perStep(local.result).slice(0, 500)}, Loki ${perStep(loki.result).slice(0, 500)}`;
  }
  if (loki.resultType === 'streams' && local.resultType === 'streams') {
    const split = loki.result.some((s) => UNKNOWABLE in s.stream) || local.result.some((s) => UNKNOWABLE in s.stream);
    if (!split) {
      if (loki.result.length !== local.result.length) return `${local.result.length} streams, Loki ${loki.result.length}`;
      for (let i = 0; i < loki.result.length; i++) {
        const a = loki.result[i]!;
        const b = local.result[i]!;
        if (key(a.stream) !== key(b.stream)) return `stream ${i}: labels ${key(b.stream)}, Loki ${key(a.stream)}`;
        if (JSON.stringify(a.values) !== JSON.stringify(b.values))
          return `stream ${i} ${key(a.stream)}: values ${JSON.stringify(b.values).slice(0, 400)}, Loki ${JSON.stringify(a.values).slice(0, 400)}`;
      }
      return undefined;
    }
    const entries = (r: typeof loki.result) => r.flatMap((s) => s.values.map((v) => JSON.stringify([v[0], key(withoutUnknowable(s.stream)), v[1]]))).sort();
    const a = entries(loki.result);
    const b = entries(local.result);
    if (a.length !== b.length) return `${b.length} entries, Loki ${a.length}`;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return `entry ${i}: ${b[i]!.slice(0, 600)}, Loki ${a[i]!.slice(0, 600)}`;
    return undefined;
  }
  if (loki.resultType === 'scalar' && local.resultType === 'scalar') {
    return loki.result[0] === local.result[0] && close(loki.result[1], local.result[1])
      ? undefined
      : `${JSON.stringify(local.result)}, Loki ${JSON.stringify(loki.result)}`;
  }
  if (loki.resultType === 'vector' && local.resultType === 'vector') {
    if (loki.result.length !== local.result.length)
      return `${local.result.length} samples ${JSON.stringify(local.result).slice(0, 600)}, Loki ${loki.result.length} ${JSON.stringify(loki.result).slice(0, 600)}`;
    for (let i = 0; i < loki.result.length; i++) {
      const a = loki.result[i]!;
      const b = local.result[i]!;
      if (key(withoutUnknowable(a.metric)) !== key(withoutUnknowable(b.metric))) return `sample ${i}: ${key(b.metric)}, Loki ${key(a.metric)}`;
      if (a.value[0] !== b.value[0] || !close(a.value[1], b.value[1]))
        return `sample ${i} ${key(a.metric)}: ${JSON.stringify(b.value)}, Loki ${JSON.stringify(a.value)}`;
    }
    return undefined;
  }
  if (loki.resultType === 'matrix' && local.resultType === 'matrix') {
    if (loki.result.length !== local.result.length)
      return `${local.result.length} series, Loki ${loki.result.length}: ${JSON.stringify(loki.result.map((s) => s.metric)).slice(0, 600)}`;
    for (let i = 0; i < loki.result.length; i++) {
      const a = loki.result[i]!;
      const b = local.result[i]!;
      if (key(a.metric) !== key(b.metric)) return `series ${i}: ${key(b.metric)}, Loki ${key(a.metric)}`;
      if (a.values.length !== b.values.length || a.values.some((v, k) => v[0] !== b.values[k]![0] || !close(v[1], b.values[k]![1]))) {
        return `series ${i} ${key(a.metric)}: ${JSON.stringify(b.values).slice(0, 500)}, Loki ${JSON.stringify(a.values).slice(0, 500)}`;
      }
    }
    return undefined;
  }
  return 'unexpected result type';
}
