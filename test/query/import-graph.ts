import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import ts from 'typescript';

/*
 * The modules a module loads at run time: its static imports and
 * re-exports, followed through the repository's own files, and the packages
 * it names. `import type` / `export type` are erased by the compiler
 * (tsconfig has verbatimModuleSyntax: an `import { type A }` still loads its
 * module, so it counts). Dynamic `import()` is followed only when asked:
 * what a command loads on demand is a separate question from what loading it
 * costs.
 */

export interface ImportGraph {
  /** Repository files reached, relative to the root, sorted. */
  files: string[];
  /** Packages named by a bare specifier (`zod`, `@lezer/lr`), sorted. */
  packages: string[];
}

function specifiers(file: string, dynamic: boolean): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const out: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      if (node.importClause?.isTypeOnly !== true && ts.isStringLiteral(node.moduleSpecifier)) out.push(node.moduleSpecifier.text);
    } else if (ts.isExportDeclaration(node)) {
      if (!node.isTypeOnly && node.moduleSpecifier !== undefined && ts.isStringLiteral(node.moduleSpecifier)) out.push(node.moduleSpecifier.text);
    } else if (dynamic && ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const arg = node.arguments[0];
      if (arg !== undefined && ts.isStringLiteral(arg)) out.push(arg.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

function packageName(spec: string): string {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/** Walks the graph from `entries` (paths relative to `root`). */
export function importGraph(root: string, entries: readonly string[], options: { dynamic?: boolean } = {}): ImportGraph {
  const files = new Set<string>();
  const packages = new Set<string>();
  const queue = entries.map((e) => resolve(root, e));
  while (queue.length > 0) {
    const file = queue.pop()!;
    const rel = relative(root, file);
    if (files.has(rel)) continue;
    files.add(rel);
    for (const spec of specifiers(file, options.dynamic === true)) {
      if (spec.startsWith('node:')) continue;
      if (!spec.startsWith('.')) {
        packages.add(packageName(spec));
        continue;
      }
      queue.push(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
    }
  }
  return { files: [...files].sort(), packages: [...packages].sort() };
}
