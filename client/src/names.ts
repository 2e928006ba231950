/**
 * MLflow's name rules (shared with the agent through @lablog/schema), checked in the client so
 * that one bad name costs only its own point instead of the whole batch the agent would refuse.
 */

export { MAX_KEY_LENGTH, nameProblem } from '@lablog/schema';

/** A short description of a value for an error message. */
export function describe(v: unknown): string {
  if (typeof v === 'string') return `'${v.length > 40 ? `${v.slice(0, 40)}...` : v}'`;
  if (typeof v === 'bigint') return `${v}n`;
  if (v === null || typeof v !== 'object') return String(v);
  try {
    const s = JSON.stringify(v);
    return s.length > 40 ? `${s.slice(0, 40)}...` : s;
  } catch {
    return Object.prototype.toString.call(v);
  }
}
