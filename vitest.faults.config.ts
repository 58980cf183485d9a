import { defineConfig } from 'vitest/config';

// The fault suite: factline's durable OTLP log delivery against a real
// OTLP/HTTP endpoint in the test process (node:http on 127.0.0.1) that goes
// down, answers 503, answers slowly, refuses records; and a child process
// killed with SIGKILL mid-outage. Minutes long by nature (a 60 s outage is a
// 60 s test), so not part of `npm test`; .ci/run runs it after the fast suite.
const TEN_MINUTES = 10 * 60 * 1000;

export default defineConfig({
  test: {
    include: ['test/delivery/faults/**/*.test.ts'],
    testTimeout: TEN_MINUTES,
    hookTimeout: TEN_MINUTES,
    // The files mostly wait (outages, slow answers): two at a time on a 2-core machine.
    maxWorkers: 2,
    globalSetup: ['test/delivery/faults/build-child.ts'],
    typecheck: { enabled: false },
    reporters: process.env.CI ? ['default', ['json', { outputFile: '.ci-results/faults.json' }]] : ['default'],
  },
});
