/**
 * Reading an artifact download without taking more of it than a preview needs: a 5 GB log
 * shows its first megabyte, and the rest is never transferred.
 */

/** The first bytes of a body, and whether there was more. */
export interface BodyHead {
  bytes: Uint8Array;
  /** True when the body went on past `limit` (the rest was not read). */
  truncated: boolean;
}

/**
 * Reads at most `limit` bytes of `res`'s body, then cancels the rest of the download.
 * @param limit bytes to keep (≥ 0)
 */
export async function readHead(res: Response, limit: number): Promise<BodyHead> {
  const body = res.body;
  if (!body) {
    const all = new Uint8Array(await res.arrayBuffer());
    return all.length > limit ? { bytes: all.slice(0, limit), truncated: true } : { bytes: all, truncated: false };
  }
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let truncated = false;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.length;
    if (size > limit) {
      truncated = true;
      // the preview has what it needs: stop the transfer
      await reader.cancel().catch(() => undefined);
      break;
    }
  }
  const bytes = new Uint8Array(Math.min(size, limit));
  let at = 0;
  for (const c of chunks) {
    const take = Math.min(c.length, bytes.length - at);
    bytes.set(take === c.length ? c : c.subarray(0, take), at);
    at += take;
    if (at >= bytes.length) break;
  }
  return { bytes, truncated };
}

/** Drops a body nobody will read (a preview that was replaced before its download ended). */
export function discardBody(res: Response): void {
  res.body?.cancel().catch(() => undefined);
}

/**
 * UTF-8 text of bytes; a character cut in half at the end of a truncated head is left out
 * rather than shown as a replacement character.
 */
export function decodeText(bytes: Uint8Array, truncated: boolean): string {
  return new TextDecoder('utf-8').decode(bytes, { stream: truncated });
}
