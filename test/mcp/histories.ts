import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { createEmitter } from '../../src/emitter/emitter.js';
import { createJsonlSink } from '../../src/sinks/jsonl/index.js';
import { agentCatalog, MODEL, type HistoryEmitter } from '../feedback/history.js';

/** What writes a history for a service: by default an emitter with only a JSONL sink at the given path. */
export type MakeEmitter = (service: string, path: string) => HistoryEmitter;

const jsonlOnly: MakeEmitter = (service, path) =>
  createEmitter(agentCatalog, { sinks: [createJsonlSink({ path, fsync: 'never' })], serviceName: service, validation: 'strict' });

/*
 * Event histories the agent-facing tools are checked on, written by
 * factline's own emitter (hash-chained events.jsonl files).
 */

/** The history of a busy agent: `count` review failures of about 1.1 KB each, 100 ms apart, ending a minute ago. Returns the files' times. */
export async function writeLargeHistory(path: string, count: number, now = Date.now()): Promise<{ first: number; last: number }> {
  const events = createEmitter(agentCatalog, { sinks: [createJsonlSink({ path, fsync: 'never' })], serviceName: 'busy', validation: 'strict' });
  const first = now - 60_000 - (count - 1) * 100;
  for (let i = 0; i < count; i++) {
    events.emit(
      'agent.review.failed:1',
      { file: `src/module${i}.ts`, reason: `review ${i}: ${'the generated code does not handle the empty input case; '.repeat(9)}` },
      { source: { type: 'child_agent', model: MODEL, name: 'coder' }, time: first + i * 100 },
    );
  }
  await events.shutdown();
  return { first, last: first + (count - 1) * 100 };
}

/**
 * `copies` copies of `file` in `dir` (`copy-N.jsonl`), so a glob over them scans its lines `copies` times.
 * Copies, not links: the engine reads a file reached by several names once.
 */
export function fileCopies(file: string, dir: string, copies: number): string {
  for (let i = 0; i < copies; i++) copyFileSync(file, join(dir, `copy-${i}.jsonl`));
  return join(dir, 'copy-*.jsonl');
}

/** The instance ids of a causation chain. */
export interface ChainIds {
  generated: string;
  testFailed: string;
  reviewFailed: string;
  /** Caused by `reviewFailed`: the chain's third step. */
  regenerated: string;
  /** A second effect of `testFailed`. */
  testRerun: string;
}

/**
 * A three-step causation chain, an hour ago, in service `chain-demo`:
 * generated → test failed → review failed → regenerated, with a second
 * effect of the failed test (a re-run that passed).
 */
export async function writeChainHistory(path: string, now = Date.now(), make: MakeEmitter = jsonlOnly, service = 'chain-demo'): Promise<ChainIds> {
  const events = make(service, path);
  const source = { type: 'child_agent' as const, model: MODEL, name: 'coder' };
  const at = now - 3_600_000;
  const generated = events.emit('agent.code.generated:1', { file: 'src/auth/login.ts', lines: 40, confidence: 0.8 }, { source, time: at })!;
  const testFailed = events.emit(
    'agent.test.failed:1',
    { test: 'login_tests', reason: 'assertion failed at line 34' },
    { source, time: at + 500, causedBy: generated },
  )!;
  const reviewFailed = events.emit(
    'agent.review.failed:1',
    { file: 'src/auth/login.ts', reason: 'tests failed' },
    { source, time: at + 900, causedBy: testFailed },
  )!;
  const testRerun = events.emit('agent.test.passed:1', { test: 'login_tests_rerun' }, { source, time: at + 1200, causedBy: testFailed })!;
  const regenerated = events.emit(
    'agent.code.generated:1',
    { file: 'src/auth/login.ts', lines: 44, confidence: 0.9 },
    { source, time: at + 2000, causedBy: reviewFailed },
  )!;
  await events.shutdown();
  return { generated: generated.id, testFailed: testFailed.id, reviewFailed: reviewFailed.id, regenerated: regenerated.id, testRerun: testRerun.id };
}

/**
 * Two services where the same model ran: in each, 20 generations in the last
 * hour, 6 of them failed (6 of 20 each, 12 of 40 pooled).
 */
export async function writeTwoServices(
  dir: string,
  now = Date.now(),
  make: MakeEmitter = jsonlOnly,
  services: readonly [string, string] = ['alpha', 'beta'],
): Promise<string[]> {
  const files: string[] = [];
  for (const [k, service] of services.entries()) {
    const path = join(dir, `${service}.jsonl`);
    files.push(path);
    const events = make(service, path);
    const source = { type: 'child_agent' as const, model: MODEL, name: 'coder' };
    for (let i = 0; i < 20; i++) {
      const at = now - 1_800_000 + i * 10_000 + k * 1000;
      const gen = events.emit('agent.code.generated:1', { file: `src/${service}/f${i}.ts`, lines: 10, confidence: 0.9 }, { source, time: at })!;
      if (i < 6) events.emit('agent.test.failed:1', { test: 't', reason: 'r' }, { source, time: at + 100, causedBy: gen });
      else events.emit('agent.test.passed:1', { test: 't' }, { source, time: at + 100, causedBy: gen });
    }
    await events.shutdown();
  }
  return files;
}
