/**
 * Type-checks every `@example` block of the doc comments under src/.
 *
 * An example is code a reader copies, so it must compile against the code it
 * documents: an example that drifts from its function's signature fails
 * `npm test` (test/jsdoc-examples.test.ts runs this check).
 *
 * How an example becomes a module: the block's lines, without the leading
 * ` * ` and without a ```ts fence if it has one, are placed in a file next to
 * the source file they document (in memory only), so that file's exports are
 * in scope under their own names. Names the example uses but neither declares
 * nor finds in its own module come from test/support/jsdoc-givens.ts: the
 * `catalog`, `emitter`, `user_id` and the like that an example takes as given.
 * `factline` and `factline/<entry>` resolve to the sources. A result written
 * as a trailing comment (`f(x); // 'y'`) is documentation, not checked.
 *
 * Run: `npx vitest run test/jsdoc-examples.test.ts`, or on Node 22.6+
 * `node --experimental-strip-types scripts/jsdoc-examples.ts` (prints each
 * example that does not compile, exits 1 if any).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** One `@example` block. */
export interface JsdocExample {
  /** Source file, relative to the repository root (`src/setup.ts`). */
  file: string;
  /** 1-based line of the `@example` tag. */
  line: number;
  /** The code, one string, comment markers removed. */
  code: string;
}

/** An example that does not compile, with the compiler's messages. */
export interface ExampleProblem {
  /** `src/setup.ts:84`, where the `@example` tag is. */
  at: string;
  code: string;
  /** `line N of the example: message`, one per diagnostic. */
  messages: string[];
}

const GIVENS = 'test/support/jsdoc-givens.ts';

/** Every `@example` block in `src/**\/*.ts`, in file and line order. */
export function extractExamples(root: string): JsdocExample[] {
  const out: JsdocExample[] = [];
  for (const file of sourceFiles(join(root, 'src'))) {
    const text = readFileSync(file, 'utf8');
    out.push(...examplesIn(relative(root, file), text));
  }
  return out;
}

/** The `@example` blocks in one file's text. */
export function examplesIn(file: string, text: string): JsdocExample[] {
  const out: JsdocExample[] = [];
  const lines = text.split('\n');
  let inComment = false;
  let current: { line: number; body: string[] } | undefined;
  const finish = () => {
    if (current === undefined) return;
    const body = stripFence(current.body);
    while (body.length > 0 && body[body.length - 1]!.trim() === '') body.pop();
    if (body.some((l) => l.trim() !== '')) out.push({ file, line: current.line, code: body.join('\n') });
    current = undefined;
  };
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    if (!inComment) {
      if (/^\s*\/\*\*/.test(raw) && !/\*\/\s*$/.test(raw)) inComment = true;
      continue;
    }
    const closes = /\*\/\s*$/.test(raw);
    const content = raw.replace(/\*\/\s*$/, '').replace(/^\s*\* ?/, '');
    if (/^\s*@example\b/.test(content)) {
      finish();
      current = { line: i + 1, body: [] };
      const rest = content.replace(/^\s*@example\b\s*/, '');
      if (rest !== '') current.body.push(rest);
    } else if (/^\s*@\w+/.test(content)) {
      finish();
    } else if (current !== undefined && !(closes && content.trim() === '')) {
      current.body.push(content);
    }
    if (closes) {
      finish();
      inComment = false;
    }
  }
  return out;
}

function stripFence(body: string[]): string[] {
  const lines = body.slice();
  while (lines.length > 0 && lines[0]!.trim() === '') lines.shift();
  if (lines.length > 0 && /^\s*```/.test(lines[0]!)) {
    lines.shift();
    const end = lines.findIndex((l) => /^\s*```\s*$/.test(l));
    if (end !== -1) lines.splice(end);
  }
  return lines;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...sourceFiles(p));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** Names an example declares at its top level (imports included): never imported for it. */
function declaredNames(code: string): Set<string> {
  const sf = ts.createSourceFile('example.ts', code, ts.ScriptTarget.ES2022, false, ts.ScriptKind.TS);
  const names = new Set<string>();
  const addBinding = (n: ts.BindingName) => {
    if (ts.isIdentifier(n)) names.add(n.text);
    else for (const el of n.elements) if (!ts.isOmittedExpression(el)) addBinding(el.name);
  };
  for (const s of sf.statements) {
    if (ts.isVariableStatement(s)) for (const d of s.declarationList.declarations) addBinding(d.name);
    else if (
      (ts.isFunctionDeclaration(s) || ts.isClassDeclaration(s) || ts.isInterfaceDeclaration(s) || ts.isTypeAliasDeclaration(s) || ts.isEnumDeclaration(s)) &&
      s.name
    )
      names.add(s.name.text);
    else if (ts.isImportDeclaration(s) && s.importClause) {
      if (s.importClause.name) names.add(s.importClause.name.text);
      const nb = s.importClause.namedBindings;
      if (nb && ts.isNamespaceImport(nb)) names.add(nb.name.text);
      else if (nb) for (const el of nb.elements) names.add(el.name.text);
    }
  }
  return names;
}

