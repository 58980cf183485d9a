/*
 * The floor `factline validate` and `factline verify` are measured against:
 * a plain loop over a file's lines (1 MiB reads, split at \n, JSON.parse
 * per line), with `hash` also the SHA-256 of each line by the same function
 * `verify` hashes with. Run as its own process, as the CLI runs, so that
 * both pay Node's start-up: `node read-floor.js FILE [hash]` prints the
 * number of lines.
 */
import { closeSync, openSync, readSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sha256hex } from '../src/chain/record.js';

/** Reads every line of `path`, parses it (and hashes it); returns the number of lines. */
export function floor(path: string, hash: boolean): number {
  const fd = openSync(path, 'r');
  const buf = Buffer.allocUnsafe(1024 * 1024);
  let rest = '';
  let n = 0;
  try {
    for (;;) {
      const got = readSync(fd, buf, 0, buf.length, null);
      if (got === 0) break;
      const text = rest + buf.toString('utf8', 0, got);
      let from = 0;
      for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', from)) {
        const line = text.slice(from, nl);
        from = nl + 1;
        JSON.parse(line);
        if (hash) sha256hex(line);
        n++;
      }
      rest = text.slice(from);
    }
  } finally {
    closeSync(fd);
  }
  return n;
}

if (process.argv[1] !== undefined && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url))) {
  process.stdout.write(`${floor(process.argv[2]!, process.argv[3] === 'hash')}\n`);
}
