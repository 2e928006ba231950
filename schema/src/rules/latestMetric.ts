/**
 * Which point of a metric is its latest value — what `runs/get` shows in `data.metrics`, what a
 * runs table or compare view shows live, what search filters and sorts on: the highest step; on
 * equal steps, the newest timestamp; on equal both, the one logged later. Every part of lablog
 * that keeps a latest value uses this rule (the PostgreSQL store in SQL, in the same order).
 */

/** The parts of a point the rule reads. */
export interface StepAndTime {
  step: number;
  timestamp: number;
}

/** True when `next`, logged after `current`, replaces it as the latest value. */
export function replacesLatest(next: StepAndTime, current: StepAndTime): boolean {
  return next.step > current.step || (next.step === current.step && next.timestamp >= current.timestamp);
}
