/**
 * `--catalog <module path>[#export]`: the catalog a command reads, either the
 * built-in `intent` or a user's JS/TS module exporting a catalog.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Catalog } from '../catalog/define.js';
import { intentCatalog } from '../intent/catalog.js';
import { UsageError } from './options.js';
import { type BUILT_IN_CATALOG_NAMES, dataFileAsCatalog } from './catalog-help.js';

/** The built-in catalogs, by name. */
export const BUILT_IN_CATALOGS: Readonly<Record<(typeof BUILT_IN_CATALOG_NAMES)[number], Catalog>> = { intent: intentCatalog as unknown as Catalog };

export { CATALOG_HELP, dataFileAsCatalog } from './catalog-help.js';

function isCatalog(v: unknown): v is Catalog {
  const c = v as Partial<Catalog> | null;
  return (
    typeof c === 'object' &&
    c !== null &&
    typeof c.name === 'string' &&
    typeof c.get === 'function' &&
    typeof c.list === 'function' &&
    typeof c.describe === 'function'
  );
}

/**
 * Loads the catalog `spec` names: a built-in name, or `PATH[#EXPORT]`
 * resolved from the working directory.
 *
 * @throws UsageError naming the fix when `spec` names a data file
 *   ({@link dataFileAsCatalog}), or the module is missing, fails to load, or
 *   its export is not a catalog made by `defineCatalog`.
 *
 * @example
 * await loadCatalog('./dist/catalog.js#catalog');
 * await loadCatalog('intent');
 */
export async function loadCatalog(spec: string): Promise<Catalog> {
  if (Object.hasOwn(BUILT_IN_CATALOGS, spec)) return BUILT_IN_CATALOGS[spec as keyof typeof BUILT_IN_CATALOGS];
  const hash = spec.lastIndexOf('#');
  const path = hash >= 0 ? spec.slice(0, hash) : spec;
  const name = hash >= 0 ? spec.slice(hash + 1) : undefined;
  const data = dataFileAsCatalog(spec);
  if (data !== undefined) throw new UsageError(data);
  if (path === '')
    throw new UsageError(`--catalog needs a module path or a built-in name (${Object.keys(BUILT_IN_CATALOGS).join(', ')}), got ${JSON.stringify(spec)}`);
  const file = resolve(path);
  if (!existsSync(file)) {
    const looksLikeName = !/[/\\.]/.test(path);
    throw new UsageError(
      looksLikeName
        ? `--catalog ${JSON.stringify(spec)}: no built-in catalog of that name (built in: ${Object.keys(BUILT_IN_CATALOGS).join(', ')}) and no file ${file}`
        : `--catalog ${JSON.stringify(spec)}: no such file ${file}`,
    );
  }
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (e) {
    const m = (e as Error).message;
    const ts = /\.[cm]?ts$/.test(file) && /Unknown file extension|ERR_UNKNOWN_FILE_EXTENSION/.test(m + String((e as { code?: string }).code));
    throw new UsageError(
      `--catalog ${JSON.stringify(spec)}: cannot load ${file}: ${ts ? 'this Node cannot load TypeScript; build the module to .js, or run with Node 22.6+ (type stripping) or tsx' : m}`,
    );
  }
  const candidates = name !== undefined ? [name] : ['catalog', 'default'];
  for (const c of candidates) {
    const v = mod[c];
    if (isCatalog(v)) return v;
    if (name !== undefined) {
      throw new UsageError(
        v === undefined
          ? `--catalog ${JSON.stringify(spec)}: ${file} has no export "${name}"; it exports ${Object.keys(mod).join(', ') || 'nothing'}`
          : `--catalog ${JSON.stringify(spec)}: the export "${name}" of ${file} is not a catalog; export the result of defineCatalog(...)`,
      );
    }
  }
  const found = Object.entries(mod)
    .filter(([, v]) => isCatalog(v))
    .map(([k]) => k);
  throw new UsageError(
    `--catalog ${JSON.stringify(spec)}: ${file} exports no "catalog" or default catalog${found.length > 0 ? `; name one: ${found.map((k) => `${path}#${k}`).join(', ')}` : '; export the result of defineCatalog(...)'}`,
  );
}
