#!/usr/bin/env node
// Prints one plain "label: N passed, N failed, N skipped" line per vitest JSON
// report, and exits non-zero when a report is missing, failed, or ran no test.
import { readFileSync, existsSync } from 'node:fs';

let status = 0;
let passed = 0;
let failed = 0;
let skipped = 0;
for (const file of process.argv.slice(2)) {
  if (!existsSync(file)) {
    console.log(`${file}: missing (the suite did not run)`);
    status = 1;
    continue;
  }
  const r = JSON.parse(readFileSync(file, 'utf8'));
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  skipped += r.numPendingTests + (r.numTodoTests ?? 0);
  if (r.numFailedTests > 0 || r.numTotalTests === 0 || r.success === false) status = 1;
}
console.log(`total: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(status);
