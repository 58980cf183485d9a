import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Builds dist/ once for the package suite, as `npm run build` does: from
 * scratch, so no file of a source since moved or deleted is left in it.
 */
export default function setup(): void {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  rmSync(new URL('../../dist', import.meta.url), { recursive: true, force: true });
  execFileSync(process.execPath, [fileURLToPath(new URL('../../node_modules/typescript/bin/tsc', import.meta.url)), '-p', 'tsconfig.build.json'], {
    cwd: root,
    stdio: 'inherit',
  });
}
