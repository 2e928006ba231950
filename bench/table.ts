/**
 * Printing benchmark figures: one row per figure, with the target and, where known, the
 * reference it compares to. Benchmarks report; they never fail on a time.
 */

/** One printed figure. */
export interface Row {
  figure: string;
  value: string;
  target: string;
  reference?: string;
}

/** Prints rows as an aligned Markdown table. */
export function printTable(title: string, rows: readonly Row[]): void {
  const head: Row = { figure: 'figure', value: 'measured', target: 'target', reference: 'reference' };
  const all = [head, ...rows];
  const w = (k: keyof Row) => Math.max(...all.map((r) => (r[k] ?? '').length));
  const line = (r: Row) => `| ${r.figure.padEnd(w('figure'))} | ${r.value.padEnd(w('value'))} | ${r.target.padEnd(w('target'))} | ${(r.reference ?? '').padEnd(w('reference'))} |`;
  process.stdout.write(`\n${title}\n${line(head)}\n|${['figure', 'value', 'target', 'reference'].map((k) => '-'.repeat(w(k as keyof Row) + 2)).join('|')}|\n`);
  for (const r of rows) process.stdout.write(`${line(r)}\n`);
}

/** Formats a number with thousands separators. */
export function fmt(n: number, digits = 0): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

/** Milliseconds since `t0` (from performance.now()). */
export function since(t0: number): number {
  return performance.now() - t0;
}
