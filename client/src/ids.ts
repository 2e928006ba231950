/**
 * Random identifiers, from the Web Crypto API every supported runtime has.
 */

/** `bytes` random bytes as lowercase hex (a run id is 16 bytes: 32 hex digits, as MLflow makes them). */
export function randomHex(bytes: number): string {
  const buf = new Uint8Array(bytes);
  globalThis.crypto.getRandomValues(buf);
  let out = '';
  for (const b of buf) out += b.toString(16).padStart(2, '0');
  return out;
}

/** A new run id: 32 lowercase hex digits, the form the agent accepts as a client-chosen `run_id`. */
export function newRunId(): string {
  return randomHex(16);
}
