import { printable } from './printable.js';
import type { Catalog } from '../catalog/define.js';
import type { CliIo } from './io.js';
import { CATALOG_HELP, loadCatalog } from './catalog-option.js';
import { UsageError, parse } from './options.js';

export const CATALOG_COMMAND_HELP = `Usage: factline catalog [list | describe ID | schema ID] --catalog C [--json]

What a catalog lets a service (or an agent writing its code) emit, before any
code is written:

  list           every EventID with its severity and description (the default)
  describe ID    one event: description, severity, wire name, personal-data fields
                 (pii paths and their action), tags, JSON Schema
  schema ID      the payload's JSON Schema (draft 2020-12) alone, as JSON; in both,
                 a personal-data field carries "x-factline-pii": "hash" or "drop"

Options:
${CATALOG_HELP}
                    Without --catalog the built-in "intent" catalog is described, and
                    the command says so on stderr.
  --json         list and describe print JSON (the catalog's describe() shape)

Exit status: 0, 1 for an EventID the catalog does not define, 2 on usage errors.`;

/** The catalog of `--catalog`, or intent with a note on stderr. */
async function catalogFor(spec: string | undefined, io: CliIo, command: string): Promise<Catalog> {
  if (spec === undefined) {
    io.err(`factline ${command}: no --catalog given; using the built-in "intent" catalog (give --catalog ./catalog.js#catalog for your own)`);
    return loadCatalog('intent');
  }
  return loadCatalog(spec);
}

/**
 * `factline catalog`: list, describe or print the JSON Schema of a catalog's events.
 *
 * @example
 * await catalogCommand(['describe', 'auth.user.login:1', '--catalog', './dist/catalog.js#catalog'], processIo);
 */
export async function catalogCommand(args: string[], io: CliIo): Promise<number> {
  try {
    const { values, positionals } = parse(args, { catalog: { type: 'string' }, json: { type: 'boolean' } });
    const [action = 'list', id, ...extra] = positionals;
    if (extra.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(extra[0])}`);
    if (action !== 'list' && action !== 'describe' && action !== 'schema') throw new UsageError(`unknown action "${action}": list, describe ID or schema ID`);
    if (action === 'list' && id !== undefined) throw new UsageError(`list takes no ID (got ${JSON.stringify(id)}); did you mean describe ${id}?`);
    if (action !== 'list' && id === undefined) throw new UsageError(`${action} needs an EventID, e.g. ${action} auth.user.login:1`);
    const catalog = await catalogFor(values.catalog, io, 'catalog');
    const described = catalog.describe();
    if (action === 'list') {
      if (values.json) io.out(JSON.stringify(described));
      else {
        const w = Math.max(...described.events.map((e) => e.id.length), 7);
        io.out(`catalog "${described.name}": ${described.events.length} event${described.events.length === 1 ? '' : 's'}`);
        for (const e of described.events) io.out(printable(`${e.id.padEnd(w)}  ${e.severity.padEnd(5)}  ${e.description ?? ''}`.trimEnd()));
      }
      return 0;
    }
    const event = described.events.find((e) => e.id === id);
    if (event === undefined) {
      const near = catalog.find(`%${id!.split(':')[0]!.split('.').pop()}%`).map((t) => t.id);
      io.err(`factline catalog: "${id}" is not in catalog "${described.name}"${near.length > 0 ? `; did you mean ${near.slice(0, 5).join(', ')}?` : `; it has ${described.events.map((e) => e.id).join(', ')}`}`);
      return 1;
    }
    if (action === 'schema') {
      io.out(JSON.stringify(event.json_schema, null, 2));
      return 0;
    }
    if (values.json) {
      io.out(JSON.stringify(event));
      return 0;
    }
    io.out(`${event.id}  (${event.severity}${event.wire_name !== event.name ? `, wire name ${event.wire_name}` : ''})`);
    if (event.description) io.out(printable(event.description));
    if (event.pii) io.out(`personal data: ${Object.entries(event.pii).map(([k, v]) => `${k} (${v})`).join(', ')}`);
    if (event.tags && event.tags.length > 0) io.out(`tags: ${event.tags.join(', ')}`);
    io.out('payload JSON Schema:');
    io.out(JSON.stringify(event.json_schema, null, 2));
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`factline catalog: ${e.message}\n\n${CATALOG_COMMAND_HELP}`);
      return 2;
    }
    throw e;
  }
}
