import { defineConfig } from 'vitest/config';

// The slow suites: they build and run a real Collector of the pinned version
// (collector-config/builder-config.yaml). The first run compiles the Collector
// from source, which takes minutes on a small machine; later runs reuse the
// binary cached by scripts/build-collector.mjs, outside the repo.
const TWENTY_MINUTES = 20 * 60 * 1000;

export default defineConfig({
  test: {
    include: ['test/integration/**/*.test.ts'],
    testTimeout: TWENTY_MINUTES,
    hookTimeout: TWENTY_MINUTES,
    // One Collector build at a time, and no two suites fighting over ports.
    fileParallelism: false,
    typecheck: { enabled: false },
    // Same convention as vitest.config.ts: under CI, a JSON report for the
    // summary line .ci/run prints (scripts/test-summary.mjs).
    reporters: process.env.CI ? ['default', ['json', { outputFile: '.ci-results/integration.json' }]] : ['default'],
  },
});
