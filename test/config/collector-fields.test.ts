import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ENVELOPE_FIELDS, type EnvelopeField } from '../../src/envelope/fields.js';
import { LOKI_EVENT_NAME_ATTR } from '../../src/wire.js';

/*
 * collector-config/otel-collector.yaml maps an events.jsonl line onto the
 * log record the SDK would have sent for the same event (receivers.file_log,
 * the `factline_*` operators, and processors.transform/file). This test reads
 * the config as YAML and holds that mapping to ENVELOPE_FIELDS both ways:
 * every field reaches the record part and the attributes the table gives it
 * (with the type fix-ups an int or a JSON-text attribute needs), an attribute
 * the table says a line cannot carry is not invented, and every operator of
 * the route, every body field it reads and every attribute any processor
 * names belongs to the table. It checks the config's text, not the
 * Collector's behaviour: test/integration/pipeline-files.test.ts runs the
 * real Collector over real lines.
 */

interface Operator {
  id: string;
  type: string;
  if?: string;
  from?: string;
  to?: string;
  field?: string;
  value?: unknown;
  parse_from?: string;
  parse_to?: string;
  regex?: string;
  trace_id?: { parse_from?: string };
  span_id?: { parse_from?: string };
  output?: string;
}

interface Config {
  receivers: { file_log: { operators: Operator[] } };
  processors: Record<string, { log_statements?: { statements: string[] }[] }>;
  service: { pipelines: Record<string, { processors: string[] }> };
}

const CONFIG = fileURLToPath(new URL('../../collector-config/otel-collector.yaml', import.meta.url));
const config = parse(readFileSync(CONFIG, 'utf8')) as Config;
const operators = config.receivers.file_log.operators;
/** The route of factline's own lines (the router sends `event_id` lines to `factline_time`). */
const route = operators.filter((o) => o.id.startsWith('factline_'));
const statements = (processor: string): string[] => (config.processors[processor]?.log_statements ?? []).flatMap((s) => s.statements);
const fileStatements = statements('transform/file');
const fields: readonly EnvelopeField[] = ENVELOPE_FIELDS;
const attr = (name: string): string => `attributes["${name}"]`;

/** Every operator of the route that the table accounts for, by id. */
const claimed = new Set<string>();
function claim(o: Operator | undefined, what: string): Operator {
  expect(o, `otel-collector.yaml has no file_log operator for ${what}`).toBeDefined();
  claimed.add(o!.id);
  return o!;
}
const moveFrom = (from: string): Operator | undefined => route.find((o) => o.type === 'move' && o.from === from);
/** The regex_parser of a field, and where it puts its groups. */
const regexOf = (f: EnvelopeField): Operator | undefined => route.find((o) => o.type === 'regex_parser' && o.parse_from === `body.${f.name}`);

