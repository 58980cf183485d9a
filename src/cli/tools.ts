/*
 * factline's tools: the local LogQL engine (the LogQL parser
 * `@grafana/lezer-logql` with `@lezer/common` and `@lezer/lr`, and RE2 as
 * `re2js`), the MCP server (`@modelcontextprotocol/sdk`) and the Weaver
 * export (`yaml`). A service that only emits events runs none of them, so
 * they are optional peer dependencies of `factline`. `packages/tools/` packs
 * them with the `factline` command as `@factline/tools`, which is not on the
 * npm registry yet: so the messages name the packages themselves, with
 * versions inside factline's peer ranges (`npm install -D
 * @grafana/lezer-logql@0.3.0 @lezer/common@1 ...`), a command that works
 * today. Everything that uses them is loaded through `loadTool`, which turns
 * a missing package into a `ToolMissingError` that says what to install.
 */

/** The optional packages behind the tools. */
export const TOOL_PACKAGES = ['@grafana/lezer-logql', '@lezer/common', '@lezer/lr', 're2js', '@modelcontextprotocol/sdk', 'yaml'] as const;

/**
 * Each tool package as `npm install` is told to take it: the major of its
 * peer range (`^1.5.5` → `@1`, so no shell reads a `^`), or the exact
 * version a range pins. A test holds these to package.json's peer ranges.
 */
export const TOOL_PACKAGE_SPECS: Readonly<Record<(typeof TOOL_PACKAGES)[number], string>> = {
  '@grafana/lezer-logql': '@grafana/lezer-logql@0.3.0',
  '@lezer/common': '@lezer/common@1',
  '@lezer/lr': '@lezer/lr@1',
  re2js: 're2js@2',
  '@modelcontextprotocol/sdk': '@modelcontextprotocol/sdk@1',
  yaml: 'yaml@2',
};

const ENGINE_PACKAGES = ['@grafana/lezer-logql', '@lezer/common', '@lezer/lr', 're2js'] as const;

/** The packages each tool needs (the MCP server queries with the local engine). */
export const TOOL_NEEDS: Readonly<Record<ToolName, readonly (typeof TOOL_PACKAGES)[number][]>> = {
  'query-runner': ENGINE_PACKAGES,
  mcp: ['@modelcontextprotocol/sdk', ...ENGINE_PACKAGES],
  'mcp-command': ['@modelcontextprotocol/sdk', ...ENGINE_PACKAGES],
  'catalog-export': ['yaml'],
};

/**
 * The command that installs what `tool` needs, e.g.
 * `npm install -D @grafana/lezer-logql@0.3.0 @lezer/common@1 @lezer/lr@1 re2js@2`.
 *
 * @example
 * toolsInstallCommand('catalog-export'); // 'npm install -D yaml@2'
 */
export function toolsInstallCommand(tool: ToolName): string {
  return `npm install -D ${TOOL_NEEDS[tool].map((p) => TOOL_PACKAGE_SPECS[p]).join(' ')}`;
}

/*
 * The modules behind the tools, by name. Each import is written out so that
 * TypeScript types what loadTool returns and a bundler sees the module.
 */
const TOOLS = {
  /** The local LogQL engine and the Loki backend: `factline/query-runner`. */
  'query-runner': () => import('../query/index.js'),
  /** The MCP server: `factline/mcp`. */
  mcp: () => import('../mcp/index.js'),
  /** The `factline mcp` command (the MCP server over stdio). */
  'mcp-command': () => import('./mcp.js'),
  /** `factline catalog export --format weaver` (writes YAML with `yaml`). */
  'catalog-export': () => import('./catalog-export.js'),
};
export type ToolName = keyof typeof TOOLS;
export type Tool<K extends ToolName> = Awaited<ReturnType<(typeof TOOLS)[K]>>;

/** What each tool is called in a {@link ToolMissingError}'s message. */
const TOOL_TITLES: Record<ToolName, string> = {
  'query-runner': "factline's local LogQL engine",
  mcp: 'the MCP server',
  'mcp-command': 'the MCP server',
  'catalog-export': 'the Weaver registry export',
};

/** A tool's optional package is not installed. */
export class ToolMissingError extends Error {
  constructor(
    /** The package that is missing, e.g. `@grafana/lezer-logql`. */
    readonly packageName: string,
    /** What needed it, e.g. `query-runner`. */
    readonly tool: string,
    cause?: unknown,
  ) {
    const known = Object.hasOwn(TOOL_NEEDS, tool);
    super(
      `${TOOL_TITLES[tool as ToolName] ?? tool} needs ${packageName}, which is not installed: ${
        known ? toolsInstallCommand(tool as ToolName) : `npm install -D ${TOOL_PACKAGE_SPECS[packageName as (typeof TOOL_PACKAGES)[number]] ?? packageName}`
      }`,
      cause === undefined ? undefined : { cause },
    );
    this.name = 'ToolMissingError';
  }
}

/**
 * The optional package a module-loading error says is missing, when it is
 * one of {@link TOOL_PACKAGES}: Node's `ERR_MODULE_NOT_FOUND` ("Cannot find
 * package 'X' imported from ...") and `MODULE_NOT_FOUND` ("Cannot find
 * module 'X'").
 */
export function missingToolPackage(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') return undefined;
  const named = /Cannot find (?:package|module) '([^']+)'/.exec(String((e as Error).message))?.[1];
  if (named === undefined) return undefined;
  return TOOL_PACKAGES.find((p) => named === p || named.startsWith(`${p}/`));
}

/**
 * Loads one of factline's tools.
 *
 * @throws ToolMissingError when one of its optional packages is not installed (the message says what to install).
 * @example
 * const { createLocalBackend } = await loadTool('query-runner');
 * const { createFactlineMcpServer } = await loadTool('mcp');
 */
export async function loadTool<K extends ToolName>(name: K, load: () => Promise<Tool<K>> = TOOLS[name] as () => Promise<Tool<K>>): Promise<Tool<K>> {
  try {
    return await load();
  } catch (e) {
    const missing = missingToolPackage(e);
    if (missing !== undefined) throw new ToolMissingError(missing, name, e);
    throw e;
  }
}
