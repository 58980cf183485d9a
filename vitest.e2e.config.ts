import { defineConfig } from 'vitest/config';

// End to end against a real Collector, Loki and Tempo (docker-compose.yml
// provides all three). Not part of `npm test` or .ci/run: CI has no Loki or
// Tempo. See test/e2e/README.md.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts', 'test/query/parity.record.test.ts', 'test/query/conformance.record.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 180_000,
    fileParallelism: false,
  },
});
