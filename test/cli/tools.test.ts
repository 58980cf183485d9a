import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadTool, missingToolPackage, TOOL_NEEDS, TOOL_PACKAGE_SPECS, TOOL_PACKAGES, ToolMissingError, toolsInstallCommand } from '../../src/cli/tools.js';

/*
 * The tools' packages are optional peers: a module that imports one where
 * it is not installed fails with Node's own ERR_MODULE_NOT_FOUND, which
 * loadTool turns into a message that says what to install. The modules
 * here sit in a temporary directory, outside any node_modules, so the
 * errors are Node's real ones.
 */
const dir = mkdtempSync(join(tmpdir(), 'factline-tools-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * A loader that fails as Node fails to import `specifier` from a directory
 * where it is not installed: the error's code and message are Node's own,
 * taken from a child process (the test runner resolves bare names itself).
 */
function importing(specifier: string): () => Promise<never> {
  const file = join(dir, `${specifier.replace(/\W/g, '_')}.mjs`);
  writeFileSync(file, `import ${JSON.stringify(specifier)};\n`);
  const script = `import(${JSON.stringify(pathToFileURL(file).href)}).then(() => console.log('{}'), (e) => console.log(JSON.stringify({ code: e.code, message: e.message })))`;
  const { code, message } = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: dir, encoding: 'utf8' })) as {
    code?: string;
    message?: string;
  };
  return () => Promise.reject(Object.assign(new Error(message), { code }));
}

describe('loadTool', () => {
  it.each(TOOL_PACKAGES.filter((p) => p !== 'yaml').map((p) => [p]))("says to install the engine's packages when %s is missing", async (name) => {
    const specifier = name === '@modelcontextprotocol/sdk' ? '@modelcontextprotocol/sdk/server/mcp.js' : name;
    const tool = name === '@modelcontextprotocol/sdk' ? 'mcp-command' : 'query-runner';
    const error = await loadTool(tool, importing(specifier)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ToolMissingError);
    expect((error as ToolMissingError).packageName).toBe(name);
    expect((error as Error).message).toBe(
      tool === 'query-runner'
        ? `factline's local LogQL engine needs ${name}, which is not installed: npm install -D @grafana/lezer-logql@0.3.0 @lezer/common@1 @lezer/lr@1 re2js@2`
        : `the MCP server needs ${name}, which is not installed: npm install -D @modelcontextprotocol/sdk@1 @grafana/lezer-logql@0.3.0 @lezer/common@1 @lezer/lr@1 re2js@2`,
    );
    // @factline/tools is not on the npm registry: no message may send a user there.
    expect((error as Error).message).not.toContain('@factline/tools');
  });

  it('says to install yaml for the Weaver export', async () => {
    const error = await loadTool('catalog-export', importing('yaml')).catch((e: unknown) => e);
    expect((error as Error).message).toBe('the Weaver registry export needs yaml, which is not installed: npm install -D yaml@2');
  });

  it("names each package with a version inside factline's peer range: its major, or the version the range pins", () => {
    const peers = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { peerDependencies: Record<string, string> })
      .peerDependencies;
    for (const name of TOOL_PACKAGES) {
      const range = peers[name]!;
      const caret = /^\^(\d+)\.\d+\.\d+$/.exec(range);
      expect(TOOL_PACKAGE_SPECS[name], `${name} ${range}`).toBe(caret ? `${name}@${caret[1]}` : `${name}@${range}`);
    }
    // Every tool package is installed by the command of some tool.
    expect(new Set(Object.values(TOOL_NEEDS).flat())).toEqual(new Set(TOOL_PACKAGES));
    expect(toolsInstallCommand('query-runner')).toBe('npm install -D @grafana/lezer-logql@0.3.0 @lezer/common@1 @lezer/lr@1 re2js@2');
  });

  it('passes any other failure through unchanged', async () => {
    const error = await loadTool('query-runner', importing('some-package-factline-never-names')).catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(ToolMissingError);
    expect(missingToolPackage(error)).toBeUndefined();
    expect((error as { code?: string }).code).toBe('ERR_MODULE_NOT_FOUND');
  });

  it('loads the tools where their packages are installed (this repository installs them)', async () => {
    const { createLocalBackend } = await loadTool('query-runner');
    expect(typeof createLocalBackend).toBe('function');
    const { createFactlineMcpServer } = await loadTool('mcp');
    expect(typeof createFactlineMcpServer).toBe('function');
    // The query engine's and the MCP server's module graphs compile on first import: slow on a loaded machine.
  }, 60_000);
});
