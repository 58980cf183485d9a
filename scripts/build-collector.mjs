#!/usr/bin/env node
// Builds the factline OpenTelemetry Collector distribution from
// collector-config/builder-config.yaml and caches the binary outside the repo.
//
//   node scripts/build-collector.mjs               build if needed; last stdout line = binary path
//   node scripts/build-collector.mjs --print-path  print where the binary is (or will be); never builds
//   node scripts/build-collector.mjs --force       rebuild even when the cached binary exists
//
// Cache layout (FACTLINE_CACHE_DIR, else $XDG_CACHE_HOME/factline, else ~/.cache/factline):
//   collector/<sha256(manifest) first 16 hex>/otelcol-factline   the binary
//   collector/tools/builder-<version>/builder                     the ocb binary
// The key is the manifest's bytes, so editing the manifest (a version bump, a
// new component) builds a new binary beside the old one instead of reusing it.
//
// Progress goes to stderr so that stdout stays machine-readable: on success
// its last line is the absolute binary path (the integration tests read it).
// No dependencies: this runs before `npm ci` has necessarily happened in CI.

import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const MANIFEST = join(REPO_ROOT, 'collector-config', 'builder-config.yaml');
// go.mod of every 0.159.0 Collector module says `go 1.25.0`; with
// GOTOOLCHAIN=local an older Go refuses instead of downloading a toolchain.
const MIN_GO = [1, 25];
const HEARTBEAT_MS = 30_000;

const started = Date.now();
const elapsed = () => `${Math.round((Date.now() - started) / 1000)}s`;
const log = (msg) => process.stderr.write(`[build-collector +${elapsed()}] ${msg}\n`);

class SetupError extends Error {}

function cacheRoot() {
  if (process.env.FACTLINE_CACHE_DIR) return resolve(process.env.FACTLINE_CACHE_DIR);
  const xdg = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(xdg, 'factline');
}

function readManifest() {
  if (!existsSync(MANIFEST)) throw new SetupError(`manifest not found: ${MANIFEST}`);
  const text = readFileSync(MANIFEST, 'utf8');
  const builder = /go\.opentelemetry\.io\/collector\/cmd\/builder@(v\d+\.\d+\.\d+)/.exec(text);
  if (!builder) {
    throw new SetupError(`${MANIFEST} must name the builder version in a comment, e.g. "# builder: go.opentelemetry.io/collector/cmd/builder@v0.159.0"`);
  }
  const name = /^\s+name:\s*(\S+)\s*$/m.exec(text.slice(text.search(/^dist:/m)));
  if (!/^dist:\s*$/m.test(text) || !name) throw new SetupError(`${MANIFEST} has no dist.name`);
  if (/^\s+output_path:/m.test(text)) {
    throw new SetupError(`${MANIFEST} sets dist.output_path; remove it, this script chooses the output directory`);
  }
  // Core v0.x modules are released in lockstep with the builder; a mismatch
  // usually means a half-done version bump.
  const version = builder[1];
  const strays = [...text.matchAll(/go\.opentelemetry\.io\/collector\/\S+ (v0\.\d+\.\d+)/g)].filter((m) => m[1] !== version);
  if (strays.length > 0) {
    throw new SetupError(`builder is ${version} but the manifest pins ${strays.map((m) => m[0]).join(', ')}; bump them together`);
  }
  const key = createHash('sha256').update(text).digest('hex').slice(0, 16);
  return { text, builderVersion: version, distName: name[1], key };
}

function checkGo() {
  const res = spawnSync('go', ['env', 'GOVERSION'], { encoding: 'utf8', env: goEnv() });
  if (res.error?.code === 'ENOENT') {
    throw new SetupError(`Go was not found on PATH. Install Go >= ${MIN_GO.join('.')} (https://go.dev/dl/) to build the factline Collector.`);
  }
  if (res.status !== 0) throw new SetupError(`\`go env GOVERSION\` failed: ${res.stderr.trim()}`);
  const goVersion = res.stdout.trim();
  const m = /^go(\d+)\.(\d+)/.exec(goVersion);
  if (!m || Number(m[1]) < MIN_GO[0] || (Number(m[1]) === MIN_GO[0] && Number(m[2]) < MIN_GO[1])) {
    throw new SetupError(`found ${goVersion}; the Collector modules need Go >= ${MIN_GO.join('.')}. Install Go >= ${MIN_GO.join('.')} (https://go.dev/dl/).`);
  }
  return goVersion;
}

