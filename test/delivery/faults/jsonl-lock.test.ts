import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createJsonlSink } from '../../../src/sinks/jsonl/index.js';
import { DurableLogRecordProcessor } from '../../../src/delivery/durable-log-record-processor.js';
import { createOtlpHttpTransport } from '../../../src/delivery/otlp-http-transport.js';
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
    expect(await refused.firstLine).toMatch(
      new RegExp(`^refused factline: the events file ${path} is locked by process ${process.pid} on .*: one writer per events file`),
    );
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

describe('a container restarted in place (same hostname, same pid, a new process)', () => {
  /** The lock an earlier incarnation left: proper-lockfile's fresh lock directory and an owner file naming this very pid. */
  function leftBehind(path: string, holder: Record<string, unknown>) {
    mkdirSync(`${path}.lock`, { recursive: true });
    writeFileSync(`${path}.lock-owner`, JSON.stringify({ pid: process.pid, hostname: hostname(), since: new Date().toISOString(), ...holder }) + '\n');
  }
  const ownStart = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ')[19]!;
  const bootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();

  it('takes over its own events file and spool at once when the holder had another start time or boot', async () => {
    for (const holder of [
      { start: String(Number(ownStart) - 1), boot: bootId },
      { start: ownStart, boot: '00000000-0000-0000-0000-000000000000' },
    ]) {
      const path = join(tempDir('restarted'), 'events.jsonl');
      leftBehind(path, holder);
      const sink = createJsonlSink({ path });
      // Taken: the owner file now names this process as it is.
      expect(JSON.parse(readFileSync(`${path}.lock-owner`, 'utf8'))).toMatchObject({ pid: process.pid, start: ownStart, boot: bootId });
      await sink.shutdown();

      const spool = tempDir('restarted-spool');
      leftBehind(join(spool, 'logs', 'spool'), holder);
      const processor = new DurableLogRecordProcessor(createOtlpHttpTransport({ url: 'http://127.0.0.1:9/v1/logs' }), { spool: { dir: spool } });
      await processor.shutdown();
    }
  });

  it('still refuses while the holder is this very process (same start time and boot)', async () => {
    const path = join(tempDir('self-held'), 'events.jsonl');
    const mine = createJsonlSink({ path });
    expect(() => createJsonlSink({ path })).toThrow(`the events file ${path} is locked by this process ${process.pid} on`);
    await mine.shutdown();
  });
});
