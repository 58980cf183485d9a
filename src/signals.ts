/*
 * Graceful stop on SIGTERM / SIGINT. A `process.on('SIGTERM', ...)` handler
 * replaces Node's default action (exit), so a handler that only flushes
 * leaves a listening server running; this one stops taking work, flushes,
 * shuts down, and then exits.
 */

export interface SignalShutdownOptions {
  /** Signals to handle. Default `['SIGTERM', 'SIGINT']`. */
  signals?: readonly NodeJS.Signals[];
  /**
   * Runs first, to stop taking work: e.g. `() => new Promise((r) => server.close(r))`
   * (Node 19+ also closes idle keep-alive connections there).
   */
  beforeShutdown?: () => unknown;
  /**
   * Runs after factline's shutdown: e.g. `() => sdk.shutdown()` for the
   * service's own OpenTelemetry SDK, which factline never shuts down itself.
   */
  afterShutdown?: () => unknown;
  /** Exit after at most this long even if a step hangs, in milliseconds. Default 10000. */
  timeoutMs?: number;
  /**
   * Exit code after a clean stop. Default 0; 1 after a failed step, a
   * timeout, or a second signal; {@link EXIT_UNDELIVERED} (75) when records
   * were left undelivered (spooled for the next process, or dropped).
   */
  exitCode?: number;
  /** Call `process.exit` at the end. Default true; false leaves exiting to the event loop. */
  exit?: boolean;
}

/**
 * Exit code of a stop that left records undelivered: kept in the spool for
 * the next process, or dropped and reported (`FACTLINE_UNDELIVERED_AT_SHUTDOWN`).
 * `EX_TEMPFAIL` of sysexits.h: an orchestrator sees a non-zero exit, and
 * "try again later" is what a spool replayed by the next start means.
 */
export const EXIT_UNDELIVERED = 75;

/**
 * Installs one handler for `signals` that runs `beforeShutdown`, then
 * `shutdown`, then `afterShutdown`, each awaited, then exits. A second
 * signal while stopping exits at once with code 1. When `undelivered` is
 * given and counts records left undelivered by the shutdown, the exit code
 * is {@link EXIT_UNDELIVERED}. Returns a function that removes the handlers.
 *
 * @example
 * stopOnSignals(() => factline.shutdown(), { beforeShutdown: () => new Promise((r) => server.close(r)), afterShutdown: () => sdk.shutdown() });
 */
export function stopOnSignals(
  shutdown: () => Promise<void>,
  options: SignalShutdownOptions = {},
  undelivered?: { before(): void; after(): number },
): () => void {
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  const timeoutMs = options.timeoutMs ?? 10_000;
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) {
      process.stderr.write(`factline: ${signal} again while stopping; exiting now\n`);
      process.exit(1);
    }
    stopping = true;
    let code = options.exitCode ?? 0;
    const timer = setTimeout(() => {
      process.stderr.write(`factline: shutdown after ${signal} took longer than ${timeoutMs} ms; exiting\n`);
      process.exit(1);
    }, timeoutMs);
    timer.unref();
    const step = async (what: string, fn: (() => unknown) | undefined) => {
      try {
        await fn?.();
      } catch (e) {
        code = 1;
        process.stderr.write(`factline: ${what} failed after ${signal}: ${e instanceof Error ? e.message : String(e)}\n`);
      }
    };
    void (async () => {
      await step('beforeShutdown', options.beforeShutdown);
      undelivered?.before();
      await step('shutdown', shutdown);
      const left = undelivered?.after() ?? 0;
      if (left > 0 && code === (options.exitCode ?? 0)) {
        code = EXIT_UNDELIVERED;
        process.stderr.write(
          `factline: ${left} records left undelivered at shutdown after ${signal} (spooled for the next start, or dropped and reported); exiting with ${EXIT_UNDELIVERED}\n`,
        );
      }
      await step('afterShutdown', options.afterShutdown);
      clearTimeout(timer);
      if (options.exit !== false) process.exit(code);
    })();
  };
  for (const s of signals) process.on(s, handler);
  return () => {
    for (const s of signals) process.off(s, handler);
  };
}
