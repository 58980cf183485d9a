import { readFileSync } from 'node:fs';
import { printable } from './printable.js';
import type { Catalog } from '../catalog/define.js';
import { missingEvent } from '../catalog/missing-event.js';
import { CatalogLockError, checkCatalog, formatCatalogLock, lockCatalog, type CatalogChange } from '../catalog/lock.js';
import { OutputFileError, writeOutputFile, type CliIo } from './io.js';
import { CATALOG_HELP, loadCatalog } from './catalog-option.js';
import { jsonError, UsageError, parse, wantsJson } from './options.js';
import { loadTool } from './tools.js';

export const CATALOG_COMMAND_HELP = `Usage: factline catalog [list | describe ID | schema ID] --catalog C [--json]
       factline catalog lock   --catalog C [--out FILE]
       factline catalog check  --catalog C [--lock FILE] [--update] [--json]
       factline catalog lint   --catalog C [--json]
       factline catalog export --catalog C --format weaver --out DIR [--schema-url URL]

What a catalog lets a service (or an agent writing its code) emit, before any
code is written:

  list           every EventID with its severity and description (the default)
  describe ID    one event: description, severity, wire name, personal-data fields
                 (pii paths and their action), tags, JSON Schema
  schema ID      the payload's JSON Schema (draft 2020-12) alone, as JSON; in both,
                 a personal-data field carries "x-factline-pii": "hash" or "drop"

The contract, pinned (docs/catalog.md):

  lock           write the catalog's lock: per EventID its wire name, severity,
                 payload JSON Schema, personal-data rules, tags and deprecated
                 flag, as canonical JSON (the same catalog gives the same bytes)
  check          compare the catalog with its lock; each breaking change is named
                 with its fix (a payload change is a new version: add X:2 beside :1).
                 New EventIDs and versions pass and are listed
  lint           warn about topics that hide several facts ({ field, value } on
                 *_updated, a type/kind enum that selects fields) and actions
                 that are not past tense
  export         write the catalog as an OpenTelemetry Weaver registry (manifest
                 and YAML) for weaver registry check / live-check / generate

Options:
${CATALOG_HELP}
                    Without --catalog the built-in "intent" catalog is used, and
                    the command says so on stderr.
  --json         list, describe, check and lint print JSON, errors too: one line
                 {"ok":false,"error":{"code":"lock_missing","message":"..."}} on
                 stdout (codes: usage, catalog_not_loaded, lock_missing,
                 lock_unreadable, lock_invalid, invalid_event_id, unknown_event)
  --out F        lock: the lock file (default catalog.lock.json); export: the directory
  --lock F       check: the lock file (default catalog.lock.json)
  --update       check: after reporting, rewrite the lock from the catalog (a
                 deliberate change); exits 0
  --format weaver   export: the format (weaver is the one there is)
  --schema-url U    export: the registry's schema URL, http[s]://host/path/<version>
                    (default https://example.com/schemas/<catalog>/1.0.0)

Exit status: 0; 1 for an EventID the catalog does not define (describe, schema)
or a breaking change (check); 2 on usage errors, a catalog that cannot be
loaded, a missing, unreadable or invalid lock.`;

/**
 * The stable codes of `factline catalog` errors, printed with `--json` as
 * `{"ok":false,"error":{"code","message"}}` on stdout: `usage` (arguments
 * and options), `catalog_not_loaded` (`--catalog` names no catalog),
 * `lock_missing`, `lock_unreadable`, `lock_invalid` (the lock of `check`),
 * `unwritable_file` (the lock of `lock` or `check --update`, the registry of
 * `export`, cannot be written), all exit 2; `invalid_event_id` and `unknown_event` (`describe`/`schema` of
 * an id that breaks the EventID grammar or that the catalog lacks), exit 1.
 */
export type CatalogErrorCode =
  | 'usage'
  | 'catalog_not_loaded'
  | 'lock_missing'
  | 'lock_unreadable'
  | 'lock_invalid'
  | 'unwritable_file'
  | 'invalid_event_id'
  | 'unknown_event';

