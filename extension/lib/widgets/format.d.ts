/**
 * How values read in every view: dates, durations, metric values, run names and statuses.
 */
import type { WireMetric, WireRun } from '@lablog/schema';
/** `2026-11-23 14:05:09` in local time; empty for no time. */
export declare function formatTime(ms: number | undefined): string;
/** `850ms`, `12.3s`, `4m 05s`, `2h 03m`, `3d 4h`. */
export declare function formatDuration(ms: number | undefined): string;
/** A run's duration: end − start, or now − start while it runs. */
export declare function runDuration(run: WireRun, now?: number): number | undefined;
/** A metric value from the wire (a number, or `"NaN"`/`"Infinity"` strings) as a number. */
export declare function metricNumber(v: WireMetric['value']): number;
/** A number for reading: up to 6 significant digits, exponent for the very large or small. */
export declare function formatNumber(v: number): string;
/** The name to show for a run. */
export declare function runLabel(run: WireRun): string;
/** A tag's value, or undefined. */
export declare function tagOf(run: WireRun, key: string): string | undefined;
