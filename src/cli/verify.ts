import { printable } from './printable.js';
import { existsSync, readdirSync } from 'node:fs';
import { inputFileProblem } from './input-file.js';
import { basename, dirname, join } from 'node:path';
import { constants } from 'node:buffer';
import { verifyChainFiles } from '../chain/verify.js';
import { DEFAULT_MAX_LINE_BYTES } from '../lines/read-lines.js';
import { UsageError, parse, positiveInt } from './options.js';
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

export const VERIFY_HELP = `Usage: factline verify [--only] [--max-line-bytes N] FILE

Checks the hash chain of an events.jsonl written by factline, together with
its rotated files (FILE.1, FILE.2, ...) oldest first, and reports the first
broken line. A chain whose earlier records are not in the files (rotated
away, deleted) is checked from its first record on; the answer says where it
starts.

Options:
  --only                check FILE alone, not its rotated files
  --max-line-bytes N    longest line read, in bytes (default ${DEFAULT_MAX_LINE_BYTES}, 16 MiB);
                        a longer line is line_too_long. Raise it for a file
                        written with a larger maxPayloadBytes

Exit status: 0 when the chain is whole, 1 when it is broken, 2 on usage errors.`;

/**
 * Largest `--max-line-bytes`: a line of N bytes decodes to at most N UTF-16
 * code units, and Node cannot make a longer string than this.
 */
const MAX_LINE_BYTES_LIMIT = constants.MAX_STRING_LENGTH;

/**
 * `factline verify [--only] [--max-line-bytes N] FILE`. Returns 0 (the chain
 * is whole), 1 (it is broken: the first broken line is printed) or 2 (usage).
 *
 * @example
 * await verifyCommand(['--max-line-bytes', '67108864', 'events.jsonl'], processIo);
 * // ok: 1000 records in 2 files, chain intact (last seq 1000, last hash 9f86d081884c7d65…)
 */
export async function verifyCommand(args: string[], io: CliIo): Promise<number> {
  let file: string;
  let only: boolean;
  let maxLineBytes: number;
  try {
    const { values, positionals } = parse(args, { only: { type: 'boolean' }, 'max-line-bytes': { type: 'string' } });
    if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'missing FILE' : `one FILE at a time, got ${positionals.length}`);
    file = positionals[0]!;
    only = values.only === true;
    maxLineBytes = positiveInt(values['max-line-bytes'], '--max-line-bytes', DEFAULT_MAX_LINE_BYTES);
    if (maxLineBytes > MAX_LINE_BYTES_LIMIT)
      throw new UsageError(`--max-line-bytes is at most ${MAX_LINE_BYTES_LIMIT} (the longest string Node makes), got ${values['max-line-bytes']}`);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`factline verify: ${printable(e.message)}\n\n${VERIFY_HELP}`);
      return 2;
    }
    throw e;
  }
  const why = inputFileProblem(file);
  if (why !== undefined) {
    io.err(`factline verify: ${printable(file)}: ${why}`);
    return 2;
  }
  const set = only ? [file] : rotatedSet(file);
  const r = await verifyChainFiles(set, { maxLineBytes });
  if (r.ok) {
    const files = `${set.length} file${set.length === 1 ? '' : 's'}`;
    // A file (or set) that starts mid-chain is normal after rotation, or for
    // --only on a rotated file; it is said, not an error. A chain starting
    // at seq 1 was checked to start from the genesis hash.
    const start =
      r.firstSeq !== undefined && r.firstSeq !== 1
        ? `; starts at seq ${r.firstSeq}, continuing a chain whose earlier records are not in ${set.length === 1 ? 'this file' : 'these files'}`
        : '';
    io.out(`ok: ${r.records} records in ${files}, chain intact (last seq ${r.lastSeq}, last hash ${r.lastHash.slice(0, 16)}…${start})`);
    return 0;
  }
  const hint = r.reason === 'line_too_long' ? '; --max-line-bytes N reads longer lines' : '';
  io.out(`broken: ${printable(`${r.file}`)}:${r.line}: ${r.reason}: ${printable(r.message)}${hint} (${r.records_checked} records checked before it)`);
  return 1;
}
