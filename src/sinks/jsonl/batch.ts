/*
 * The lines a JSONL sink holds between an `emit` and the end of its tick are
 * written when the process exits, too: `process.exit()` called right after an
 * `emit`, an uncaught exception, or the event loop running dry all emit
 * 'exit' synchronously, and the writes here are synchronous. One listener
 * for every sink, so that many sinks do not trip the MaxListeners warning.
 */

const pendingWriters = new Set<() => void>();
let listening = false;

function writeAllPending(): void {
  for (const write of pendingWriters) {
    try {
      write();
    } catch {
      // A sink's write reports its own failures; nothing may stop the others.
    }
  }
}

/** Makes sure `write` (a sink's batch writer) runs at process exit. Cheap to call on every batch. */
export function registerBatch(write: () => void): void {
  if (pendingWriters.has(write)) return;
  pendingWriters.add(write);
  if (!listening) {
    listening = true;
    process.on('exit', writeAllPending);
  }
}

/** Forgets a sink's batch writer (at shutdown). */
export function unregisterBatch(write: () => void): void {
  pendingWriters.delete(write);
}
