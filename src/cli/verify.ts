import { printable } from './printable.js';
import { existsSync, readdirSync } from 'node:fs';
import { inputFileProblem } from './input-file.js';
import { basename, dirname, join } from 'node:path';
import { verifyChainFiles } from '../chain/verify.js';
import type { CliIo } from './io.js';

/** `events.jsonl` plus its rotated siblings, oldest first (`.5` … `.1`, then the live file). */
export function rotatedSet(file: string): string[] {
  const dir = dirname(file);
  const base = basename(file);
  const rotated = existsSync(dir)
    ? readdirSync(dir)
        .map((f) => new RegExp(`^${base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(\\d+)$`).exec(f))
        .filter((m): m is RegExpExecArray => m !== null)
        .map((m) => Number(m[1]))
        .sort((a, b) => b - a)
        .map((n) => join(dir, `${base}.${n}`))
    : [];
  return [...rotated, file];
}

export const VERIFY_HELP = `Usage: factline verify [--only] FILE

Checks the hash chain of an events.jsonl written by factline, together with
its rotated files (FILE.1, FILE.2, ...) oldest first, and reports the first
broken line. --only checks FILE alone.

Exit status: 0 when the chain is whole, 1 when it is broken, 2 on usage errors.`;

export async function verifyCommand(args: string[], io: CliIo): Promise<number> {
  const only = args.includes('--only');
  const files = args.filter((a) => a !== '--only');
  if (files.length !== 1) {
    io.err(VERIFY_HELP);
    return 2;
  }
  const file = files[0]!;
  const why = inputFileProblem(file);
  if (why !== undefined) {
    io.err(`factline verify: ${printable(file)}: ${why}`);
    return 2;
  }
  const set = only ? [file] : rotatedSet(file);
  const r = await verifyChainFiles(set);
  if (r.ok) {
    io.out(`ok: ${r.records} records in ${set.length} file${set.length === 1 ? '' : 's'}, chain intact (last seq ${r.lastSeq}, last hash ${r.lastHash.slice(0, 16)}…)`);
    return 0;
  }
  io.out(`broken: ${printable(`${r.file}`)}:${r.line}: ${r.reason}: ${printable(r.message)} (${r.records_checked} records checked before it)`);
  return 1;
}
