import { escapeLineBreakers } from '../sinks/console/format.js';

// C0 controls (ESC, BEL, CR, NUL…) JSON would have escaped, but file content
// reaches the CLI's messages raw (a parser's quote of a bad line, an id, a key).
const C0 = /[\u0000-\u0008\u000a-\u001f]/g;

/**
 * `text` from a file, safe to print on a terminal: C0 controls (tab kept),
 * DEL, C1 controls, U+2028/U+2029 and bidi controls written as `\uXXXX`, the
 * console sink's escaping. Every piece of file content a command prints goes
 * through it, so a line cannot move the cursor, ring the bell or reverse text.
 *
 * @example printable('a\u001b[2Jb\u202e') // 'a\\u001b[2Jb\\u202e'
 */
export function printable(text: string): string {
  return escapeLineBreakers(text.replace(C0, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0')));
}
