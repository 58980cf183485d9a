import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Compiles the sources (and the fixture catalog module) with the project's
 * own tsc into a directory under node_modules/.cache, so a test can run the
 * CLI the way a user runs it: `node …/src/cli/main.js`. Returns that directory.
 */
export function buildCli(): string {
  const dir = join(ROOT, 'node_modules', '.cache', `factline-cli-test-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      extends: join(ROOT, 'tsconfig.json'),
      compilerOptions: { rootDir: ROOT, outDir: join(dir, 'out'), declaration: false, sourceMap: false },
      include: [join(ROOT, 'src'), join(ROOT, 'test', 'fixtures', 'catalog')],
    }),
  );
  execFileSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(dir, 'tsconfig.json')], { stdio: 'inherit' });
  return join(dir, 'out');
}
