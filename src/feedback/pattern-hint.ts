/**
 * An EventID is `domain.entity.action:version` (docs/eventid.md): a `%`
 * pattern without `:` and without a trailing `%` (`agent.code.generated`)
 * can match no EventID, and silently answers nothing. This names the fix.
 */

/**
 * Why `pattern` cannot match an EventID, with the fix, or undefined when it can.
 *
 * @example
 * eventIdPatternHint('agent.code.generated');
 * // '"agent.code.generated" matches no EventID: an EventID ends in :N, its version; write "agent.code.generated:%" (any version) or "agent.code.generated:1"'
 */
export function eventIdPatternHint(pattern: string): string | undefined {
  if (pattern.includes(':') || pattern.endsWith('%')) return undefined;
  return `${JSON.stringify(pattern)} matches no EventID: an EventID ends in :N, its version; write ${JSON.stringify(`${pattern}:%`)} (any version) or ${JSON.stringify(`${pattern}:1`)}`;
}
