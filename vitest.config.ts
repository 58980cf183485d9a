import { defineConfig } from 'vitest/config';

// Fast suites only. The real-Collector suites live in test/integration and run
// through `npm run test:integration` (see .ci/run); they are slow by nature.
// So does the delivery fault suite (`npm run test:faults`, test/delivery/faults).
// Under CI a JSON report is written too, so .ci/run can print a plain
// "N passed, N failed" line from it.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // `npm test` has to pass on a loaded machine: on a shared two-core host a
    // test that takes 1 s idle can take 10 s, past vitest's 5 s default. No test
    // asserts speed (bench/ measures it), so the timeout only has to catch a
    // hang. Property tests also carry their own (test/support/timeouts.ts).
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // The parity and conformance recorders need a real Loki: they run with the end-to-end suite (test/e2e/README.md).
    exclude: [
      'test/integration/**',
      'test/e2e/**',
      'test/package/**',
      'test/delivery/faults/**',
      'test/query/parity.record.test.ts',
      'test/query/conformance.record.test.ts',
      'node_modules/**',
      'test/sdk3/**',
    ],
    // .ci/run names the report of each run (Node 20, 22, 24) with FACTLINE_CI_REPORT.
    reporters: process.env.CI ? ['default', ['json', { outputFile: process.env.FACTLINE_CI_REPORT ?? '.ci-results/unit.json' }]] : ['default'],
  },
});