describe('collector-config/otel-collector.yaml against ENVELOPE_FIELDS', () => {
  it('routes factline lines (those with event_id) to the factline_* operators', () => {
    expect(route.length).toBeGreaterThan(10);
    const router = operators.find((o) => o.type === 'router') as unknown as { routes: { expr: string; output: string }[] };
    expect(router.routes).toContainEqual({ expr: 'type(body) == "map" and body.event_id != nil', output: route[0]!.id });
  });

  for (const f of fields) {
    describe(`field ${f.name}`, () => {
      if (f.record !== undefined) {
        it(`fills the record's ${f.record} as the SDK does`, () => {
          const body = `body.${f.name}`;
          switch (f.record) {
            case 'Timestamp':
              claim(
                route.find((o) => o.type === 'time_parser' && o.parse_from === body),
                `${f.name} -> Timestamp`,
              );
              break;
            case 'Severity':
              claim(
                route.find((o) => o.type === 'severity_parser' && o.parse_from === body),
                `${f.name} -> Severity`,
              );
              break;
            case 'TraceId':
              claim(
                route.find((o) => o.type === 'trace_parser' && o.trace_id?.parse_from === body),
                `${f.name} -> TraceId`,
              );
              break;
            case 'SpanId':
              claim(
                route.find((o) => o.type === 'trace_parser' && o.span_id?.parse_from === body),
                `${f.name} -> SpanId`,
              );
              break;
            case 'service.name':
              expect(claim(moveFrom(body), `${f.name} -> resource service.name`).to).toBe('resource["service.name"]');
              break;
            case 'Body': {
              // Stashed; a null one: the body removed (empty, as the SDK path sends it), by an operator without an output of
              // its own (an operator whose condition is false passes the entry to its output: `end` would skip the rest);
              // else the rest of the body removed, then the stash moved back as the whole body.
              const stash = claim(moveFrom(body), `${f.name} -> Body`);
              const empty = claim(
                route.find((o) => o.type === 'remove' && o.field === 'body' && o.if === `"${f.name}" in body and ${body} == nil`),
                `a null ${f.name} -> empty Body`,
              );
              expect(empty.output).toBeUndefined();
              expect(route.indexOf(empty)).toBe(route.indexOf(stash) + 1);
              claim(
                route.find((o) => o.type === 'remove' && o.field === 'body' && o !== empty),
                'clearing the body',
              );
              claim(
                route.find((o) => o.type === 'move' && o.from === stash.to && o.to === 'body'),
                `${f.name} -> Body`,
              );
              break;
            }
            case 'EventName': {
              // The name group goes to the event_name attribute; transform/event_name lifts it into the EventName.
              const regex = claim(regexOf(f), `${f.name} -> EventName`);
              expect(claim(moveFrom(`${regex.parse_to}.name`), `${f.name} -> event_name`).to).toBe(attr(LOKI_EVENT_NAME_ATTR));
              expect(statements('transform/event_name')).toContain(
                `set(log.event_name, log.attributes["${LOKI_EVENT_NAME_ATTR}"]) where log.event_name == "" and log.attributes["${LOKI_EVENT_NAME_ATTR}"] != nil`,
              );
              expect(config.service.pipelines['logs/file']!.processors).toContain('transform/event_name');
              break;
            }
            case 'ObservedTimestamp':
              // The Collector stamps the time it reads the line; the field stays in the file.
              expect(route.filter((o) => JSON.stringify(o).includes(`body.${f.name}`))).toEqual([]);
              break;
            default:
              throw new Error(`no check for the record part ${String(f.record)}`);
          }
        });
      }

      for (const a of f.attributes) {
        it(`${a.fromFile ? 'sets' : 'does not invent'} ${a.name}${a.fromFile ? ` (${a.type}) from the line's ${f.name}` : ''}`, () => {
          const writers = route.filter((o) => o.to === attr(a.name) || o.field === attr(a.name));
          if (!a.fromFile) {
            expect(writers).toEqual([]);
            return;
          }
          expect(writers, `one operator sets ${a.name}`).toHaveLength(1);
          const w = claim(writers[0], a.name);
          if (a.from === '') expect(w).toMatchObject({ type: 'move', from: `body.${f.name}` });
          else if (a.from.startsWith('member:')) expect(w).toMatchObject({ type: 'move', from: `body.${f.name}.${a.from.slice('member:'.length)}` });
          else if (a.from.startsWith('json:')) expect(w).toMatchObject({ type: 'move', from: `body.${f.name}.${a.from.slice('json:'.length)}` });
          else if (a.from === 'false') {
            expect(w).toMatchObject({ type: 'add', value: false });
            expect(w.if).toContain(`body.${f.name}`);
          } else if (a.from.startsWith('group:')) {
            const group = a.from.slice('group:'.length);
            const regex = claim(regexOf(f), `the EventID grammar of ${f.name}`);
            expect(regex.regex).toContain(`(?P<${group}>`);
            expect(w).toMatchObject({ type: 'move', from: `${regex.parse_to}.${group}` });
          } else throw new Error(`no check for from '${a.from}' of ${a.name}`);
          // The line's value gets the SDK's type: a regex capture is a string, the SDK's int an int.
          const a_ = `log.attributes["${a.name}"]`;
          if (a.type === 'int') expect(fileStatements).toContain(`set(${a_}, Int(${a_})) where ${a_} != nil`);
          if (a.from.startsWith('json:')) expect(fileStatements).toContain(`set(${a_}, String(${a_})) where IsList(${a_})`);
        });
      }
    });
  }

  describe('and nothing the table does not name', () => {
    const tableAttributes = new Set<string>(fields.flatMap((f) => f.attributes.map((a) => a.name)));

    it('every factline_* operator carries a field of the table', () => {
      // Runs after the per-field tests above (vitest runs a file's tests in order).
      expect(route.map((o) => o.id).filter((id) => !claimed.has(id))).toEqual([]);
    });

    it("every body field the route reads is a field of the table (or the EventID's parsed groups)", () => {
      const names = new Set<string>(fields.map((f) => f.name));
      const parsed = new Set(route.filter((o) => o.type === 'regex_parser').map((o) => o.parse_to!.slice('body.'.length)));
      for (const o of route) {
        for (const m of JSON.stringify(o).matchAll(/\bbody\.([a-z_]+)/g)) {
          expect(names.has(m[1]!) || parsed.has(m[1]!), `${o.id} reads body.${m[1]}`).toBe(true);
        }
      }
    });

    it('every attribute an operator sets or a processor names is an attribute of the table, or event_name', () => {
      const stash = moveFrom('body.payload')?.to;
      const named = new Set<string>();
      for (const o of operators) for (const m of JSON.stringify(o).matchAll(/attributes\[\\"([^"\\]+)\\"\]/g)) named.add(m[1]!);
      for (const name of Object.keys(config.processors))
        for (const s of statements(name)) for (const m of s.matchAll(/attributes\["([^"]+)"\]/g)) named.add(m[1]!);
      const unknown = [...named].filter((n) => !tableAttributes.has(n) && n !== LOKI_EVENT_NAME_ATTR && attr(n) !== stash);
      expect(unknown).toEqual([]);
      expect(named.size).toBeGreaterThan(15);
    });
  });
});
