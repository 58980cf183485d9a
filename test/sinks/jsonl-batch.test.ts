import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyChain, verifyChainFiles } from '../../src/chain/index.js';
import { jsonlTestFile, makeEvent, typeInfo } from './fixtures.js';

const type = typeInfo('auth.user.login:1');

const file = jsonlTestFile();
const started = file.started;

const text = (): string => readFileSync(file.path, 'utf8');
const endOfTick = (): Promise<void> => new Promise((done) => setImmediate(done));

describe('the JSONL sink: lines of one tick written together', () => {
  it('holds the lines of the current tick as pending and writes them all, chained, at its end', async () => {
    const { sink, problems } = started();
    for (let i = 0; i < 3; i++) sink.write(makeEvent({ i }), type);
    expect(sink.stats()).toMatchObject({ pending: 3, written: 0, emitted: 3, seq: 3 });
    expect(text()).toBe('');
    await endOfTick();
    expect(sink.stats()).toMatchObject({ pending: 0, written: 3, emitted: 3, delivered: 3, seq: 3 });
    expect(text().split('\n')).toHaveLength(4);
    expect(await verifyChain(file.path)).toMatchObject({ ok: true, records: 3 });
    expect(problems).toEqual([]);
    await sink.shutdown();
  });

  it('writes the pending lines on flush(), before it resolves, under every fsync policy', async () => {
    for (const fsync of ['never', 'interval', 'always'] as const) {
      file.path = join(file.dir, `${fsync}.jsonl`);
      const { sink } = started({ fsync });
      sink.write(makeEvent({ a: 1 }), type);
      sink.write(makeEvent({ a: 2 }), type);
      await sink.flush();
      expect(
        text()
          .split('\n')
          .filter((l) => l !== ''),
      ).toHaveLength(2);
      await sink.shutdown();
    }
  });

  it('writes the pending lines at process exit (process.exit() right after an emit)', async () => {
    const { sink } = started();
    sink.write(makeEvent({ last: true }), type);
    // The 'exit' listener the sink installed, called as process.exit() would call it.
    const onExit = process.listeners('exit').find((f) => f.name === 'writeAllPending');
    expect(onExit).toBeDefined();
    (onExit as () => void)();
    expect(JSON.parse(text())).toMatchObject({ seq: 1, payload: { last: true } });
    await sink.shutdown();
    expect(await verifyChain(file.path)).toMatchObject({ ok: true, records: 1 });
  });

  it('writes the batch before rotating, so a rotated file holds whole lines and the chain spans the files', async () => {
    const { sink } = started({ maxBytes: 1500, maxFiles: 3 });
    for (let i = 0; i < 12; i++) sink.write(makeEvent({ i, pad: 'x'.repeat(200) }), type);
    await sink.shutdown();
    const set = [`${file.path}.3`, `${file.path}.2`, `${file.path}.1`, file.path].filter((p) => existsSync(p));
    expect(set.length).toBeGreaterThan(1);
    expect(await verifyChainFiles(set)).toMatchObject({ ok: true });
    expect(sink.stats()).toMatchObject({ written: 12, dropped: 0, pending: 0 });
  });
});

describe('the JSONL sink: a long burst in one tick', () => {
  it('writes a burst past 1 MiB in pieces during the tick, each of whole lines, and the chain holds', async () => {
    const { sink } = started();
    const pad = 'y'.repeat(4096);
    for (let i = 0; i < 400; i++) sink.write(makeEvent({ i, pad }), type);
    // Still inside the tick: most lines are already in the file, every one of them whole.
    const { pending, written } = sink.stats();
    expect(written).toBeGreaterThan(0);
    expect(pending + written).toBe(400);
    expect(text().endsWith('\n')).toBe(true);
    await sink.shutdown();
    expect(await verifyChain(file.path)).toMatchObject({ ok: true, records: 400 });
  });
});
