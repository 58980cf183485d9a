import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { QueryError } from './types.js';

/*
 * Which files a local query reads. A path names an event set: the file and
 * its rotated predecessors (`events.jsonl.1` is newer than `.2`; the JSONL
 * sink renames events.jsonl -> .1 -> .2 ...), read oldest first. A `*` or `?`
 * in the last path segment matches names in that directory, and each name it
 * matches is an event set too: 'logs/*.jsonl' reads events.jsonl.2, .1 and
 * events.jsonl. A file is read once however it is reached (two paths, a glob
 * and a path, a symbolic or hard link): files are told apart by device and inode.
 */

function globToRegExp(pattern: string): RegExp {
  let re = '^';
  for (const c of pattern) {
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(re + '$');
}

async function rotated(path: string): Promise<string[]> {
  const dir = dirname(path);
  const base = basename(path);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const out: { n: number; path: string }[] = [];
  for (const name of names) {
    if (!name.startsWith(base + '.')) continue;
    const suffix = name.slice(base.length + 1);
    if (/^[0-9]+$/.test(suffix)) out.push({ n: Number(suffix), path: join(dir, name) });
  }
  out.sort((a, b) => b.n - a.n);
  return out.map((o) => o.path);
}

/**
 * The files of the given paths and globs, oldest first, each once (by device
 * and inode; the first path that reached a file is the one reported).
 *
 * @throws QueryError `unavailable` when a plain path does not exist, or a glob matches no file.
 */
export async function resolveFiles(paths: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  const seen = new Set<string>();
  const add = async (p: string): Promise<void> => {
    // The same file through a symlink, a hard link, `./f` or `dir/../f` is one file: read twice it would count every event twice.
    const key = await stat(p).then(
      (s) => `${s.dev}:${s.ino}`,
      () => resolve(p),
    );
    if (!seen.has(key)) {
      seen.add(key);
      out.push(p);
    }
  };
  for (const p of paths) {
    if (/[*?]/.test(basename(p))) {
      const dir = dirname(p);
      let names: string[];
      try {
        names = await readdir(dir);
      } catch (e) {
        throw new QueryError('unavailable', `cannot list ${dir}: ${(e as Error).message}`);
      }
      const re = globToRegExp(basename(p));
      // Sorted by name, a rotated name oldest first before its live file (events.jsonl.2, .1, events.jsonl).
      const rank = (n: string): [string, number] => {
        const m = /^(.*)\.([0-9]+)$/.exec(n);
        return m ? [m[1]!, Number(m[2])] : [n, -1];
      };
      const matched = names
        .filter((n) => re.test(n))
        .sort((a, b) => {
          const [sa, na] = rank(a);
          const [sb, nb] = rank(b);
          return sa < sb ? -1 : sa > sb ? 1 : nb - na;
        });
      if (matched.length === 0)
        throw new QueryError(
          'unavailable',
          `no file in ${dir} matches ${basename(p)}; check the pattern (quote it so the shell does not expand it) or the directory`,
        );
      // Each matched name is an event set: its rotated files (matched by the glob or not), oldest first, then the file.
      // A rotated name whose base file was matched too is read with that set.
      const bases = matched.filter((n) => !/\.[0-9]+$/.test(n) || !matched.includes(n.replace(/\.[0-9]+$/, '')));
      for (const b of bases) {
        for (const r of await rotated(join(dir, b))) await add(r);
        await add(join(dir, b));
      }
      continue;
    }
    const rotatedFiles = await rotated(p);
    for (const r of rotatedFiles) await add(r);
    let s: Awaited<ReturnType<typeof stat>>;
    try {
      s = await stat(p);
    } catch (e) {
      if (rotatedFiles.length === 0) {
        throw new QueryError('unavailable', `cannot read ${p}: ${(e as Error).message}`);
      }
      continue;
    }
    // A directory has no lines, and a device or FIFO (/dev/zero) may never end.
    if (s.isDirectory()) throw new QueryError('unavailable', `cannot read ${p}: is a directory`);
    if (!s.isFile()) throw new QueryError('unavailable', `cannot read ${p}: is not a regular file; events files are read as regular files only`);
    await add(p);
  }
  return out;
}