function goEnv(extra = {}) {
  // GOTOOLCHAIN=local: never download a different Go behind the user's back.
  return { ...process.env, GOTOOLCHAIN: 'local', ...extra };
}

/** Runs a command, streaming its output line by line to stderr with a prefix. */
function run(cmd, args, { env, cwd, prefix }) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let lastOutput = Date.now();
    const heartbeat = setInterval(() => {
      if (Date.now() - lastOutput >= HEARTBEAT_MS) log(`${prefix} still running (go build prints nothing until it is done)`);
    }, HEARTBEAT_MS);
    const pipe = (stream) => {
      let buf = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk) => {
        lastOutput = Date.now();
        buf += chunk;
        const lines = buf.split('\n');
        buf = lines.pop();
        for (const line of lines) if (line.trim()) log(`${prefix} ${line}`);
      });
      stream.on('end', () => buf.trim() && log(`${prefix} ${buf}`));
    };
    pipe(child.stdout);
    pipe(child.stderr);
    child.on('error', (err) => {
      clearInterval(heartbeat);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearInterval(heartbeat);
      resolvePromise(signal ? 128 : code);
    });
  });
}

async function installBuilder(root, version) {
  const dir = join(root, 'collector', 'tools', `builder-${version}`);
  const bin = join(dir, process.platform === 'win32' ? 'builder.exe' : 'builder');
  if (existsSync(bin)) return bin;
  mkdirSync(dir, { recursive: true });
  log(`installing go.opentelemetry.io/collector/cmd/builder@${version} into ${dir}`);
  const code = await run('go', ['install', `go.opentelemetry.io/collector/cmd/builder@${version}`], {
    env: goEnv({ GOBIN: dir }),
    prefix: '[go install]',
  });
  if (code !== 0 || !existsSync(bin)) {
    throw new SetupError(
      `could not install the Collector builder ${version} (exit ${code}). Check access to the Go module proxy (GOPROXY=${process.env.GOPROXY ?? 'default'}).`,
    );
  }
  return bin;
}

async function main(argv) {
  const manifest = readManifest();
  const root = cacheRoot();
  const finalDir = join(root, 'collector', manifest.key);
  const binary = join(finalDir, manifest.distName);

  if (argv.includes('--print-path')) {
    process.stdout.write(`${binary}\n`);
    return;
  }
  if (existsSync(binary) && !argv.includes('--force')) {
    log(`cached: ${binary}`);
    process.stdout.write(`${binary}\n`);
    return;
  }

  const goVersion = checkGo();
  log(`building ${manifest.distName} (manifest ${manifest.key}, builder ${manifest.builderVersion}, ${goVersion})`);
  const builder = await installBuilder(root, manifest.builderVersion);

  // Build in a private directory and rename on success, so an interrupted
  // build never leaves a half-written binary at the cached path.
  const workDir = join(root, 'collector', `${manifest.key}.tmp-${process.pid}`);
  rmSync(workDir, { recursive: true, force: true });
  mkdirSync(workDir, { recursive: true });
  const derived = join(workDir, 'builder-config.yaml');
  writeFileSync(derived, manifest.text.replace(/^dist:\s*$/m, `dist:\n  output_path: ${JSON.stringify(workDir)}`));

  log('running the builder (first build compiles ~1000 Go packages; expect several minutes)');
  const code = await run(builder, ['--config', derived], { env: goEnv(), cwd: workDir, prefix: '[builder]' });
  if (code !== 0 || !existsSync(join(workDir, manifest.distName))) {
    throw new SetupError(`the Collector builder failed (exit ${code}); see the [builder] lines above. Sources kept in ${workDir}.`);
  }

  if (argv.includes('--force')) rmSync(finalDir, { recursive: true, force: true });
  try {
    renameSync(workDir, finalDir);
  } catch (err) {
    // Another build finished first with the same manifest: its binary is equivalent.
    if (!existsSync(binary)) throw err;
    rmSync(workDir, { recursive: true, force: true });
  }
  log(`built in ${elapsed()}: ${binary}`);
  process.stdout.write(`${binary}\n`);
}

main(process.argv.slice(2)).catch((err) => {
  const msg = err instanceof SetupError ? err.message : (err?.stack ?? String(err));
  process.stderr.write(`[build-collector] error: ${msg}\n`);
  process.exit(1);
});
