import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importGraph } from './import-graph.js';

/*
 * The LogQL engine knows no product: what `factline/query-runner`
 * (src/query/index.ts) loads reaches no catalog, no EventID parser, no zod
 * and nothing of Intent. Intent's flat lines are a line format plugged in
 * from src/intent (flat-format.ts), which loads its wire-name table and the
 * engine's entry helpers only.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PRODUCT = /^src\/(intent|catalog|eventid)\//;

describe('the query engine’s import graph', () => {
  it('src/query/index.ts reaches no file of src/intent, src/catalog or src/eventid, and not zod', () => {
    const g = importGraph(ROOT, ['src/query/index.ts']);
    expect(g.files.filter((f) => PRODUCT.test(f))).toEqual([]);
    expect(g.packages).not.toContain('zod');
    expect(g.files.every((f) => f.startsWith('src/query/') || f.startsWith('src/lines/'))).toBe(true);
  });

  it('the factline query command reaches none of them either; on its first local query it adds the engine and the Intent line format alone', () => {
    const command = importGraph(ROOT, ['src/cli/query.ts']);
    expect(command.files.filter((f) => PRODUCT.test(f))).toEqual([]);
    expect(command.packages).not.toContain('zod');
    // What src/cli/options.ts's localBackend loads: loadTool('query-runner') and the Intent format.
    const onQuery = importGraph(ROOT, ['src/cli/query.ts', 'src/query/index.ts', 'src/intent/flat-format.ts']);
    expect(onQuery.files.filter((f) => PRODUCT.test(f))).toEqual(['src/intent/flat-format.ts', 'src/intent/wire-names.ts']);
    expect(onQuery.packages).not.toContain('zod');
  });

  it('follows re-exports and value imports, not `import type`', () => {
    const g = importGraph(ROOT, ['src/query/index.ts']);
    // index.ts re-exports local-backend.ts, which imports scan.ts, which imports src/lines.
    expect(g.files).toEqual(expect.arrayContaining(['src/query/local-backend.ts', 'src/query/scan.ts', 'src/lines/read-lines.ts']));
    // parse.ts imports `type { SyntaxNode }` from @lezer/common only as a type.
    expect(g.packages).not.toContain('@lezer/common');
    expect(g.packages).toContain('@grafana/lezer-logql');
  });
});
