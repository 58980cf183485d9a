/**
 * The help text of `--catalog`, apart from the catalogs themselves: a
 * command's help (and `factline validate` on Intent's lines) needs it
 * without loading a catalog, and with it zod.
 */

/** The names of the built-in catalogs (`catalog-option.ts` maps each to its catalog). */
export const BUILT_IN_CATALOG_NAMES = ['intent'] as const;

export const CATALOG_HELP = `  --catalog C       the catalog: a module exporting one, as PATH[#EXPORT]
                    (./catalog.js#catalog; without #EXPORT the module's "catalog"
                    export, else its default export), or a built-in name: ${BUILT_IN_CATALOG_NAMES.join(', ')}.
                    A .ts module needs a Node that strips types (22.6+) or tsx.`;

/** File endings of event files and other data, never of a catalog module. */
const DATA_FILE = /\.(jsonl|ndjson|json|log|txt|csv|gz)(\.\d+)?$/i;

/**
 * When `spec` names an events file (or other data) rather than a catalog
 * module, the sentence that says so; else undefined. A `--catalog` given
 * before the command's FILE takes the file as its value
 * (`factline validate --catalog events.jsonl`).
 *
 * @example
 * dataFileAsCatalog('events.jsonl'); // '--catalog "events.jsonl" names a data file, not a catalog: …'
 */
export function dataFileAsCatalog(spec: string): string | undefined {
  const hash = spec.lastIndexOf('#');
  const path = hash >= 0 ? spec.slice(0, hash) : spec;
  if (!DATA_FILE.test(path)) return undefined;
  return `--catalog ${JSON.stringify(spec)} names a data file, not a catalog: give a module exporting one (./catalog.js#catalog) or a built-in name (${BUILT_IN_CATALOG_NAMES.join(', ')}); the events file goes where the command reads events (validate's FILE, --file F)`;
}
