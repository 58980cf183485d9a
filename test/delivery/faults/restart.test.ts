import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OtlpEndpoint } from '../support/otlp-endpoint.js';
import { tempDir } from '../support/drive.js';

const endpoint = await new OtlpEndpoint().start();
afterAll(() => endpoint.stop());

const CHILD = new URL('./child.mjs', import.meta.url).pathname;

function run(args: string[], env: NodeJS.ProcessEnv): { child: ChildProcess; lines: AsyncIterator<string>; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [CHILD, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  const queue: string[] = [];
  const waiters: ((s: string) => void)[] = [];
  let buf = '';
  child.stdout!.on('data', (c: Buffer) => {
    buf += c.toString('utf8');
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      const w = waiters.shift();
      if (w) w(line);
      else queue.push(line);
    }
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const lines: AsyncIterator<string> = {
    next: () =>
      queue.length > 0
        ? Promise.resolve({ value: queue.shift()!, done: false })
        : new Promise((resolve) => waiters.push((value) => resolve({ value, done: false }))),
  };
  return { child, lines, exited };
}

describe('the process killed (SIGKILL) mid-outage and started again on its spool', () => {
  it('delivers every event that reached the spool before the kill, after the restart', async () => {
    const spool = tempDir('restart');
    const idsFile = join(spool, '..', `${spool.split('/').pop()}-ids.txt`);
    await endpoint.down();
    const env = { OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: endpoint.url, FACTLINE_SPOOL_DIR: spool };

    const first = run(['emit', '20000', '5000', idsFile], env);
    const durable = (await first.lines.next()).value as string;
    expect(durable).toMatch(/^durable 20000 /);
    const atFlush = JSON.parse(durable.slice(durable.indexOf('{'))) as { spooled: number; delivered: number };
    expect(atFlush).toMatchObject({ spooled: 20000, delivered: 0 });
    await new Promise((r) => setTimeout(r, 500)); // still emitting, endpoint still down
    first.child.kill('SIGKILL');
    await first.exited;

    await endpoint.up();
    const second = run(['drain'], env);
    const stats = JSON.parse((await second.lines.next()).value as string) as {
      replayed: number;
      delivered: number;
      spooled: number;
      pending: number;
      dropped: number;
      drainMs: number;
      rss: number;
    };
    await second.exited;

    const ids = readFileSync(idsFile, 'utf8').split('\n').filter(Boolean);
    const missing = ids.filter((id) => !endpoint.received.has(id));
    expect({ missing: missing.length, spooled: stats.spooled, pending: stats.pending, dropped: stats.dropped }).toEqual({
      missing: 0,
      spooled: 0,
      pending: 0,
      dropped: 0,
    });
    expect(stats.replayed).toBeGreaterThanOrEqual(ids.length);
    expect(stats.rss).toBeLessThan(300 * 1024 * 1024);
    console.log(
      `[faults] SIGKILL mid-outage: ${ids.length} durable events before the kill, ${stats.replayed} records replayed by the restarted process (the rest were emitted after the flush), all durable ones delivered in ${stats.drainMs} ms, child RSS ${Math.round(stats.rss / 2 ** 20)} MiB`,
    );
  });
});

describe('the process killed (SIGKILL) while the endpoint takes requests and never answers', () => {
  it('loses nothing older than scheduledDelayMillis: every sealed batch was on disk before it was sent', async () => {
    const spool = tempDir('sealed');
    const idsFile = join(spool, '..', `${spool.split('/').pop()}-ids.txt`);
    endpoint.mode = { kind: 'hang' };
    const env = { OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: endpoint.url, FACTLINE_SPOOL_DIR: spool };
    const first = run(['sealed', '30000', '10000', idsFile], env);
    const sealed = (await first.lines.next()).value as string;
    expect(sealed).toMatch(/^sealed 30000 /);
    const atKill = JSON.parse(sealed.slice(sealed.indexOf('{'))) as { spooled: number; pending: number; delivered: number };
    first.child.kill('SIGKILL');
    await first.exited;
    expect(atKill).toMatchObject({ spooled: 30000, pending: 0, delivered: 0 });

    endpoint.mode = { kind: 'accept' };
    const second = run(['drain'], env);
    const stats = JSON.parse((await second.lines.next()).value as string) as {
      replayed: number;
      delivered: number;
      spooled: number;
      pending: number;
      dropped: number;
      drainMs: number;
    };
    await second.exited;
    const ids = readFileSync(idsFile, 'utf8').split('\n').filter(Boolean);
    const missing = ids.filter((id) => !endpoint.received.has(id));
    expect({
      emitted: ids.length,
      missing: missing.length,
      replayed: stats.replayed,
      spooled: stats.spooled,
      pending: stats.pending,
      dropped: stats.dropped,
    }).toEqual({ emitted: 30000, missing: 0, replayed: 30000, spooled: 0, pending: 0, dropped: 0 });
    console.log(
      `[faults] SIGKILL with the endpoint hung: ${ids.length} events emitted more than scheduledDelayMillis before the kill, all ${stats.replayed} replayed from the spool and delivered in ${stats.drainMs} ms`,
    );
  });
});

describe('shutdownOnSignals', () => {
  it('exits 75 (EXIT_UNDELIVERED) when SIGTERM leaves records undelivered, 0 when everything was delivered', async () => {
    const spool = tempDir('signal');
    const env = { OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: endpoint.url, FACTLINE_SPOOL_DIR: spool };
    await endpoint.down();
    const down = run(['signal', '3000'], env);
    expect((await down.lines.next()).value).toBe('ready');
    down.child.kill('SIGTERM');
    expect(await down.exited).toBe(75);
    await endpoint.up();
    endpoint.mode = { kind: 'accept' };
    // The next start delivers what was spooled, then a clean stop exits 0.
    const up = run(['signal', '3000'], env);
    expect((await up.lines.next()).value).toBe('ready');
    await new Promise((r) => setTimeout(r, 3000));
    up.child.kill('SIGTERM');
    expect(await up.exited).toBe(0);
  });
});
