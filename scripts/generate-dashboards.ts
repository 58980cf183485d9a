/*
 * `npm run dashboards`: writes grafana/dashboards/*.json and
 * grafana/queries/*.md from their TypeScript sources (grafana/src,
 * src/queries). `--check` writes nothing and exits 1 when a committed file
 * differs, for CI. Run from the repository root (npm does).
 *
 * Node 20 cannot run TypeScript, so the npm script compiles this file and its
 * imports with grafana/tsconfig.json first (into node_modules/.cache, out of
 * the package's dist/).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { generatedFiles } from '../grafana/src/index.js';

const check = process.argv.includes('--check');
const root = process.cwd();
let stale = 0;
for (const [path, text] of generatedFiles()) {
  const target = resolve(root, path);
  let current: string | undefined;
  try {
    current = readFileSync(target, 'utf8');
  } catch {
    current = undefined;
  }
  if (current === text) continue;
  stale++;
  if (check) {
    process.stderr.write(`generate-dashboards: ${path} is out of date; run npm run dashboards\n`);
  } else {
    writeFileSync(target, text);
    process.stderr.write(`generate-dashboards: wrote ${path}\n`);
  }
}
if (stale === 0) process.stderr.write('generate-dashboards: every file is up to date\n');
if (check && stale > 0) process.exitCode = 1;
