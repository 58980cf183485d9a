/**
 * A query result in words, for any surface that answers with one: the MCP
 * tools' summaries and the CLI's tables name series the same way.
 */
import type { LabelSet, LokiQueryData } from '../query/types.js';
import { printable } from '../sinks/console/format.js';

/**
 * A series' labels as LogQL writes a selector, keys sorted, values JSON-quoted,
 * control characters escaped: `{event_name="a", service_name="api"}`; `{}` for none.
 *
 * @example
 * labelText({ service_name: 'api', event_name: 'a' }); // '{event_name="a", service_name="api"}'
 */
export function labelText(m: LabelSet): string {
  const keys = Object.keys(m).sort();
  return keys.length === 0 ? '{}' : printable(`{${keys.map((k) => `${k}=${JSON.stringify(m[k])}`).join(', ')}}`);
}

/**
 * One sentence that says what a result holds: "3 log lines in 2 streams",
 * "4 series; {…} = 12; …" (the five largest), "2 series, 10 points; last
 * values: …", "scalar 1".
 *
 * @example
 * summarizeResult({ resultType: 'streams', result: [] }); // '0 log lines in 0 streams'
 */
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
      return `${data.result.length} series, ${points} points; last values: ${data.result
        .slice(0, 5)
        .map((s) => `${labelText(s.metric)} = ${s.values[s.values.length - 1]?.[1] ?? 'none'}`)
        .join('; ')}${data.result.length > 5 ? '; …' : ''}`;
    }
    case 'scalar':
      return `scalar ${data.result[1]}`;
  }
}