/** A usage error of `factline catalog` with its {@link CatalogErrorCode}: exit 2. */
class CatalogUsageError extends UsageError {
  constructor(
    readonly code: CatalogErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Default lock file of `lock` and `check`. */
export const DEFAULT_LOCK_FILE = 'catalog.lock.json';

function lockAction(catalog: Catalog, out: string, io: CliIo): number {
  const lock = lockCatalog(catalog);
  writeOutputFile(out, formatCatalogLock(lock));
  io.out(`wrote ${out}: ${Object.keys(lock.events).length} EventIDs of catalog "${catalog.name}"`);
  return 0;
}

function readLock(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw code === 'ENOENT'
      ? new CatalogUsageError('lock_missing', `no lock file ${file}; write it with factline catalog lock --out ${file} (or give --lock FILE)`)
      : new CatalogUsageError('lock_unreadable', `cannot read the lock ${file}: ${(e as Error).message}`);
  }
}

function checkAction(catalog: Catalog, file: string, update: boolean, json: boolean, io: CliIo, withNotes: <T extends object>(answer: T) => T): number {
  const text = readLock(file);
  let result: ReturnType<typeof checkCatalog>;
  try {
    result = checkCatalog(catalog, text);
  } catch (e) {
    if (e instanceof CatalogLockError) throw new CatalogUsageError('lock_invalid', `${file}: ${e.message}`);
    throw e;
  }
  const updated = update && result.stale;
  if (updated) writeOutputFile(file, formatCatalogLock(lockCatalog(catalog)));
  if (json) {
    io.out(JSON.stringify(withNotes({ ...result, lock: file, ...(update ? { updated } : {}) })));
  } else {
    const list = (changes: CatalogChange[]): void => {
      for (const c of changes) io.out(printable(`  ${c.message}`));
    };
    if (result.breaking.length > 0) {
      io.out(
        `catalog "${catalog.name}" ${update ? 'changed' : 'breaks'} its lock ${file}: ${result.breaking.length} breaking change${result.breaking.length === 1 ? '' : 's'}${update ? ' (accepted by --update)' : ''}`,
      );
      list(result.breaking);
    }
    if (result.changes.length > 0) {
      io.out(`${result.changes.length} change${result.changes.length === 1 ? '' : 's'} that keep${result.changes.length === 1 ? 's' : ''} the contract:`);
      list(result.changes);
    }
    if (result.ok && result.changes.length === 0 && !result.stale) io.out(`catalog "${catalog.name}" matches its lock ${file}`);
    if (updated) io.out(`updated ${file}`);
    else if (!update && result.ok && result.stale) io.out(`the lock is out of date; run factline catalog check --update to record these changes`);
    else if (!update && !result.ok) io.out(`a deliberate change? run factline catalog check --update to accept it (docs/catalog.md)`);
  }
  return result.ok || update ? 0 : 1;
}

function lintAction(catalog: Catalog, json: boolean, io: CliIo, withNotes: <T extends object>(answer: T) => T): number {
  const warnings = catalog.lint();
  if (json) io.out(JSON.stringify(withNotes({ catalog: catalog.name, warnings })));
  else if (warnings.length === 0) io.out(`catalog "${catalog.name}": no lint warnings`);
  else {
    io.out(`catalog "${catalog.name}": ${warnings.length} warning${warnings.length === 1 ? '' : 's'}`);
    // The suggestion on a line of its own: each line escaped on its own (printable escapes a line break).
    for (const w of warnings) {
      io.out(printable(`  ${w.code}: ${w.message}`));
      if (w.suggestion !== undefined) io.out(printable(`    suggestion: ${w.suggestion}`));
    }
  }
  return 0;
}

/**
 * The catalog of `--catalog`, or intent with a note: on stderr, or with
 * `--json` pushed onto `notes`, which the JSON answer carries as its `notes`
 * member (JSON on stdout and nothing on stderr, docs/catalog.md).
 */
async function catalogFor(spec: string | undefined, io: CliIo, command: string, notes?: string[]): Promise<Catalog> {
  if (spec === undefined) {
    const note = 'no --catalog given; using the built-in "intent" catalog (give --catalog ./catalog.js#catalog for your own)';
    if (notes !== undefined) notes.push(note);
    else io.err(`factline ${command}: ${note}`);
    return loadCatalog('intent');
  }
  try {
    return await loadCatalog(spec);
  } catch (e) {
    throw e instanceof UsageError ? new CatalogUsageError('catalog_not_loaded', e.message) : e;
  }
}

/**
 * `factline catalog`: list, describe or print the JSON Schema of a catalog's events.
 *
 * @example
 * await catalogCommand(['describe', 'auth.user.login:1', '--catalog', './dist/catalog.js#catalog'], processIo);
 */
/**
 * @example
 * await catalogCommand(['check', '--catalog', './dist/catalog.js#catalog', '--lock', 'catalog.lock.json'], processIo); // 0, 1 or 2
 */
export async function catalogCommand(args: string[], io: CliIo): Promise<number> {
  const jsonMode = wantsJson(args);
  /** `catalog lock`, … once the action is known: what an error message names. */
  let command = 'catalog';
  // With --json the default-catalog note goes into the answer (`notes`), not on stderr: errors included.
  const notes: string[] | undefined = jsonMode ? [] : undefined;
  const withNotes = <T extends object>(answer: T): T | (T & { notes: string[] }) => (notes !== undefined && notes.length > 0 ? { ...answer, notes } : answer);
  try {
    const { values, positionals } = parse(args, {
      catalog: { type: 'string' },
      json: { type: 'boolean' },
      out: { type: 'string' },
      lock: { type: 'string' },
      update: { type: 'boolean' },
      format: { type: 'string' },
      'schema-url': { type: 'string' },
    });
    const [action = 'list', id, ...extra] = positionals;
    command = `catalog ${action}`;
    if (extra.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(extra[0])}`);
    const allowed: Record<string, readonly string[]> = {
      list: ['catalog', 'json'],
      describe: ['catalog', 'json'],
      schema: ['catalog', 'json'],
      lock: ['catalog', 'out'],
      check: ['catalog', 'lock', 'update', 'json'],
      lint: ['catalog', 'json'],
      export: ['catalog', 'format', 'out', 'schema-url'],
    };
    if (!Object.hasOwn(allowed, action)) throw new UsageError(`unknown action "${action}": list, describe ID, schema ID, lock, check, lint or export`);
    const stray = Object.keys(values).filter((k) => !allowed[action]!.includes(k));
    if (stray.length > 0) throw new UsageError(`${action} takes no --${stray[0]} (its options: ${allowed[action]!.map((o) => `--${o}`).join(', ')})`);
    if ((action === 'lock' || action === 'check' || action === 'lint' || action === 'export') && id !== undefined)
      throw new UsageError(`${action} takes no argument (got ${JSON.stringify(id)})`);
    if (action === 'lock') return lockAction(await catalogFor(values.catalog, io, 'catalog lock'), values.out ?? DEFAULT_LOCK_FILE, io);
    if (action === 'check')
      return checkAction(
        await catalogFor(values.catalog, io, 'catalog check', notes),
        values.lock ?? DEFAULT_LOCK_FILE,
        values.update === true,
        values.json === true,
        io,
        withNotes,
      );
    if (action === 'lint') return lintAction(await catalogFor(values.catalog, io, 'catalog lint', notes), values.json === true, io, withNotes);
    if (action === 'export') {
      if (values.format !== 'weaver')
        throw new UsageError(
          values.format === undefined ? 'export needs --format weaver' : `unknown --format ${JSON.stringify(values.format)}: weaver is the one there is`,
        );
      if (values.out === undefined || values.out === '') throw new UsageError('export needs --out DIR, the directory to write the registry to');
      const catalog = await catalogFor(values.catalog, io, 'catalog export');
      // The YAML writer is loaded only by this action.
      const { exportWeaverRegistry } = await loadTool('catalog-export');
      return exportWeaverRegistry(catalog, values.out, values['schema-url'], io);
    }
    if (action === 'list' && id !== undefined) throw new UsageError(`list takes no ID (got ${JSON.stringify(id)}); did you mean describe ${id}?`);
    if (action !== 'list' && id === undefined) throw new UsageError(`${action} needs an EventID, e.g. ${action} auth.user.login:1`);
    const catalog = await catalogFor(values.catalog, io, 'catalog', notes);
    const described = catalog.describe();
    if (action === 'list') {
      if (values.json) io.out(JSON.stringify(withNotes(described)));
      else {
        const w = Math.max(...described.events.map((e) => e.id.length), 7);
        io.out(`catalog "${described.name}": ${described.events.length} event${described.events.length === 1 ? '' : 's'}`);
        for (const e of described.events) io.out(printable(`${e.id.padEnd(w)}  ${e.severity.padEnd(5)}  ${e.description ?? ''}`.trimEnd()));
      }
      return 0;
    }
    const event = described.events.find((e) => e.id === id);
    if (event === undefined) {
      const missing = missingEvent(id, described.name);
      let message = missing.message;
      if (missing.code === 'unknown_event') {
        const near = catalog.find(`%${id!.split(':')[0]!.split('.').pop()}%`).map((t) => t.id);
        message += near.length > 0 ? `; did you mean ${near.slice(0, 5).join(', ')}?` : `; it has ${described.events.map((e) => e.id).join(', ')}`;
      }
      if (jsonMode) io.out(JSON.stringify(withNotes(JSON.parse(jsonError(missing.code, message)) as object)));
      else io.err(printable(`factline catalog: ${message}`));
      return 1;
    }
    if (action === 'schema') {
      // With --json and no --catalog the note is the schema's `$comment` (JSON Schema's keyword for notes to
      // readers, which validators ignore; a `notes` member fails a strict one); give --catalog for the schema alone.
      const schema = notes !== undefined && notes.length > 0 ? { ...event.json_schema, $comment: notes.join('\n') } : event.json_schema;
      io.out(JSON.stringify(schema, null, 2));
      return 0;
    }
    if (values.json) {
      io.out(JSON.stringify(withNotes(event)));
      return 0;
    }
    io.out(`${event.id}  (${event.severity}${event.wire_name !== event.name ? `, wire name ${event.wire_name}` : ''})`);
    if (event.description) io.out(printable(event.description));
    if (event.pii)
      io.out(
        `personal data: ${Object.entries(event.pii)
          .map(([k, v]) => `${k} (${v})`)
          .join(', ')}`,
      );
    if (event.tags && event.tags.length > 0) io.out(`tags: ${event.tags.join(', ')}`);
    io.out('payload JSON Schema:');
    io.out(JSON.stringify(event.json_schema, null, 2));
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      if (jsonMode) io.out(JSON.stringify(withNotes(JSON.parse(jsonError(e instanceof CatalogUsageError ? e.code : 'usage', e.message)) as object)));
      // A catalog or lock that cannot be loaded is not a misuse of the command: its message alone.
      else io.err(e instanceof CatalogUsageError ? `factline ${command}: ${e.message}` : `factline catalog: ${e.message}\n\n${CATALOG_COMMAND_HELP}`);
      return 2;
    }
    if (e instanceof OutputFileError) {
      // The lock (lock, check --update) or the registry (export) could not be written: exit 2, as for a lock that cannot be read.
      if (jsonMode) io.out(jsonError('unwritable_file', e.message));
      else io.err(`factline ${command}: ${e.message}`);
      return 2;
    }
    throw e;
  }
}
