/** The CLI's name for the console sink's escaping of file content (`printable` in `src/lines/printable.ts`). */
export { printable } from '../lines/printable.js';
