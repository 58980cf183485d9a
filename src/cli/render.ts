/**
 * Query results as `factline query` prints them: log lines in the one-line
 * text form, metric results as a table (the one-sentence summary the MCP tools
 * give is `summarizeResult` in src/history/result-text.ts).
 */
import type { FactlineEvent } from '../envelope/event.js';
import { SEVERITY_NUMBER, type Severity } from '../envelope/severity.js';
import { formatEventLine } from '../sinks/console/format.js';
import { labelText } from '../history/result-text.js';
import { printable } from './printable.js';
import type { LabelSet, LokiQueryData } from '../query/types.js';

const nsToIso = (ns: string): string => new Date(Number(BigInt(ns) / 1_000_000n)).toISOString();

function severityOf(labels: LabelSet): Severity {
  const s = (labels.severity_text ?? labels.detected_level ?? '').toUpperCase();
  if (Object.hasOwn(SEVERITY_NUMBER, s)) return s as Severity;
  return s === 'WARNING' ? 'WARN' : 'INFO';
}

/**
 * The payload a factline event's line renders: a JSON object or array is
 * its JSON, the empty line a null payload (an empty body), anything else
 * the text of a string or number body (Loki's line of a string body is the
 * string itself).
 */
function payloadOfLine(line: string): unknown {
  if (line === '') return null;
  if (line.startsWith('{') || line.startsWith('[')) {
    try {
      return JSON.parse(line) as unknown;
    } catch {
      // not JSON after all: the text itself
    }
  }
  return line;
}

/**
 * One log line in factline's one-line text form when it is a factline event
 * (it has an EventID label), whatever its payload (an object, an array, a
 * string, a number, null), as `tail` prints it; else `time line`.
 */
export function formatLogLine(ns: string, line: string, labels: LabelSet, color: boolean): string {
  const id = labels.factline_event_id;
  if (id !== undefined) {
    const event = { event_id: printable(id), time: nsToIso(ns), severity: severityOf(labels), payload: payloadOfLine(line) } as FactlineEvent;
    return formatEventLine(event, { color });
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

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd(),
  );
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
      return table([
        ['SERIES', 'TIME', 'VALUE'],
        ...data.result.flatMap((s) => s.values.map(([t, v]) => [labelText(s.metric), new Date(t * 1000).toISOString(), v])),
      ]);
    case 'scalar':
      return [data.result[1]];
  }
}
