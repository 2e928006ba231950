/**
 * Records keyed by user-chosen names (params, tags): every key is an ordinary key. Plain
 * `obj[key]` would read `constructor` or `toString` from Object.prototype and `obj[key] = v`
 * would turn `__proto__` into a prototype change, so keys are read with `Object.hasOwn` and
 * written as own properties.
 */

/** The value of `key` in `rec` when `rec` has it as its own key. */
export function getKey<T>(rec: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(rec, key) ? rec[key] : undefined;
}

/** Whether `rec` holds `key` itself. */
export function hasKey(rec: Readonly<Record<string, unknown>>, key: string): boolean {
  return Object.hasOwn(rec, key);
}

/** Sets `key` in `rec` as an own property, whatever the key. */
export function setKey<T>(rec: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(rec, key, { value, writable: true, enumerable: true, configurable: true });
}

/** Copies every own key of `source` into `target` (Object.assign would run `__proto__`'s setter). */
export function assignKeys<T>(target: Record<string, T>, source: Readonly<Record<string, T>>): void {
  for (const key of Object.keys(source)) setKey(target, key, source[key] as T);
}
