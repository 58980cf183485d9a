import { defineConfig } from 'vitest/config';

// Fast suites only. The real-Collector suites live in test/integration and run
// through `npm run test:integration` (see .ci/run); they are slow by nature.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    exclude: ['test/integration/**', 'test/e2e/**', 'node_modules/**'],
    typecheck: { enabled: false },
  },
});
