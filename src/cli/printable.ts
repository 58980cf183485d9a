/** The CLI's name for the console sink's escaping of file content (`printable` in `src/sinks/console/format.ts`). */
export { printable } from '../sinks/console/format.js';
