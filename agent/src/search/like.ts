/**
 * SQL LIKE / ILIKE matching: `%` matches any run of characters (also none), `_` exactly one,
 * everything else only itself. There is no escape character, as in MLflow's file store.
 */

// Exactly ECMAScript's syntax characters: under the `u` flag escaping anything else is an error.
const REGEX_SPECIAL = /[\\^$.*+?()[\]{}|]/g;

/**
 * Compiles a LIKE pattern once into a matcher over whole strings.
 * @param pattern the LIKE pattern, e.g. `'%loss'`.
 * @param caseInsensitive true for ILIKE; LIKE (default false) is case-sensitive.
 * @returns a function telling whether a string matches the whole pattern.
 */
export function compileLike(pattern: string, caseInsensitive = false): (value: string) => boolean {
  let source = '';
  for (const ch of pattern) {
    if (ch === '%') source += '.*';
    else if (ch === '_') source += '.';
    else source += ch.replace(REGEX_SPECIAL, '\\$&');
  }
  // `s` so that % and _ also match line breaks; `u` so that _ is one character, not one UTF-16 unit.
  const regex = new RegExp(`^${source}$`, caseInsensitive ? 'isu' : 'su');
  return (value) => regex.test(value);
}
