import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OtlpEndpoint } from '../support/otlp-endpoint.js';
import { emitAtRate, expectNothingLostUnreported, factlineTo, tempDir, waitUntil } from '../support/drive.js';

const endpoint = await new OtlpEndpoint().start();
afterAll(() => endpoint.stop());

/*
 * A real small file system: a tmpfs mounted for the test (root only), so
 * that the spool meets the kernel's own ENOSPC and EROFS. Without root the
 * tests cannot make one and say so.
 */
const root = process.getuid?.() === 0;
const mounts: string[] = [];
function tmpfs(bytes: number, readOnly = false): string {
  const dir = tempDir('tmpfs');
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${bytes}${readOnly ? ',ro' : ''}`, 'tmpfs', dir]);
  mounts.push(dir);
  return dir;
}
afterAll(() => {
  for (const m of mounts) execFileSync('umount', [m]);
});
const tmpFiles = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.tmp'));
const problemCount = (problems: { code: string }[], code: string) => problems.filter((p) => p.code === code).length;

describe.skipIf(!root)('a spool on a file system that fills up, then goes read-only (tmpfs; needs root)', () => {
  it('keeps batches in memory while the spool fails, removes the partial .tmp at once, retries every 5 s, reports the recovery and spools again; nothing lost', async () => {
    const mnt = tmpfs(32 * 1024 * 1024);
    const dir = join(mnt, 'spool');
    await endpoint.down();
    const { sdk, problems, emitOne } = factlineTo(endpoint, { spool: { dir } });
    const logs = join(dir, 'logs');
    // 1. The disk fills: 300 KiB left, less than one batch.
    writeFileSync(join(mnt, 'filler'), Buffer.alloc(32 * 1024 * 1024 - 300 * 1024));
    const ids = await emitAtRate(emitOne, 3 * 1024, 10_000);
    await waitUntil(() => problemCount(problems, 'FACTLINE_SPOOL_NOT_WRITABLE') > 0, 10_000);
    const full = sdk.stats().sinks.otel!;
    expect(full.pending).toBe(3 * 1024);
    expect(tmpFiles(logs)).toEqual([]);
    expect(problems.find((p) => p.code === 'FACTLINE_SPOOL_NOT_WRITABLE')!.message).toMatch(/ENOSPC/);

    // 2. Space again: within a retry interval the spool takes what waited in memory.
    rmSync(join(mnt, 'filler'));
    await waitUntil(() => problemCount(problems, 'FACTLINE_SPOOL_RECOVERED') === 1, 20_000);
    expect(sdk.stats().sinks.otel).toMatchObject({ pending: 0, spooled: 3 * 1024 });
    // A burst after the recovery is spooled, not dropped as "spool not writable".
    ids.push(...(await emitAtRate((i) => emitOne(ids.length + i), 10 * 1024, 20_000)));
    await sdk.flush();
    expect(sdk.stats().sinks.otel).toMatchObject({ pending: 0, spooled: 13 * 1024, dropped: 0 });

    // 3. The file system goes read-only (EROFS), then writable again.
    execFileSync('mount', ['-o', 'remount,ro', mnt]);
    ids.push(...(await emitAtRate((i) => emitOne(ids.length + i), 2 * 1024, 10_000)));
    await waitUntil(() => problemCount(problems, 'FACTLINE_SPOOL_NOT_WRITABLE') === 2, 10_000);
    expect(problems.filter((p) => p.code === 'FACTLINE_SPOOL_NOT_WRITABLE')[1]!.message).toMatch(/EROFS/);
    execFileSync('mount', ['-o', 'remount,rw', mnt]);
    await waitUntil(() => problemCount(problems, 'FACTLINE_SPOOL_RECOVERED') === 2, 20_000);
    // The spool's lock is held again, by this process.
    expect(existsSync(join(logs, 'spool.lock'))).toBe(true);
    expect(JSON.parse(readFileSync(join(logs, 'spool.lock-owner'), 'utf8'))).toMatchObject({ pid: process.pid });
    expect(sdk.stats().sinks.otel).toMatchObject({ pending: 0, spooled: 15 * 1024, dropped: 0 });

    // 4. The endpoint returns: everything arrives.
    await endpoint.up();
    await waitUntil(() => sdk.stats().sinks.otel!.delivered === ids.length, 120_000);
    const stats = sdk.stats().sinks.otel!;
    await sdk.shutdown();
    const verdict = expectNothingLostUnreported(ids, endpoint, [], problems, stats);
    expect(verdict.lost).toBe(0);
    expect(stats).toMatchObject({ delivered: 15 * 1024, dropped: 0 });
    console.log(
      `[faults] spool disk full (ENOSPC), freed, read-only (EROFS), writable: ${ids.length} events, ${problemCount(problems, 'FACTLINE_SPOOL_RECOVERED')} recoveries reported, 0 dropped, all delivered`,
    );
  });

  it('at set-up on a read-only file system, fails naming the spool directory and EROFS', () => {
    const mnt = tmpfs(1024 * 1024, true);
    const dir = join(mnt, 'app', 'spool');
    expect(() => factlineTo(endpoint, { spool: { dir } })).toThrow(
      new RegExp(`cannot create the spool directory ${dir}/logs: EROFS at ${mnt}/app \\(the file system is read-only\\)`),
    );
  });
});

describe('file permissions', () => {
  it('spool files, the dead-letter file and the events file are owner-only by default, and fileMode widens them', async () => {
    const dir = tempDir('modes');
    await endpoint.down();
    const { sdk, emitOne } = factlineTo(endpoint, {
      spool: { dir: join(dir, 'spool') },
      file: { path: join(dir, 'events', 'events.jsonl') },
      delivery: { flushTimeoutMillis: 500 },
    });
    emitOne(1);
    await sdk.shutdown();
    const mode = (p: string) => statSync(p).mode & 0o777;
    const spoolFile = readdirSync(join(dir, 'spool', 'logs')).find((f) => f.endsWith('.otlp.spool'))!;
    expect({
      dir: mode(join(dir, 'spool')),
      logs: mode(join(dir, 'spool', 'logs')),
      file: mode(join(dir, 'spool', 'logs', spoolFile)),
      events: mode(join(dir, 'events', 'events.jsonl')),
      eventsDir: mode(join(dir, 'events')),
    }).toEqual({ dir: 0o700, logs: 0o700, file: 0o600, events: 0o600, eventsDir: 0o700 });
    // The dead-letter file, as a refused record creates it.
    await endpoint.up();
    endpoint.mode = { kind: 'poison', marker: 'POISON' };
    const second = factlineTo(endpoint, { spool: false, delivery: { deadLetterPath: join(dir, 'dl', 'dead.jsonl'), fileMode: 0o640 } });
    second.emitOne(2, 'POISON');
    await second.sdk.shutdown();
    endpoint.mode = { kind: 'accept' };
    expect({ dl: mode(join(dir, 'dl', 'dead.jsonl')), dlDir: mode(join(dir, 'dl')) }).toEqual({ dl: 0o640, dlDir: 0o750 });
  });
});
