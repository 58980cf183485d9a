import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createJsonlSink } from '../../../src/sinks/jsonl/index.js';
import { tempDir } from '../support/drive.js';

const WRITER = new URL('./jsonl-writer.mjs', import.meta.url).pathname;

function writer(path: string) {
  const child = spawn(process.execPath, [WRITER, path], { stdio: ['pipe', 'pipe', 'inherit'] });
  const firstLine = new Promise<string>((resolve) => {
    let buf = '';
    child.stdout!.on('data', (c: Buffer) => {
      buf += c.toString('utf8');
      if (buf.includes('\n')) resolve(buf.slice(0, buf.indexOf('\n')));
    });
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  return { child, firstLine, exited };
}

describe('two processes on one events file', () => {
  it('refuses the second writer at set-up, naming the file and the process that holds it', async () => {
    const path = join(tempDir('two-writers'), 'events.jsonl');
    const other = writer(path);
    expect(await other.firstLine).toBe(`holding ${other.child.pid}`);
    expect(() => createJsonlSink({ path })).toThrow(`the events file ${path} is locked by process ${other.child.pid} on`);
    other.child.stdin!.end();
    expect(await other.exited).toBe(0);

    // The other way round: this process holds it, the other is refused.
    const mine = createJsonlSink({ path });
    const refused = writer(path);
    expect(await refused.firstLine).toMatch(new RegExp(`^refused factline: the events file ${path} is locked by process ${process.pid} on .*: one writer per events file`));
    expect(await refused.exited).toBe(3);
    await mine.shutdown();
  });

  it('lets a new process take over the lock of one that was killed (SIGKILL)', async () => {
    const path = join(tempDir('killed-writer'), 'events.jsonl');
    const killed = writer(path);
    await killed.firstLine;
    killed.child.kill('SIGKILL');
    await killed.exited;
    const next = createJsonlSink({ path });
    expect(next.stats().path).toBe(path);
    await next.shutdown();
  });
});
