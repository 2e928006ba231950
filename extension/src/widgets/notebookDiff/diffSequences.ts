/**
 * The longest-common-subsequence alignment of two sequences, as the edit script a diff shows:
 * items kept, removed from the left, added on the right. Used cell by cell for notebooks and
 * line by line inside a changed cell. Quadratic, fine for notebooks (hundreds of cells,
 * cells of hundreds of lines); beyond `limit` cells the middle is shown as replaced.
 */

/** One step of the edit script. */
export type DiffOp<T> = { kind: 'same'; left: T; right: T } | { kind: 'removed'; left: T } | { kind: 'added'; right: T };

/**
 * Aligns `a` and `b`.
 * @param same whether two items count as the same (e.g. equal source, or equal cell id)
 * @param limit largest `a.length * b.length` aligned exactly
 */
export function diffSequences<T>(a: readonly T[], b: readonly T[], same: (x: T, y: T) => boolean, limit = 4_000_000): DiffOp<T>[] {
  // trim the common head and tail first: most edits are local
  let head = 0;
  while (head < a.length && head < b.length && same(a[head]!, b[head]!)) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && same(a[a.length - 1 - tail]!, b[b.length - 1 - tail]!)) tail++;
  const ops: DiffOp<T>[] = [];
  for (let i = 0; i < head; i++) ops.push({ kind: 'same', left: a[i]!, right: b[i]! });
  const ma = a.slice(head, a.length - tail);
  const mb = b.slice(head, b.length - tail);
  if (ma.length * mb.length > limit) {
    for (const x of ma) ops.push({ kind: 'removed', left: x });
    for (const y of mb) ops.push({ kind: 'added', right: y });
  } else {
    const n = ma.length;
    const m = mb.length;
    // lcs[i][j] = LCS length of ma[i..] and mb[j..]
    const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        lcs[i]![j] = same(ma[i]!, mb[j]!) ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
      }
    }
    let i = 0;
    let j = 0;
    while (i < n && j < m) {
      if (same(ma[i]!, mb[j]!)) ops.push({ kind: 'same', left: ma[i++]!, right: mb[j++]! });
      else if (lcs[i + 1]![j]! >= lcs[i]![j + 1]!) ops.push({ kind: 'removed', left: ma[i++]! });
      else ops.push({ kind: 'added', right: mb[j++]! });
    }
    while (i < n) ops.push({ kind: 'removed', left: ma[i++]! });
    while (j < m) ops.push({ kind: 'added', right: mb[j++]! });
  }
  for (let i = a.length - tail; i < a.length; i++) ops.push({ kind: 'same', left: a[i]!, right: b[i - a.length + b.length]! });
  return ops;
}
