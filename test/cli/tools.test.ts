import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadTool, missingToolPackage, TOOL_PACKAGES, ToolMissingError } from '../../src/cli/tools.js';

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
  it.each(TOOL_PACKAGES.map((p) => [p]))('says to install @factline/tools when %s is missing', async (name) => {
    const specifier = name === '@modelcontextprotocol/sdk' ? '@modelcontextprotocol/sdk/server/mcp.js' : name;
    const error = await loadTool('query-runner', importing(specifier)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ToolMissingError);
    expect((error as ToolMissingError).packageName).toBe(name);
    expect((error as Error).message).toContain('npm install -D @factline/tools');
    expect((error as Error).message).toContain(`npm install ${name}`);
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
