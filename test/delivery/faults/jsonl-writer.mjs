// A second process writing to an events file (compiled factline, dist/):
// creates a JSONL sink on argv[2]; prints "holding <pid>" and waits for
// stdin to close, or prints "refused <message>" when set-up throws.
import { createJsonlSink } from '../../../dist/src/index.js';

try {
  const sink = createJsonlSink({ path: process.argv[2] });
  process.stdout.write(`holding ${process.pid}\n`);
  process.stdin.resume();
  process.stdin.on('end', async () => {
    await sink.shutdown();
    process.exit(0);
  });
} catch (e) {
  process.stdout.write(`refused ${e.message}\n`);
  process.exit(3);
}
