/**
 * The one byte range of an HTTP `Range` header that artifact downloads honour.
 */
import type { ByteRange } from './ArtifactRepository.js';

/** Past any real file size: an open range (`bytes=100-`) runs to the end of the file. */
const TO_END = Number.MAX_SAFE_INTEGER;

/**
 * Reads `Range: bytes=a-b`, `bytes=a-` or `bytes=-n` (the last n bytes).
 * @returns the range, or undefined for no header, several ranges, another unit or a malformed
 *   one: all of these get the whole file, as RFC 9110 lets a server answer
 */
export function parseRange(header: string | undefined): ByteRange | undefined {
  const m = header === undefined ? null : /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m) return undefined;
  const [, from = '', to = ''] = m;
  if (from === '' && to === '') return undefined;
  if (from === '') {
    // a suffix: resolved against the size by the repository, so it is asked as "from the end"
    const n = Number(to);
    return n > 0 ? { start: -n, end: TO_END } : undefined;
  }
  const start = Number(from);
  const end = to === '' ? TO_END : Number(to);
  return Number.isSafeInteger(start) && Number.isSafeInteger(end) && end >= start ? { start, end } : undefined;
}

/**
 * `range` within a file of `size` bytes: a suffix (negative start) counted from the end, the end
 * clamped to the last byte.
 * @returns undefined when the range starts past the end of the file (HTTP's 416)
 */
export function rangeWithin(range: ByteRange, size: number): ByteRange | undefined {
  const start = range.start < 0 ? Math.max(0, size + range.start) : range.start;
  if (start >= size) return undefined;
  return { start, end: Math.min(range.end, size - 1) };
}
