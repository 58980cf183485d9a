import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/*
 * Vitest strips types without checking them. The dashboards are typed by the
 * foundation SDK's Grafana schema types (dashboard.Dashboard, Panel, the
 * Loki and Tempo query types), so this compiles grafana/src, the generator
 * and everything they import with the project's compiler options
 * (grafana/tsconfig.json, strict) and fails on any diagnostic.
 */
describe('the dashboard sources', () => {
  it("type-check against Grafana's schema types with the project's strict options", () => {
    const configPath = fileURLToPath(new URL('../../grafana/tsconfig.json', import.meta.url));
    const parsed = ts.getParsedCommandLineOfConfigFile(
      configPath,
      { noEmit: true },
      {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: (d) => {
          throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
        },
      },
    )!;
    expect(parsed.errors).toEqual([]);
    expect(parsed.fileNames.some((f) => f.endsWith('grafana/src/intent-loop.ts'))).toBe(true);
    const program = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options });
    const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => {
      const where = d.file && d.start !== undefined ? `${d.file.fileName}:${d.file.getLineAndCharacterOfPosition(d.start).line + 1}: ` : '';
      return where + ts.flattenDiagnosticMessageText(d.messageText, '\n');
    });
    expect(diagnostics).toEqual([]);
  }, 60_000);
});
