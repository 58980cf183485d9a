import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventTypeInfo } from '../../src/catalog/types.js';
import type { FactlineEvent } from '../../src/envelope/event.js';
import type { Severity } from '../../src/envelope/severity.js';
import type { RuntimeProblem } from '../../src/problems.js';
import type { SinkContext } from '../../src/sinks/sink.js';
import { afterEach, beforeEach } from 'vitest';
import { createJsonlSink, type JsonlSinkOptions } from '../../src/sinks/jsonl/index.js';
import { computeRecordHash, GENESIS_HASH } from '../../src/chain/index.js';

/** The parts of an EventTypeInfo the sinks read; the rest is never touched. */
export function typeInfo(id: string, severity: Severity = 'INFO'): EventTypeInfo {
  return { id, name: id.slice(0, id.indexOf(':')), severity } as unknown as EventTypeInfo;
}

let counter = 0;

/** A complete event with a fixed clock, so lines and hashes are reproducible. */
export function makeEvent(payload: unknown, overrides: Partial<FactlineEvent> = {}): FactlineEvent {
  counter++;
  const time = overrides.time ?? '2026-01-23T14:32:01.000Z';
  return {
    schema_version: 1,
    id: `01948f3a-0000-7000-8000-${counter.toString(16).padStart(12, '0')}`,
    event_id: 'auth.user.login:1',
    time,
    observed_time: time,
    service_name: 'test-service',
    catalog: 'default',
    source: { type: 'runtime' },
    severity: 'INFO',
    payload,
    ...overrides,
  };
}

/** A sink context that keeps every problem reported. */
export function collectProblems(): { ctx: SinkContext; problems: RuntimeProblem[] } {
  const problems: RuntimeProblem[] = [];
  return { ctx: { report: (p) => problems.push(p) }, problems };
}

/** A fresh temp directory and its clean-up. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'factline-sinks-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * A fresh directory per test (registers the vitest hooks) and the file a
 * test's sink writes, `events.jsonl` in it unless the test sets `path`; and
 * a JSONL sink on that file started with a problem collector (`fsync:
 * 'never'` unless given).
 */
export function jsonlTestFile(): {
  readonly dir: string;
  path: string;
  started(options?: JsonlSinkOptions): { sink: ReturnType<typeof createJsonlSink>; problems: RuntimeProblem[] };
} {
  let dir = '';
  let path = '';
  let cleanup: () => void = () => {};
  beforeEach(() => {
    ({ dir, cleanup } = tempDir());
    path = join(dir, 'events.jsonl');
  });
  afterEach(() => cleanup());
  return {
    get dir() {
      return dir;
    },
    get path() {
      return path;
    },
    set path(p: string) {
      path = p;
    },
    started(options: JsonlSinkOptions = {}) {
      const { ctx, problems } = collectProblems();
      const sink = createJsonlSink({ path, fsync: 'never', ...options });
      sink.start!(ctx);
      return { sink, problems };
    },
  };
}

/**
 * `n` chain lines as a release before chain version 2 wrote them, built by
 * hand: `{ n: seq, seq, prev_hash, hash }`, `hash` the SHA-256 of the
 * canonical JSON without "hash", from the genesis hash.
 */
export function version1Lines(n: number): string[] {
  const lines: string[] = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const rec: Record<string, unknown> = { n: seq, seq, prev_hash: prev };
    rec.hash = computeRecordHash(rec);
    prev = rec.hash as string;
    lines.push(JSON.stringify(rec));
  }
  return lines;
}