function compilerOptions(root: string): ts.CompilerOptions {
  const configPath = join(root, 'tsconfig.json');
  const parsed = ts.parseJsonConfigFileContent(ts.readConfigFile(configPath, ts.sys.readFile).config, ts.sys, root);
  return {
    ...parsed.options,
    noEmit: true,
    // An example shows a call; what it leaves unused is no defect of it.
    noUnusedLocals: false,
    noUnusedParameters: false,
    // The prelude imports a module's types and values alike.
    verbatimModuleSyntax: false,
    isolatedModules: false,
    // The examples use the package by its name, as a reader would.
    baseUrl: root,
    paths: { factline: ['src/index.ts'], 'factline/*': ['src/*/index.ts'] },
  };
}

/**
 * Compiles every example (one program for all) and returns those that do not
 * compile. `root` is the repository root.
 */
export function checkExamples(root: string, examples: JsdocExample[] = extractExamples(root)): ExampleProblem[] {
  root = resolve(root);
  const options = compilerOptions(root);
  const givensPath = join(root, GIVENS);
  const sources = [...new Set(examples.map((e) => join(root, e.file)))];

  // First pass: what each documented module and the givens export.
  const base = ts.createProgram([...sources, givensPath], options);
  const checker = base.getTypeChecker();
  const exportsOf = (path: string): string[] => {
    const sf = base.getSourceFile(path);
    const sym = sf && checker.getSymbolAtLocation(sf);
    return sym
      ? checker
          .getExportsOfModule(sym)
          .map((s) => s.name)
          .filter((n) => n !== 'default')
      : [];
  };
  const givens = exportsOf(givensPath);

  const virtual = new Map<string, { example: JsdocExample; prelude: number }>();
  const texts = new Map<string, string>();
  examples.forEach((example, i) => {
    const src = join(root, example.file);
    const dir = dirname(src);
    const own = exportsOf(src);
    const declared = declaredNames(example.code);
    const ownNames = own.filter((n) => !declared.has(n));
    const ownSet = new Set(own);
    const givenNames = givens.filter((n) => !declared.has(n) && !ownSet.has(n));
    const spec = (p: string) => {
      const r = relative(dir, p).replace(/\.ts$/, '.js');
      return r.startsWith('.') ? r : `./${r}`;
    };
    const prelude = [
      ownNames.length > 0 ? `import { ${ownNames.join(', ')} } from '${spec(src)}';` : '',
      givenNames.length > 0 ? `import { ${givenNames.join(', ')} } from '${spec(givensPath)}';` : '',
      'export {};',
    ];
    const path = join(dir, `__jsdoc_example_${i}__.ts`);
    virtual.set(path, { example, prelude: prelude.length });
    texts.set(path, `${prelude.join('\n')}\n${example.code}\n`);
  });

  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  const readFile = host.readFile.bind(host);
  host.getSourceFile = (name, lang, onError, create) => {
    const t = texts.get(name);
    return t !== undefined ? ts.createSourceFile(name, t, lang) : getSourceFile(name, lang, onError, create);
  };
  host.fileExists = (name) => texts.has(name) || fileExists(name);
  host.readFile = (name) => texts.get(name) ?? readFile(name);

  const program = ts.createProgram([...texts.keys()], options, host, base);
  const problems: ExampleProblem[] = [];
  for (const [path, { example, prelude }] of virtual) {
    const sf = program.getSourceFile(path)!;
    const diags = [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)];
    if (diags.length === 0) continue;
    problems.push({
      at: `${example.file}:${example.line}`,
      code: example.code,
      messages: diags.map((d) => {
        const line = d.start !== undefined ? sf.getLineAndCharacterOfPosition(d.start).line - prelude + 1 : 0;
        return `line ${line} of the example: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
      }),
    });
  }
  return problems;
}

/** One problem as text: where, the messages, the code. */
export function describeProblem(p: ExampleProblem): string {
  return `${p.at}\n${p.messages.map((m) => `  ${m}`).join('\n')}\n${p.code.replace(/^/gm, '    | ')}`;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const examples = extractExamples(root);
  const problems = checkExamples(root, examples);
  for (const p of problems) process.stdout.write(`${describeProblem(p)}\n\n`);
  process.stdout.write(`${examples.length} @example blocks, ${problems.length} that do not compile\n`);
  process.exitCode = problems.length > 0 ? 1 : 0;
}
