import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/*
 * Running the real Collector from the integration suites: building (or
 * finding the cached) binary, starting and stopping it as a child process,
 * free loopback ports, and waiting without timing assertions.
 */

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const CONFIG_DIR = join(ROOT, 'collector-config');
export const OVERLAY_DIR = join(CONFIG_DIR, 'overlays');
export const BASE_CONFIG = join(CONFIG_DIR, 'otel-collector.yaml');
export const TEST_OVERLAY = join(OVERLAY_DIR, 'test-endpoints.yaml');

/**
 * Why the Collector suites skip, or `undefined` when they run. Without Go the
 * build is impossible: outside CI the suites skip with this reason; with CI
 * set they fail, so a broken toolchain cannot pass as green.
 */
export const SKIP_NOTE =
  !process.env.CI && spawnSync('go', ['version']).error !== undefined
    ? 'Go is not installed: install Go >= 1.25 to build the Collector (with CI set, this fails instead)'
    : undefined;

/** Runs scripts/build-collector.mjs, showing its progress; resolves to the binary path (its last stdout line). */
export function buildCollector(): Promise<string> {
  return new Promise((resolvePath, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'scripts', 'build-collector.mjs')], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      process.stderr.write(chunk);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const path = stdout.trim().split('\n').at(-1);
      if (code === 0 && path) resolvePath(path);
      else reject(new Error(`scripts/build-collector.mjs exited with ${code}:\n${stderr.split('\n').slice(-15).join('\n')}`));
    });
  });
}

/** A TCP port on 127.0.0.1 that was free a moment ago (listen on port 0, read it, close). */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Polls `check` until it returns true. The deadline only bounds the wait: on
 * expiry it throws with `describe()`, it never asserts on how long anything took.
 */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  options: { timeoutMs: number; describe: () => string; intervalMs?: number },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`gave up waiting after ${options.timeoutMs} ms: ${options.describe()}`);
    await sleep(options.intervalMs ?? 100);
  }
}

/** Loopback ports of one Collector under test. */
export interface CollectorPorts {
  health: number;
  otlpHttp: number;
  otlpGrpc: number;
}

export async function collectorPorts(): Promise<CollectorPorts> {
  return { health: await freePort(), otlpHttp: await freePort(), otlpGrpc: await freePort() };
}

/**
 * The env vars of otel-collector.yaml + overlays/test-endpoints.yaml for a
 * Collector that listens on loopback test ports, keeps its state in `dir`,
 * tails `eventsGlob`, and sends logs and traces to the test's server at
 * `sinkUrl` (JSON, so the test can read them).
 */
export function collectorEnv(ports: CollectorPorts, opts: { storageDir: string; eventsGlob: string; outDir: string; sinkUrl: string }): NodeJS.ProcessEnv {
  return {
    ...process.env,
    FACTLINE_HEALTH_ENDPOINT: `127.0.0.1:${ports.health}`,
    FACTLINE_OTLP_HTTP_ENDPOINT: `127.0.0.1:${ports.otlpHttp}`,
    FACTLINE_OTLP_GRPC_ENDPOINT: `127.0.0.1:${ports.otlpGrpc}`,
    FACTLINE_COLLECTOR_STORAGE: opts.storageDir,
    FACTLINE_EVENTS_FILE: opts.eventsGlob,
    FACTLINE_COLLECTOR_OUT_DIR: opts.outDir,
    LOKI_OTLP_ENDPOINT: `${opts.sinkUrl}/otlp`,
    FACTLINE_LOKI_OTLP_ENCODING: 'json',
    FACTLINE_TEST_TRACES_ENDPOINT: opts.sinkUrl,
    // Defined in the base config but not in any pipeline of the overlay: never dialled.
    TEMPO_OTLP_ENDPOINT: '127.0.0.1:1',
  };
}

/**
 * The feature gates the shipped docker-compose.yml starts the Collector
 * with (its `--feature-gates=` flags), so that the tests run what ships.
 */
export const FEATURE_GATES: readonly string[] = [...readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8').matchAll(/"--feature-gates=([^"]+)"/g)].flatMap(
  (m) => m[1]!.split(','),
);

/**
 * One Collector process, restartable with the same config and env (so the
 * same file_storage directory). Its stdout and stderr are kept in `output`,
 * across restarts, for printing when a test fails.
 */
export class CollectorProcess {
  output = '';
  private child: ChildProcess | undefined;
  private exited: Promise<void> | undefined;
  private starts = 0;

  constructor(
    private readonly binary: string,
    private readonly configs: readonly string[],
    private readonly env: NodeJS.ProcessEnv,
    private readonly healthPort: number,
  ) {}

  get running(): boolean {
    return this.child !== undefined;
  }

  /** Starts the Collector and resolves once health_check answers 200 on `GET /`. */
  async start(timeoutMs = 30_000): Promise<void> {
    if (this.child) throw new Error('the Collector is already running');
    this.starts++;
    this.output += `\n----- start #${this.starts} -----\n`;
    const child = spawn(this.binary, [...this.configs.flatMap((c) => ['--config', c]), ...FEATURE_GATES.map((g) => `--feature-gates=${g}`)], {
      env: this.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    let exit: string | undefined;
    this.exited = new Promise((done) => {
      child.on('exit', (code, signal) => {
        exit = `exited with ${signal ?? code}`;
        this.output += `----- ${exit} -----\n`;
        done();
      });
    });
    child.on('error', (err) => (this.output += `spawn error: ${err.message}\n`));
    child.stdout!.setEncoding('utf8').on('data', (c: string) => (this.output += c));
    child.stderr!.setEncoding('utf8').on('data', (c: string) => (this.output += c));
    await waitFor(
      async () => {
        if (exit !== undefined) throw new Error(`the Collector ${exit} before it was healthy:\n${this.tail()}`);
        try {
          const res = await fetch(`http://127.0.0.1:${this.healthPort}/`);
          await res.arrayBuffer();
          return res.status === 200;
        } catch {
          return false;
        }
      },
      { timeoutMs, describe: () => `health_check on 127.0.0.1:${this.healthPort}\n${this.tail()}` },
    );
  }

  /** Sends `signal` and resolves when the process has exited. SIGTERM is a graceful shutdown; SIGKILL is a crash. */
  async stop(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM', timeoutMs = 30_000): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    await this.exited;
    clearTimeout(timer);
    this.child = undefined;
  }

  /** The last lines of the Collector's output. */
  tail(lines = 60): string {
    return this.output.split('\n').slice(-lines).join('\n');
  }
}
