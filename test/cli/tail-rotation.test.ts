import { appendFileSync, copyFileSync, existsSync, mkdtempSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tailCommand } from '../../src/cli/tail.js';
import { shiftRotated } from '../../src/sinks/jsonl/file.js';
import { envelope } from '../query/support.js';
import { capture } from './capture.js';

/*
 * `tail -f` while the writer rotates about once per poll, by rename (the
 * JSONL sink's own shiftRotated, as logrotate's default) and by
 * copy-truncate (logrotate's copytruncate), including a file truncated and
 * written past the old offset between two looks: every event is printed
 * exactly once, in order, and no valid line is reported as not JSON.
 */

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'factline-tail-rotation-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const EVENTS = 6000;
const PER_FILE = 500; // 12 rotations per run
const TRIALS = Number(process.env.TAIL_TRIALS ?? 3);

function line(n: number): string {
  return envelope({ event_id: 'test.event.written:1', time: new Date(Date.UTC(2026, 11, 7) + n).toISOString(), payload: { n } }) + '\n';
}

async function until(what: string, ready: () => boolean, deadlineMs = 60_000): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!ready()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

async function follow(
  rotate: (file: string) => void,
  burst: (file: string, n: number) => void,
  refill = 0,
  pauseMs = 2,
  paced = false,
): Promise<{ printed: number[]; stderr: string[]; rotations: number }> {
  const file = join(dir, `events-${Math.random().toString(36).slice(2)}.jsonl`);
  writeFileSync(file, '');
  const io = capture();
  const stop = new AbortController();
  // Every event, those written before the tail has read the file included.
  const tail = tailCommand(['-f', '-n', String(EVENTS), '--poll-ms', '20', file], io, { signal: stop.signal });
  await sleep(50);
  let rotations = 0;
  for (let n = 0; n < EVENTS; n += 50) {
    let from = n;
    if (n > 0 && n % PER_FILE === 0) {
      // Paced: the tail has read into the content about to be copied away.
      if (paced) await until('the tail reading the current file', () => io.stdout.length > n - PER_FILE);
      rotate(file);
      rotations++;
      // Written at once, before the tail looks again.
      if (refill > 0) {
        for (; from < n + refill; from++) burst(file, from);
        n = from - 50;
      }
    }
    for (let k = from; k < n + 50; k++) burst(file, k);
    // About one poll per file: 10 bursts of 50 lines, 2 ms apart (copy-truncate: 5 ms).
    await sleep(pauseMs);
  }
  const printed = (): number[] => io.stdout.map((l) => Number(/ n=(\d+)/.exec(l)?.[1] ?? -1));
  try {
    await until(`${EVENTS} events printed`, () => io.stdout.length >= EVENTS);
  } catch (e) {
    const got = new Set(printed());
    const missing = inOrder.filter((n) => !got.has(n));
    const seq = printed();
    const breaks = seq.flatMap((v, i) => (i > 0 && v !== seq[i - 1]! + 1 ? [`${seq[i - 1]}->${v}@${i}`] : [])).slice(0, 12);
    throw new Error(
      `${(e as Error).message}: breaks ${breaks.join(' ')}; have ${io.stdout.length}, missing ${missing.length} from ${missing[0]} to ${missing[missing.length - 1]}; stderr ${JSON.stringify(io.stderr.map((l) => l.replace(/^.*jsonl/, '')))}`,
    );
  }
  await sleep(100);
  stop.abort();
  expect(await tail).toBe(0);
  return { printed: printed(), stderr: io.stderr, rotations };
}

const inOrder: number[] = Array.from({ length: EVENTS }, (_, n) => n);

describe('tail -f under rotation about once per poll', () => {
  it(`rename rotation: ${EVENTS} events, ${EVENTS / PER_FILE - 1} rotations, ${TRIALS} runs: each event once, in order`, { timeout: 240_000 }, async () => {
    for (let t = 0; t < TRIALS; t++) {
      const r = await follow(
        (file) => shiftRotated(file, 20),
        (file, n) => appendFileSync(file, line(n)),
      );
      expect(r.rotations).toBeGreaterThanOrEqual(10);
      expect(r.printed).toEqual(inOrder);
      expect(r.stderr.filter((l) => l.includes('skipped') || l.includes('not shown'))).toEqual([]);
    }
  });

  it(`copy-truncate: ${EVENTS} events, ${TRIALS} runs, refilled past the old offset: each event once, in order`, { timeout: 240_000 }, async () => {
    for (let t = 0; t < TRIALS; t++) {
      const r = await follow(
        (file) => {
          // logrotate's copytruncate with `rotate 20`: older copies shift, the file is copied to .1 and emptied.
          for (let k = 19; k >= 1; k--) if (existsSync(`${file}.${k}`)) renameSync(`${file}.${k}`, `${file}.${k + 1}`);
          copyFileSync(file, `${file}.1`);
          truncateSync(file, 0);
        },
        (file, n) => appendFileSync(file, line(n)),
        // 300 lines at once: often past where the tail had read, before its next look.
        300,
        5,
        // Each copy-truncate once the tail has read into the content it copies
        // away: two before the tail reads a line of the file in between lose
        // that content, as with any reader (the copy holds no trace of the
        // reader's position), and a loaded machine could make that happen.
        true,
      );
      expect(r.rotations).toBeGreaterThanOrEqual(10);
      expect(r.printed).toEqual(inOrder);
      expect(r.stderr.filter((l) => l.includes('skipped') || l.includes('not shown'))).toEqual([]);
    }
  });
});

describe('tail reads a file as query and validate do', () => {
  it('takes a UTF-8 byte order mark at the start of the file as no part of line 1', async () => {
    const file = join(dir, 'bom.jsonl');
    writeFileSync(file, '\ufeff' + line(1) + line(2));
    const io = capture();
    expect(await tailCommand([file], io)).toBe(0);
    expect(io.stdout).toHaveLength(2);
    expect(io.stderr).toEqual([]);
  });

  it('-n 0 prints no old event, then the new ones with -f', async () => {
    const file = join(dir, 'n0.jsonl');
    writeFileSync(file, line(1) + line(2));
    const once = capture();
    expect(await tailCommand(['-n', '0', file], once)).toBe(0);
    expect(once.stdout).toEqual([]);
    const io = capture();
    const stop = new AbortController();
    const tail = tailCommand(['-f', '-n', '0', '--poll-ms', '20', file], io, { signal: stop.signal });
    await sleep(60);
    appendFileSync(file, line(3));
    await until('the new event', () => io.stdout.length === 1);
    stop.abort();
    await tail;
    expect(io.stdout[0]).toMatch(/ n=3/);
  });
});
