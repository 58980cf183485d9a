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

describe('tail -f and a line whose bytes are not UTF-8', () => {
  it('skips it as invalid_utf8, in the last lines and as it is appended, as plain tail does', async () => {
    const file = join(dir, 'bad-utf8.jsonl');
    const damaged = (n: number) =>
      Buffer.from(line(n).replace(`"n":${n}`, `"n":${n},"s":"\u00ff"`), 'utf8').map((b, i, a) => (b === 0xc3 && a[i + 1] === 0xbf ? 0xff : b));
    writeFileSync(file, Buffer.concat([Buffer.from(line(1)), damaged(2), Buffer.from(line(3))]));
    const io = capture();
    const stop = new AbortController();
    const tail = tailCommand(['-f', '-n', '10', '--poll-ms', '20', file], io, { signal: stop.signal });
    await until('the last lines', () => io.stdout.length === 2);
    appendFileSync(file, Buffer.concat([damaged(4), Buffer.from(line(5))]));
    await until('the new event', () => io.stdout.length === 3);
    stop.abort();
    await tail;
    expect(io.stdout.map((l) => / n=(\d+)/.exec(l)?.[1])).toEqual(['1', '3', '5']);
    expect(io.stderr.filter((l) => /:[24]: skipped: invalid_utf8: /.test(l))).toHaveLength(2);
  });
});

describe('tail -f across several rotations between two of its reads', () => {
  /*
   * The writer rotates by rename several times while the tail is between two
   * reads: in one synchronous block (the tail sees 3 rotations at once), and
   * one rotation per event-loop turn (rotations land between the tail's own
   * file-system calls). Counts only: every event once, in order; and when the
   * writer deletes rotated files before the tail reads them, the tail names
   * the seq range it could not show.
   */
  async function run(step: (file: string, write: (count: number) => void, printed: () => number) => Promise<void>) {
    const file = join(dir, `events-${Math.random().toString(36).slice(2)}.jsonl`);
    writeFileSync(file, '');
    const io = capture();
    const stop = new AbortController();
    const tail = tailCommand(['-f', '-n', '0', '--poll-ms', '20', file], io, { signal: stop.signal });
    await sleep(50);
    let next = 0;
    const write = (count: number): void => {
      for (const end = next + count; next < end; next++) appendFileSync(file, line(next));
    };
    const numbers = (): number[] => io.stdout.map((l) => Number(/ n=(\d+)/.exec(l)?.[1] ?? -1));
    try {
      await step(file, write, () => io.stdout.length);
    } catch (e) {
      // Which events never came, and what the tail said: a lost event is the fault to find.
      const got = new Set(numbers());
      const missing = Array.from({ length: next }, (_, n) => n).filter((n) => !got.has(n));
      throw new Error(
        `${(e as Error).message}: ${next} written, ${got.size} printed, missing ${missing.slice(0, 20).join(',')}; tail said ${JSON.stringify(io.stderr)}`,
      );
    }
    const total = next;
    await until(`the last event printed`, () => numbers().includes(total - 1));
    await sleep(100);
    stop.abort();
    expect(await tail).toBe(0);
    return { printed: numbers(), stderr: io.stderr, total };
  }

  it('3 rotations at once between two reads, 20 times: each event once, in order', { timeout: 120_000 }, async () => {
    const r = await run(async (file, write, printed) => {
      for (let round = 0; round < 20; round++) {
        for (let k = 0; k < 3; k++) {
          write(50);
          shiftRotated(file, 1000);
        }
        write(50);
        await until('the tail to catch up', () => printed() >= (round + 1) * 200);
      }
    });
    expect(r.printed).toEqual(Array.from({ length: r.total }, (_, n) => n));
    expect(r.stderr.filter((l) => l.includes('skipped') || l.includes('not shown'))).toEqual([]);
  });

  it('one rotation per event-loop turn, 400 rotations: each event once, in order', { timeout: 120_000 }, async () => {
    const r = await run(async (file, write) => {
      for (let k = 0; k < 400; k++) {
        write(10);
        shiftRotated(file, 1000);
        await new Promise((resolve) => setImmediate(resolve));
      }
      write(10);
    });
    expect(r.printed).toEqual(Array.from({ length: r.total }, (_, n) => n));
    expect(r.stderr.filter((l) => l.includes('skipped') || l.includes('not shown'))).toEqual([]);
  });

  it('copy-truncate and a rename rotation between two reads, in both orders (the copy at .2, or the held file at .2): each event once, in order', {
    timeout: 120_000,
  }, async () => {
    const r = await run(async (file, write, printed) => {
      for (let round = 0; round < 5; round++) {
        write(50);
        await until('the tail to catch up', () => printed() >= round * 150 + 50);
        // One synchronous block, so the tail sees it all at its next look:
        // lines it has not read, then copy-truncate (FILE copied to FILE.1,
        // emptied, written again), then a rename rotation: the held file is
        // FILE.1 now and its copy FILE.2.
        write(20);
        copyFileSync(file, `${file}.1`);
        truncateSync(file, 0);
        write(10);
        shiftRotated(file, 1000);
        write(20);
        await until('the tail to catch up', () => printed() >= round * 150 + 100);
        // And the other order: a rename rotation, then copy-truncate of the new
        // file, which moves the held file to FILE.2 and puts the copy at FILE.1.
        write(10);
        shiftRotated(file, 1000);
        write(20);
        let last = 1;
        while (existsSync(`${file}.${last + 1}`)) last++;
        for (let k = last; k >= 1; k--) renameSync(`${file}.${k}`, `${file}.${k + 1}`);
        copyFileSync(file, `${file}.1`);
        truncateSync(file, 0);
        write(20);
        await until('the tail to catch up', () => printed() >= (round + 1) * 150);
        // The next round starts on a fresh file set.
        for (let k = 1; existsSync(`${file}.${k}`); k++) rmSync(`${file}.${k}`);
      }
    });
    expect(r.printed).toEqual(Array.from({ length: r.total }, (_, n) => n));
    expect(r.stderr.filter((l) => l.includes('skipped') || l.includes('not shown'))).toEqual([]);
  });

  it('rotated files deleted before the tail reads them: the rest once, in order, and the missing seq range named', { timeout: 120_000 }, async () => {
    const r = await run(async (file, write, printed) => {
      write(50);
      await until('the first file read', () => printed() >= 50);
      // 5 rotations at once, 2 rotated files kept: the files of events 50..99 and 100..149 are deleted.
      for (let k = 0; k < 5; k++) {
        shiftRotated(file, 2);
        write(50);
      }
    });
    expect(r.printed).toEqual([...Array.from({ length: 50 }, (_, n) => n), ...Array.from({ length: 150 }, (_, n) => 150 + n)]);
    const gap = r.stderr.filter((l) => l.includes('not shown'));
    expect(gap).toHaveLength(1);
    const [, from, to] = / seq (\d+) to (\d+) /.exec(gap[0]!) ?? [];
    // The seqs of events 50..149 (each line made takes the next seq).
    expect(Number(to) - Number(from) + 1).toBe(100);
  });
});
