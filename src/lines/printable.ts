/*
 * File content made safe to print: the console sink's escaping, which every
 * reader of an events file uses for what it quotes from a line (the JSON
 * parser's message, an id, a key). Kept beside the line reader so that a
 * reader needs nothing of the sinks.
 */

/*
 * Characters that end a line or reorder text for some reader although JSON
 * leaves them raw: DEL, the C1 controls (U+0085 NEL among them), U+2028 and
 * U+2029 (line ends for Node 24's readline and for JavaScript), and the bidi
 * controls (U+202E can make a value read backwards). Written as `\uXXXX` so
 * that one event is one line that reads as it is.
 */
const UNSAFE_IN_LINE = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * `text` with every line terminator and bidi control that JSON leaves raw
 * written as a `\uXXXX` escape.
 *
 * @example
 * escapeLineBreakers('a\u2028b'); // 'a\\u2028b'
 */
export function escapeLineBreakers(text: string): string {
  return text.replace(UNSAFE_IN_LINE, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

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
