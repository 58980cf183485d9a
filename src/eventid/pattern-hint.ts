/**
 * A `%` pattern that can match no EventID (docs/eventid.md, "Patterns")
 * silently answers nothing; this names the grammar rule it breaks and the fix.
 */
import { explainIssue } from './messages.js';
import { patternIssue } from './pattern.js';

/**
 * Why `pattern` cannot match any EventID, naming the rule of docs/eventid.md it
 * breaks, or undefined when it can match one.
 *
 * @example
 * eventIdPatternHint('agent.code.generated');
 * // '"agent.code.generated" matches no EventID: an EventID ends in :N, its version; write "agent.code.generated:%" (any version) or "agent.code.generated:1"'
 * eventIdPatternHint('a.b.c:0');
 * // '"a.b.c:0" matches no EventID: version 0 at position 6; versions start at 1 (docs/eventid.md, rule 3)'
 */
export function eventIdPatternHint(pattern: string): string | undefined {
  const issue = patternIssue(pattern);
  if (issue === undefined) return undefined;
  const head = `${JSON.stringify(pattern)} matches no EventID`;
  if (issue.code === 'missing_version' && !pattern.includes(':'))
    return `${head}: an EventID ends in :N, its version; write ${JSON.stringify(`${pattern}:%`)} (any version) or ${JSON.stringify(`${pattern}:1`)}`;
  return `${head}: ${explainIssue(issue, pattern)}`;
}
