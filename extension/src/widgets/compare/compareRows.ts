/**
 * The rows of the side-by-side table: params, then latest metrics, then tags (without MLflow's
 * own `mlflow.*` ones); one cell per run; a row differs when its runs do not all hold the same
 * value (a run without the key counts as a value of its own).
 */
import type { WireRun } from '@lablog/schema';
import { formatNumber, metricNumber } from '../format.js';

/** The parts of a run the table compares. */
export type RowSection = 'params' | 'metrics' | 'tags';

/** One run's value in a row. */
export interface CompareCell {
  /** What the cell shows ('' when the run has no such key). */
  text: string;
  /** A number: right-aligned. */
  numeric: boolean;
  /** The full value (hover text) when `text` is shortened, e.g. a metric's every digit and its step. */
  title?: string;
  missing: boolean;
}

/** One key across the runs. */
export interface CompareRow {
  section: RowSection;
  key: string;
  /** `params.lr`, `metrics.loss`, `tags.team`: the key as the MLflow filter grammar names it. */
  id: string;
  cells: CompareCell[];
  /** Not every run holds the same value. */
  differ: boolean;
}

/** Section titles, in table order. */
export const SECTIONS: ReadonlyArray<[RowSection, string]> = [
  ['params', 'Parameters'],
  ['metrics', 'Metrics (latest)'],
  ['tags', 'Tags'],
];

const byName = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' }).compare;

/** True for a param value that reads as a number (`0.01`, `1e-3`, `64`). */
export function isNumericText(s: string): boolean {
  return s.trim() !== '' && Number.isFinite(Number(s));
}

/** The rows comparing `runs` (in their order), params first, keys sorted by name. */
export function compareRows(runs: readonly WireRun[]): CompareRow[] {
  const rows: CompareRow[] = [];
  for (const [section] of SECTIONS) {
    const perRun = runs.map((r) => valuesOf(r, section));
    const keys = new Set<string>();
    for (const m of perRun) for (const k of m.keys()) keys.add(k);
    for (const key of [...keys].sort(byName)) {
      const values = perRun.map((m) => m.get(key));
      rows.push({ section, key, id: `${section}.${key}`, cells: values.map((v) => cellOf(section, v)), differ: !allSame(values) });
    }
  }
  return rows;
}

type Value = string | { value: number; step: number };

function valuesOf(run: WireRun, section: RowSection): Map<string, Value> {
  const out = new Map<string, Value>();
  if (section === 'params') for (const p of run.data.params ?? []) out.set(p.key, p.value);
  else if (section === 'tags') {
    for (const t of run.data.tags ?? []) if (!t.key.startsWith('mlflow.')) out.set(t.key, t.value);
  } else for (const m of run.data.metrics ?? []) out.set(m.key, { value: metricNumber(m.value), step: m.step });
  return out;
}

function cellOf(section: RowSection, v: Value | undefined): CompareCell {
  if (v === undefined) return { text: '', numeric: false, missing: true };
  if (typeof v === 'string') return { text: v, numeric: section === 'params' && isNumericText(v), missing: false };
  return { text: formatNumber(v.value), numeric: true, title: `${v.value} (step ${v.step})`, missing: false };
}

function allSame(values: Array<Value | undefined>): boolean {
  const first = values[0];
  return values.every((v) => same(v, first));
}

function same(a: Value | undefined, b: Value | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  // a metric compares by value only: the step it was logged at is not a difference
  return Object.is(a.value, b.value) || a.value === b.value;
}
