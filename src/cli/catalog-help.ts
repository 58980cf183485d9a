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
