import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runIntentLoop } from '../../examples/intent-loop.js';
import { main } from '../../src/cli/main.js';
import { capture } from './capture.js';

/*
 * The README's quick start: the `npx factline` commands it shows after
 * `npm run demo`, run on a file written the way the demo writes it, printing
 * what the README says they print.
 */
const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

/** The sh blocks of the README that run `npx factline`, each as its command lines (joined at `\`) and `# ` output lines. */
function factlineBlocks(): { command: string; output: string[] }[] {
  const blocks = [...README.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
  return blocks
    .filter((b) => b.startsWith('npx factline'))
    .flatMap((b) => {
      const joined = b.replace(/\\\n\s*/g, '');
      const lines = joined.split('\n').filter(Boolean);
      const out: { command: string; output: string[] }[] = [];
      for (const l of lines) {
        if (l.startsWith('# ')) out[out.length - 1]!.output.push(l.slice(2));
        else out.push({ command: l.replace(/\s+#.*$/, ''), output: [] });
      }
      return out;
    });
}

/** sh words: single-quoted strings kept whole. */
function words(command: string): string[] {
  return [...command.matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2]!);
}

let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'factline-readme-'));
  const intent = await runIntentLoop({ otlp: false, file: join(dir, 'events.jsonl'), intentFile: join(dir, 'intent-events.jsonl'), validation: 'strict' });
  await intent.shutdown();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the README quick start', () => {
  const quick = factlineBlocks().filter((b) => b.command.includes('.factline/events.jsonl'));

  it("shows an agent-style question answered from the demo's own file", () => {
    expect(quick.some((b) => b.command.startsWith('npx factline feedback') && b.output.length > 0)).toBe(true);
  });

  it.each(quick.filter((b) => !b.command.includes(' -f ')).map((b) => [b.command, b] as const))('%s', async (_c, b) => {
    const args = words(b.command)
      .slice(2)
      .map((w) => w.replace('.factline/', `${dir}/`));
    const io = capture();
    const code = await main(args, io);
    expect(io.stderr.filter((l) => !l.startsWith('factline query: skipped'))).toEqual([]);
    expect(code).toBe(0);
    if (b.output.length > 0) expect(io.stdout).toEqual(b.output);
    else expect(io.stdout.length).toBeGreaterThan(0);
  });
});
