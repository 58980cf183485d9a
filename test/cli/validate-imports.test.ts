import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importGraph } from '../query/import-graph.js';

/*
 * What `factline validate` loads at start-up, before its first line: the
 * command, the line reader and parser, and the generated Intent accept.
 * The catalog and zod (validate-check.ts) are imported at the first line the
 * accept does not prove valid; the Loki client, the query engine and the
 * payload copier not at all. Module loading is part of the CPU time
 * `BENCH_ONLY=readers npm run bench` measures against its floor.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('factline validate’s start-up import graph', () => {
  it('is the command, the line reader and parser, the generated Intent accept and what they need; no package', () => {
    const g = importGraph(ROOT, ['src/cli/main.ts', 'src/cli/validate.ts']);
    expect(g.packages).toEqual([]);
    expect(g.files.filter((f) => /^src\/(query|catalog|emitter|otel|history|sinks)\//.test(f))).toEqual([]);
    expect(g.files.filter((f) => f.startsWith('src/validation/')).sort()).toEqual(['src/validation/clean-json.ts', 'src/validation/limits.ts']);
    expect(g.files).not.toContain('src/cli/options.ts');
    expect(g.files).not.toContain('src/cli/validate-check.ts');
  });
});
