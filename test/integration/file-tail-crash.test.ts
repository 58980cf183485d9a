import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEmitter } from '../../src/emitter/emitter.js';
import { intentCatalog } from '../../src/intent/catalog.js';
import { createJsonlSink } from '../../src/sinks/jsonl/index.js';
import { FEATURE_GATES, SKIP_NOTE, waitFor } from './support/collector.js';
import { usePipeline } from './support/pipeline.js';
import { instanceId } from './support/otlp.js';

/*
 * The Collector tailing events.jsonl, SIGKILLed five times while 60,000
 * lines are written to it. file_log saves its read offset per poll; what
 * it read must be in the exporter's persistent queue (file_storage) by
 * then. With the stanza receivers' default batching emitter, up to 100
 * lines sit in memory already counted as read, and a SIGKILL lost 10 of
 * 60,000 lines in 1 of 5 runs; the shipped config starts the Collector
 * with `stanza.synchronousLogEmitter` (docker-compose.yml), which this
 * harness reads and passes on. Duplicates are allowed (lines read after the
 * last saved offset are read again), losses are not.
 *
 * The second test aims at that window: a burst of 150 lines (not a multiple
 * of the emitter's 100), then a SIGKILL one poll (200 ms) after it was
 * written, 20 times. Run without the gate it lost 200 of 3,000 lines
 * against 0.159.0; with it, none.
 */

const LINES = 60_000;
const KILLS = 5;
const CYCLES = 20;
const BURST = 150;

describe.skipIf(SKIP_NOTE !== undefined)('the Collector SIGKILLed while it tails events.jsonl', () => {
  const pipeline = usePipeline('file-tail-crash');
  const { recorder, tailed } = pipeline;

  it(`delivers every one of ${LINES} lines across ${KILLS} SIGKILLs (by instance id)`, async () => {
    expect(FEATURE_GATES).toContain('stanza.synchronousLogEmitter');
    const file = createEmitter(intentCatalog, {
      validation: 'strict',
      sinks: [createJsonlSink({ path: join(tailed, 'events.jsonl'), fsync: 'never', maxBytes: 0 })],
    });
    const sent: string[] = [];
    const perRun = LINES / KILLS;
    for (let k = 0; k < KILLS; k++) {
      // Write a fifth of the lines at about 20,000 a second, and kill the Collector in the middle of it.
      for (let i = 0; i < perRun; i++) {
        sent.push(
          file.emit('signal.signal.created:1', { signal_id: `SIG-T${sent.length}`, source: 'agent', content: `tailed line ${sent.length}`, confidence: 0.5 })!
            .id,
        );
        if (i % 200 === 199) {
          await file.flush();
          await new Promise((r) => setTimeout(r, 10));
        }
        if (i === Math.floor(perRun / 2)) {
          await file.flush();
          await pipeline.collector.stop('SIGKILL');
          await pipeline.collector.start();
        }
      }
    }
    await file.shutdown();
    const unique = () => new Set(recorder.logs('delivered').map((l) => instanceId(l.record)));
    await waitFor(() => unique().size >= LINES, {
      timeoutMs: 180_000,
      intervalMs: 500,
      describe: () => `${unique().size} of ${LINES} lines delivered\n${pipeline.collector.tail()}`,
    });
    const delivered = recorder.logs('delivered').length;
    const got = unique();
    const missing = sent.filter((id) => !got.has(id));
    process.stderr.write(
      `[file-tail-crash] ${LINES} lines, ${KILLS} SIGKILLs: ${got.size} unique delivered, ${missing.length} missing, ${delivered - got.size} duplicates\n`,
    );
    expect(missing).toEqual([]);
  }, 400_000);
});

describe.skipIf(SKIP_NOTE !== undefined)('the Collector SIGKILLed just after it read a short burst (the emitter window)', () => {
  const pipeline = usePipeline('file-tail-window');
  const { recorder, tailed } = pipeline;

  it(`delivers every line of ${CYCLES} bursts of ${BURST}, each followed by a SIGKILL a poll after it was written`, async () => {
    const file = createEmitter(intentCatalog, {
      validation: 'strict',
      sinks: [createJsonlSink({ path: join(tailed, 'events.jsonl'), fsync: 'never', maxBytes: 0 })],
    });
    const sent: string[] = [];
    for (let c = 0; c < CYCLES; c++) {
      // Not a multiple of the emitter's 100-line batch: the last lines of a burst wait for its 100 ms flush.
      for (let i = 0; i < BURST; i++)
        sent.push(
          file.emit('signal.signal.created:1', { signal_id: `SIG-W${sent.length}`, source: 'agent', content: `burst line ${sent.length}`, confidence: 0.5 })!
            .id,
        );
      await file.flush();
      // file_log polls every 200 ms and saves its offsets after each poll: kill after a poll has read the burst.
      await new Promise((r) => setTimeout(r, 200 + ((c * 37) % 120)));
      await pipeline.collector.stop('SIGKILL');
      await pipeline.collector.start();
    }
    await file.shutdown();
    const unique = () => new Set(recorder.logs('delivered').map((l) => instanceId(l.record)));
    await waitFor(() => unique().size >= sent.length, {
      timeoutMs: 60_000,
      intervalMs: 500,
      describe: () => `${unique().size} of ${sent.length} lines delivered\n${pipeline.collector.tail()}`,
    });
    const got = unique();
    const missing = sent.filter((id) => !got.has(id));
    process.stderr.write(
      `[file-tail-window] ${CYCLES} bursts of ${BURST} lines, a SIGKILL after each: ${got.size} of ${sent.length} delivered, ${missing.length} missing\n`,
    );
    expect(missing).toEqual([]);
  }, 400_000);
});

if (SKIP_NOTE !== undefined) it.skip(`the Collector SIGKILLed while it tails events.jsonl: ${SKIP_NOTE}`, () => {});
