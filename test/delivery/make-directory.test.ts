import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { makeDirectory } from '../../src/delivery/make-directory.js';

/*
 * makeDirectory creates the spool, dead-letter, lock and events-file
 * directories one level at a time. Node's recursive mkdir never returns for
 * a path under /proc (it spins at full CPU, and set-up hung with it), so
 * that case runs in a child process with a time limit: a regression fails
 * instead of hanging the suite.
 */
const dir = mkdtempSync(join(tmpdir(), 'factline-mkdir-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('makeDirectory', () => {
  it('creates missing parents with the mode, and accepts a directory that exists', () => {
    const target = join(dir, 'a', 'b', 'c');
    makeDirectory(target, 0o700, 'spool directory');
    expect(statSync(target).isDirectory()).toBe(true);
    expect(statSync(join(dir, 'a')).mode & 0o777).toBe(0o700);
    expect(() => makeDirectory(target, 0o700, 'spool directory')).not.toThrow();
  });

  it('names the directory, the one that failed and the reason when a parent is a file', () => {
    writeFileSync(join(dir, 'file'), 'x');
    const err = (() => {
      try {
        makeDirectory(join(dir, 'file', 'sub', 'x'), 0o700, 'spool directory');
      } catch (e) {
        return e as NodeJS.ErrnoException;
      }
      return undefined;
    })();
    expect(err?.code).toBe('ENOTDIR');
    expect(err?.message).toContain(`cannot create the spool directory ${join(dir, 'file', 'sub', 'x')}: ENOTDIR at ${join(dir, 'file', 'sub')}`);
  });

  it.runIf(process.platform === 'linux')('fails at once under /proc instead of spinning', () => {
    // The module imports only node: built-ins, so its transpiled text runs as it is (Node 20 strips no types).
    const source = readFileSync(fileURLToPath(new URL('../../src/delivery/make-directory.ts', import.meta.url)), 'utf8');
    const module = join(dir, 'make-directory.mjs');
    writeFileSync(module, ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText);
    const script = `const { makeDirectory } = await import(${JSON.stringify(module)}); try { makeDirectory('/proc/nope/deeper', 0o700, 'events file directory'); console.log('created'); } catch (e) { console.log(e.code + ' ' + e.message); }`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
    expect(r.signal, 'the child did not finish within 30 s').toBeNull();
    expect(r.stdout).toMatch(/^ENOENT factline: cannot create the events file directory \/proc\/nope\/deeper: ENOENT at \/proc\/nope/);
  });
});
