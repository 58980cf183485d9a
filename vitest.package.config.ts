import { defineConfig } from 'vitest/config';

// The package as users get it: the tests here run the built files (dist/),
// install the packed tarball from the npm registry's dependencies, and start
// example services as child processes. test/package/build.ts builds once.
// Run with `npm run test:package`; .ci/run runs it.
export default defineConfig({
  test: {
    include: ['test/package/**/*.test.ts'],
    globalSetup: ['test/package/build.ts'],
    testTimeout: 5 * 60 * 1000,
    hookTimeout: 10 * 60 * 1000,
    fileParallelism: false,
    reporters: process.env.CI ? ['default', ['json', { outputFile: '.ci-results/package.json' }]] : ['default'],
  },
});
