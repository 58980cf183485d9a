import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { BASE_CONFIG, buildCollector, CollectorProcess, collectorEnv, collectorPorts, TEST_OVERLAY } from './collector.js';
import { RecordingServer } from './recorder.js';

/** What `usePipeline` sets up; `collector` and `receiver` are ready once the suite's own `beforeAll` runs. */
export interface Pipeline {
  readonly recorder: RecordingServer;
  /** A temporary directory, removed after the suite. */
  readonly dir: string;
  /** The directory whose `*.jsonl` files the Collector tails. */
  readonly tailed: string;
  collector: CollectorProcess;
  /** The Collector's OTLP/HTTP receiver, `http://127.0.0.1:<port>`. */
  receiver: string;
}

/**
 * The shipped Collector config with the test overlay, on loopback ports, in
 * front of a recording server: registers the hooks that start them before
 * the suite (before the suite's own `beforeAll`, which runs after this one),
 * print the Collector's output when a test fails, and clean up afterwards.
 * Call it inside a `describe`.
 */
export function usePipeline(name: string): Pipeline {
  const dir = mkdtempSync(join(tmpdir(), `factline-${name}-`));
  const p = { recorder: new RecordingServer(), dir, tailed: join(dir, 'tailed'), receiver: '' } as Pipeline;

  beforeAll(async () => {
    const binary = await buildCollector();
    const sinkUrl = await p.recorder.start();
    const ports = await collectorPorts();
    mkdirSync(p.tailed);
    const env = collectorEnv(ports, { storageDir: join(dir, 'storage'), eventsGlob: join(p.tailed, '*.jsonl'), outDir: join(dir, 'out'), sinkUrl });
    p.collector = new CollectorProcess(binary, [BASE_CONFIG, TEST_OVERLAY], env, ports.health);
    p.receiver = `http://127.0.0.1:${ports.otlpHttp}`;
    await p.collector.start();
  });

  beforeEach(({ onTestFailed }) => {
    onTestFailed(() => {
      process.stderr.write(`\n===== Collector output =====\n${p.collector?.output ?? ''}\n`);
    });
  });

  afterAll(async () => {
    await p.collector?.stop();
    await p.recorder.close();
    rmSync(dir, { recursive: true, force: true });
  });

  return p;
}
