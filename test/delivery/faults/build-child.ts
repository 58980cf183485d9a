import { execFileSync } from 'node:child_process';

/**
 * The restart test runs factline in a child process that it kills with
 * SIGKILL; the child imports the compiled package, so build it once first.
 */
export default function setup(): void {
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
}
