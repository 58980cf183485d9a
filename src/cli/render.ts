/**
 * Query results as text: log lines in the one-line text form, metric
 * results as a table, and a one-sentence summary (for the MCP tools).
 */
import type { FactlineEvent } from '../envelope/event.js';
import { SEVERITY_NUMBER, type Severity } from '../envelope/severity.js';
import { formatEventLine } from '../sinks/console/format.js';
import { printable } from './printable.js';
import type { LabelSet, LokiQueryData } from '../query/types.js';

const nsToIso = (ns: string): string => new Date(Number(BigInt(ns) / 1_000_000n)).toISOString();

function severityOf(labels: LabelSet): Severity {
  const s = (labels.severity_text ?? labels.detected_level ?? '').toUpperCase();
  if (Object.hasOwn(SEVERITY_NUMBER, s)) return s as Severity;
  return s === 'WARNING' ? 'WARN' : 'INFO';
}

/**
 * One log line in factline's one-line text form when it is a factline event
 * (an EventID label and a JSON object body), else `time labels line`.
 */
export function formatLogLine(ns: string, line: string, labels: LabelSet, color: boolean): string {
  const id = labels.factline_event_id;
  if (id !== undefined && line.startsWith('{')) {
    try {
      const payload = JSON.parse(line) as unknown;
      const event = { event_id: printable(id), time: nsToIso(ns), severity: severityOf(labels), payload } as FactlineEvent;
      return formatEventLine(event, { color });
    } catch {
      // not JSON after all: the plain form below
    }
  }
  return `${nsToIso(ns)} ${printable(line)}`;
}

/** Every log entry of a streams result, newest or oldest first as the engine ordered them across streams. */
export function logEntries(data: LokiQueryData, direction: 'forward' | 'backward' = 'backward'): { ns: string; line: string; labels: LabelSet }[] {
  if (data.resultType !== 'streams') return [];
  const all = data.result.flatMap((s) => s.values.map(([ns, line]) => ({ ns, line, labels: s.stream })));
  const cmp = (a: { ns: string }, b: { ns: string }) => (BigInt(a.ns) < BigInt(b.ns) ? -1 : BigInt(a.ns) > BigInt(b.ns) ? 1 : 0);
  return all.sort((a, b) => (direction === 'forward' ? cmp(a, b) : cmp(b, a)));
}

const labelText = (m: LabelSet) => {
  const keys = Object.keys(m).sort();
  return keys.length === 0 ? '{}' : printable(`{${keys.map((k) => `${k}=${JSON.stringify(m[k])}`).join(', ')}}`);
};

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd());
}

/**
 * The lines `factline query` prints for a result: log lines in the text form;
 * vectors as a `labels  value` table; matrices as `labels  time  value` rows;
 * a scalar as its value.
 */
export function renderResult(data: LokiQueryData, options: { color: boolean; direction?: 'forward' | 'backward' }): string[] {
  switch (data.resultType) {
    case 'streams':
      return logEntries(data, options.direction).map((e) => formatLogLine(e.ns, e.line, e.labels, options.color));
    case 'vector':
      if (data.result.length === 0) return [];
      return table([['SERIES', 'VALUE'], ...data.result.map((s) => [labelText(s.metric), s.value[1]])]);
    case 'matrix':
      if (data.result.length === 0) return [];
      return table([['SERIES', 'TIME', 'VALUE'], ...data.result.flatMap((s) => s.values.map(([t, v]) => [labelText(s.metric), new Date(t * 1000).toISOString(), v]))]);
    case 'scalar':
      return [data.result[1]];
  }
}

/** One sentence that says what a result holds: "3 log lines in 2 streams", "4 series; top: {…} = 12". */
export function summarizeResult(data: LokiQueryData): string {
  switch (data.resultType) {
    case 'streams': {
      const lines = data.result.reduce((a, s) => a + s.values.length, 0);
      return `${lines} log line${lines === 1 ? '' : 's'} in ${data.result.length} stream${data.result.length === 1 ? '' : 's'}`;
    }
    case 'vector': {
      if (data.result.length === 0) return 'no series (nothing matched in the range)';
      const top = [...data.result].sort((a, b) => Number(b.value[1]) - Number(a.value[1])).slice(0, 5);
      return `${data.result.length} series; ${top.map((s) => `${labelText(s.metric)} = ${s.value[1]}`).join('; ')}${data.result.length > 5 ? '; …' : ''}`;
    }
    case 'matrix': {
      if (data.result.length === 0) return 'no series (nothing matched in the range)';
      const points = data.result.reduce((a, s) => a + s.values.length, 0);
      return `${data.result.length} series, ${points} points; last values: ${data.result.slice(0, 5).map((s) => `${labelText(s.metric)} = ${s.values[s.values.length - 1]?.[1] ?? 'none'}`).join('; ')}${data.result.length > 5 ? '; …' : ''}`;
    }
    case 'scalar':
      return `scalar ${data.result[1]}`;
  }
}
