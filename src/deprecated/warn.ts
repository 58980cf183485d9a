/**
 * Warns once per process that an entry point was renamed, as Node itself
 * deprecates an API: a `DeprecationWarning` with a code, which
 * `--no-deprecation` silences and `--throw-deprecation` makes fatal.
 */
export function deprecatedEntry(old: string, current: string, code: string): void {
  process.emitWarning(`${old} is deprecated: import ${current} instead (same exports). ${old} will be removed in the next minor release.`, {
    type: 'DeprecationWarning',
    code,
  });
}
