/**
 * A parser for the small subset of YAML the provisioning files are written
 * in: block mappings, block sequences, plain, single- and double-quoted
 * scalars, comments. No YAML library is installed (checked with
 * `ls node_modules | grep -i yaml`), and adding one only for two files is
 * not worth a dependency; instead, anything outside the subset (tabs, flow
 * collections, anchors, block scalars, duplicate keys) fails the test with
 * its line number, so the files stay in a form this parser reads exactly.
 */
export type YamlValue = string | number | boolean | null | YamlValue[] | { [key: string]: YamlValue };

interface Line {
  readonly no: number;
  readonly indent: number;
  text: string;
}

export class YamlSubsetError extends Error {}

function lines(source: string): Line[] {
  const out: Line[] = [];
  source.split('\n').forEach((raw, i) => {
    if (raw.includes('\t')) throw new YamlSubsetError(`line ${i + 1}: tab character`);
    const text = raw.trimEnd();
    const body = text.trimStart();
    if (body === '' || body.startsWith('#')) return;
    out.push({ no: i + 1, indent: text.length - body.length, text: body });
  });
  return out;
}

function scalar(raw: string, no: number): YamlValue {
  const text = raw.trim();
  if (text.startsWith("'")) {
    const m = /^'((?:[^']|'')*)'\s*(#.*)?$/.exec(text);
    if (!m) throw new YamlSubsetError(`line ${no}: bad single-quoted scalar ${text}`);
    return m[1]!.replaceAll("''", "'");
  }
  if (text.startsWith('"')) {
    const m = /^("(?:[^"\\]|\\.)*")\s*(#.*)?$/.exec(text);
    if (!m) throw new YamlSubsetError(`line ${no}: bad double-quoted scalar ${text}`);
    return JSON.parse(m[1]!) as string;
  }
  if (/^[[\]{}&*!|>%@`]/.test(text)) throw new YamlSubsetError(`line ${no}: ${text} is outside the subset (flow collection, anchor, tag or block scalar)`);
  const plain = text.replace(/\s+#.*$/, '');
  if (plain.includes(': ')) throw new YamlSubsetError(`line ${no}: plain scalar with ": " in ${plain}; quote it`);
  if (plain === 'true' || plain === 'false') return plain === 'true';
  if (plain === 'null' || plain === '~') return null;
  if (/^-?[0-9]+$/.test(plain)) return Number(plain);
  return plain;
}

const KEY = /^([A-Za-z0-9_.-]+):(?:\s+(.*))?$/;

function block(ls: Line[], at: { i: number }, indent: number): YamlValue {
  const first = ls[at.i];
  if (!first || first.indent !== indent) throw new YamlSubsetError(`line ${first?.no ?? 'EOF'}: expected a block at indent ${indent}`);
  return first.text === '-' || first.text.startsWith('- ') ? sequence(ls, at, indent) : mapping(ls, at, indent);
}

function mapping(ls: Line[], at: { i: number }, indent: number): YamlValue {
  const out: { [key: string]: YamlValue } = {};
  while (at.i < ls.length && ls[at.i]!.indent === indent && !ls[at.i]!.text.startsWith('- ')) {
    const line = ls[at.i]!;
    const m = KEY.exec(line.text);
    if (!m) throw new YamlSubsetError(`line ${line.no}: expected "key: value", got ${line.text}`);
    const key = m[1]!;
    if (key in out) throw new YamlSubsetError(`line ${line.no}: duplicate key ${key}`);
    at.i++;
    const rest = m[2];
    if (rest !== undefined && rest !== '' && !rest.startsWith('#')) {
      out[key] = scalar(rest, line.no);
    } else {
      const next = ls[at.i];
      if (next && (next.indent > indent || (next.indent === indent && next.text.startsWith('- ')))) out[key] = block(ls, at, next.indent);
      else out[key] = null;
    }
  }
  if (at.i < ls.length && ls[at.i]!.indent > indent) throw new YamlSubsetError(`line ${ls[at.i]!.no}: unexpected indentation`);
  return out;
}

function sequence(ls: Line[], at: { i: number }, indent: number): YamlValue {
  const out: YamlValue[] = [];
  while (at.i < ls.length && ls[at.i]!.indent === indent && (ls[at.i]!.text === '-' || ls[at.i]!.text.startsWith('- '))) {
    const line = ls[at.i]!;
    const item = line.text.slice(1).trimStart();
    if (item === '') {
      at.i++;
      out.push(block(ls, at, ls[at.i]?.indent ?? indent + 2));
    } else if (KEY.test(item)) {
      // "- key: value" starts a mapping whose keys sit two columns in.
      ls[at.i] = { no: line.no, indent: indent + 2, text: item };
      out.push(mapping(ls, at, indent + 2));
    } else {
      at.i++;
      out.push(scalar(item, line.no));
    }
  }
  return out;
}

/** Parses a document of the subset; throws YamlSubsetError on anything else. */
export function parseYamlSubset(source: string): YamlValue {
  const ls = lines(source);
  if (ls.length === 0) return null;
  const at = { i: 0 };
  const value = block(ls, at, ls[0]!.indent);
  if (at.i !== ls.length) throw new YamlSubsetError(`line ${ls[at.i]!.no}: unexpected content`);
  return value;
}
