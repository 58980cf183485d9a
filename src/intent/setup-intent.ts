import { trace } from '@opentelemetry/api';
import { setupWithTraceHooks, type Factline, type FactlineOptions } from '../setup.js';
import { VERSION } from '../version.js';
import { INSTRUMENTATION_SCOPE } from '../wire.js';
import { intentCatalog, type IntentEntries } from './catalog.js';
import { createIntentFileSink } from './flat.js';
import { startHeartbeat, type Heartbeat, type HeartbeatOptions } from './heartbeat.js';
import { emitSystemErrors } from './system-errors.js';
import { createIntentTracing, type IntentTracing } from './tracing.js';

export interface IntentOptions extends FactlineOptions {
  /** `system.health` heartbeat: options, or `false` for none. Default: every 60 s, 0 servers. */
  heartbeat?: HeartbeatOptions | false;
  /** Also write Intent's own flat `events.jsonl` at this path (no hash chain). Default: off. */
  intentFile?: string | false;
  /**
   * Emit `system.error` for factline's own failures (export failed,
   * validation failed in `report` mode, file not writable). Default true.
   */
  systemErrors?: boolean;
}

export interface IntentFactline extends Factline<IntentEntries> {
  readonly tracing: IntentTracing;
  readonly heartbeat: Heartbeat | undefined;
}

/**
 * factline for an Intent deployment: the built-in Intent catalog, one trace
 * per loop with intent, spec and contract spans, the `system.health`
 * heartbeat and `system.error` for factline's own failures.
 *
 * @example
 * const intent = setupIntent({ serviceName: 'intent', file: 'events.jsonl' });
 * intent.emit('signal.signal.created:1', { signal_id: 'SIG-042', source: 'cli', content: 'API latency p99 > 2s', confidence: 0.75 });
 * await intent.shutdown();
 */
export function setupIntent(options: IntentOptions = {}): IntentFactline {
  let tracing: IntentTracing | undefined;
  const { heartbeat: hbOptions, intentFile, systemErrors, ...rest } = options;
  const fl = setupWithTraceHooks(
    intentCatalog,
    { ...rest, sinks: [...(intentFile ? [createIntentFileSink({ path: intentFile })] : []), ...(rest.sinks ?? [])] },
    {
      resolveTrace: (t, p, ms) => tracing?.resolveTrace(t, p, ms),
      spanFor: (e, t) => tracing?.spanFor(e, t),
      afterEmit: (e, t) => tracing?.afterEmit(e, t),
    },
  );
  const tracer = fl.pipeline?.tracerProvider.getTracer(INSTRUMENTATION_SCOPE, VERSION) ?? trace.getTracer(INSTRUMENTATION_SCOPE, VERSION);
  tracing = createIntentTracing({ tracer, ...(fl.pipeline ? { idGenerator: fl.pipeline.idGenerator } : {}) });
  if (systemErrors !== false) emitSystemErrors(fl);
  const heartbeat = hbOptions === false ? undefined : startHeartbeat(fl, hbOptions ?? {});
  const shutdown = fl.shutdown;
  return Object.assign(fl, {
    tracing,
    heartbeat,
    shutdown: async () => {
      heartbeat?.stop();
      tracing!.endAll();
      await shutdown();
    },
  });
}
