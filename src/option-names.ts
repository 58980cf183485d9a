/**
 * Option names checked at set-up: plain JavaScript has no type check, so a
 * misspelt option (`servicename`, `spool.maxbytes`) would behave like a
 * default. Each option object of factline's set-up functions lists its
 * names once, held to its TypeScript interface at compile time
 * (`optionNames`), and refuses any other.
 */

/**
 * The names of an options interface, as a set. The type argument makes a
 * missing or an extra name a compile error: `optionNames<SpoolOptions>()(['dir', 'maxBytes'])`.
 */
export const optionNames =
  <T>() =>
  <const N extends readonly (keyof T & string)[]>(names: N & ([Exclude<keyof T, N[number]>] extends [never] ? unknown : never)): ReadonlySet<string> =>
    new Set<string>(names);

/**
 * Throws when `o` has an own key that is not in `names`, naming it, a name
 * that differs only in case (`did you mean maxBytes?`) and the options.
 * `where` prefixes each name (`spool.`, `delivery.backoff.`, `createJsonlSink: `).
 *
 * @throws Error `<where><name>: not an option of <owner>; did you mean …? (its options: …)`.
 * @example
 * checkOptionNames({ maxbytes: 1 }, new Set(['dir', 'maxBytes']), 'spool.', 'the spool option');
 * // Error: spool.maxbytes: not an option of the spool option; did you mean maxBytes? (its options: dir, maxBytes)
 */
export function checkOptionNames(o: object, names: ReadonlySet<string>, where: string, owner: string): void {
  for (const name of Object.keys(o)) {
    if (names.has(name)) continue;
    const near = [...names].find((n) => n.toLowerCase() === name.toLowerCase());
    throw new Error(
      `${where}${name}: not an option of ${owner}${near !== undefined ? `; did you mean ${near}?` : ''} (its options: ${[...names].sort().join(', ')})`,
    );
  }
}
