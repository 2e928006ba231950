/**
 * The axes of the parallel-coordinates view: a numeric key is a linear axis from its smallest
 * to its largest value; any other param is a categorical axis, its values evenly spaced.
 */
import type { WireRun } from '@lablog/schema';
import { formatNumber, metricNumber } from '../format.js';
import { isNumericText } from './compareRows.js';

/** A key that can be an axis: `params.<key>` or `metrics.<key>`. */
export interface AxisKey {
  section: 'params' | 'metrics';
  key: string;
  /** `params.lr`, `metrics.loss`. */
  id: string;
}

/** A tick on an axis. */
export interface AxisTick {
  /** 0 at the bottom, 1 at the top. */
  at: number;
  label: string;
}

/** One axis over the compared runs. */
export interface Axis extends AxisKey {
  kind: 'numeric' | 'category';
  /** Logarithmic (a numeric axis whose values are all > 0, when asked). */
  log: boolean;
  /** The value at a position (numeric axes), for brushing; null for a category axis. */
  valueAt: ((at: number) => number) | null;
  ticks: AxisTick[];
  /** Where each run sits on the axis (0 bottom … 1 top), null when it has no value there. */
  positions: Array<number | null>;
  /** Each run's value as text ('' when absent). */
  texts: string[];
}

const byName = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' }).compare;

/** Every param and metric key of the runs, params first, each group sorted by name. */
export function axisKeys(runs: readonly WireRun[]): AxisKey[] {
  const params = new Set<string>();
  const metrics = new Set<string>();
  for (const r of runs) {
    for (const p of r.data.params ?? []) params.add(p.key);
    for (const m of r.data.metrics ?? []) metrics.add(m.key);
  }
  return [
    ...[...params].sort(byName).map((key): AxisKey => ({ section: 'params', key, id: `params.${key}` })),
    ...[...metrics].sort(byName).map((key): AxisKey => ({ section: 'metrics', key, id: `metrics.${key}` })),
  ];
}

/**
 * The axis of `key` over `runs`.
 * @param log a logarithmic axis, where the values allow it (all > 0)
 */
export function buildAxis(key: AxisKey, runs: readonly WireRun[], log = false): Axis {
  const raw = runs.map((r) => valueOf(r, key));
  const present = raw.filter((v): v is string | number => v !== undefined);
  const numeric = present.every((v) => typeof v === 'number' || isNumericText(v));
  const texts = raw.map((v) => (v === undefined ? '' : typeof v === 'number' ? formatNumber(v) : v));
  if (numeric) {
    const nums = raw.map((v) => (v === undefined ? null : Number(v)));
    const finite = nums.filter((n): n is number => n !== null && Number.isFinite(n));
    const min = Math.min(...finite);
    const max = Math.max(...finite);
    const isLog = log && finite.length > 0 && min > 0 && max > min;
    const f = isLog ? Math.log10 : (n: number) => n;
    const [lo, hi] = [f(min), f(max)];
    const at = (n: number): number => (max === min ? 0.5 : (f(n) - lo) / (hi - lo));
    const valueAt = (p: number): number => (max === min ? min : isLog ? 10 ** (lo + p * (hi - lo)) : lo + p * (hi - lo));
    const tickValues = isLog ? logTicks(min, max) : niceTicks(min, max);
    const ticks = finite.length === 0 ? [] : max === min ? [{ at: 0.5, label: formatNumber(min) }] : tickLabels(tickValues).map(([v, label]) => ({ at: at(v), label }));
    return { ...key, kind: 'numeric', log: isLog, valueAt, ticks, texts, positions: nums.map((n) => (n !== null && Number.isFinite(n) && (!isLog || n > 0) ? at(n) : null)) };
  }
  const categories = [...new Set(present.map(String))].sort(byName);
  const at = (i: number): number => (categories.length === 1 ? 0.5 : i / (categories.length - 1));
  return {
    ...key,
    kind: 'category',
    log: false,
    valueAt: null,
    ticks: categories.map((label, i) => ({ at: at(i), label })),
    texts,
    positions: raw.map((v) => (v === undefined ? null : at(categories.indexOf(String(v))))),
  };
}

function valueOf(run: WireRun, key: AxisKey): string | number | undefined {
  if (key.section === 'params') return run.data.params?.find((p) => p.key === key.key)?.value;
  const m = run.data.metrics?.find((p) => p.key === key.key);
  return m === undefined ? undefined : metricNumber(m.value);
}

/**
 * Round values between `min` and `max` to label an axis with (steps of 1, 2 or 5 times a power
 * of ten, about `count` of them), plus the ends when no round value is near them.
 */
export function niceTicks(min: number, max: number, count = 5): number[] {
  const raw = (max - min) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const ticks: number[] = [];
  const first = Math.ceil(min / step - 1e-9);
  for (let i = first; i * step <= max + step * 1e-9; i++) ticks.push(tidy(i * step));
  // the ends carry the data's own min and max; a round tick too close to one gives way to it
  const end = (v: number, inner: number | undefined): 'keep' | 'replace' | 'add' => (inner === v ? 'keep' : inner !== undefined && Math.abs(inner - v) <= step / 2 ? 'replace' : 'add');
  const lo = end(min, ticks[0]);
  if (lo !== 'keep') ticks.splice(0, lo === 'replace' ? 1 : 0, min);
  const hi = end(max, ticks.at(-1));
  if (hi !== 'keep') ticks.splice(ticks.length - (hi === 'replace' ? 1 : 0), hi === 'replace' ? 1 : 0, max);
  return ticks;
}

/** Each tick with its label: as every number reads, or every digit where that would repeat a label. */
function tickLabels(ticks: number[]): Array<[number, string]> {
  const short = ticks.map(formatNumber);
  const labels = new Set(short).size === short.length ? short : ticks.map(String);
  return ticks.map((v, i) => [v, labels[i] ?? String(v)]);
}

/** Powers of ten between `min` and `max` (> 0), with the ends. */
function logTicks(min: number, max: number): number[] {
  const ticks = [min];
  for (let e = Math.ceil(Math.log10(min)); 10 ** e < max; e++) if (10 ** e > min * 1.5 && 10 ** e < max / 1.5) ticks.push(10 ** e);
  ticks.push(max);
  return ticks;
}

/** Rounds away float noise of stepped ticks (0.30000000000000004). */
function tidy(n: number): number {
  return Number(n.toPrecision(12));
}
