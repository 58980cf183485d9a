import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/*
 * The OpenTelemetry SDK packages are the service's, of either SDK line, and
 * loaded only when factline's own pipeline is built (src/otel/sdk.ts). So
 * no module of src/ imports a value from one (a type import is erased), and
 * none names a package that only one line has (@opentelemetry/api-logs:
 * SDK 2; @opentelemetry/sdk-trace-base: SDK 2, replaced by sdk-trace).
 */
const src = fileURLToPath(new URL('../../src', import.meta.url));
function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

describe('the imports of src/', () => {
  it('take only @opentelemetry/api as a value; SDK packages as types, their values through sdkPackage', () => {
    const offending: string[] = [];
    for (const file of files(src)) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/^import\s+(type\s+)?[^;]*?from\s+'(@opentelemetry\/[^']+)'/gms)) {
        const [statement, typeOnly, specifier] = m;
        if (specifier === '@opentelemetry/api') continue;
        if (/api-logs|sdk-trace-base/.test(specifier!)) offending.push(`${relative(src, file)}: ${specifier} (one SDK line only)`);
        else if (!typeOnly) offending.push(`${relative(src, file)}: a value import from ${specifier}: ${statement.split('\n')[0]}`);
      }
      for (const m of text.matchAll(/import\(\s*'(@opentelemetry\/[^']+)'\s*\)/g)) {
        if (!/^\s*'@opentelemetry\/[^']+': typeof import\(/m.test(text.slice(Math.max(0, m.index! - 80), m.index! + 200)))
          offending.push(`${relative(src, file)}: import('${m[1]}')`);
      }
    }
    expect(offending).toEqual([]);
  });
});
