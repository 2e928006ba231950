/**
 * A get-history page's JSON body, as MLflow writes it: `{"metrics":[…]}`, with `next_page_token`
 * when another page follows — exactly the bytes of
 * `JSON.stringify({ metrics: points.map(wireMetric), next_page_token })`, written by
 * `writePointJson` (store/PointJson.ts says why: a million-point history is forty such pages,
 * and encoding them was most of the agent's time for the read).
 */
import { writePointJson } from '../store/PointJson.js';
import type { MetricPoint } from '../store/records.js';

/** The page's body; values that are not finite are MLflow's strings ("NaN", "Infinity", "-Infinity"). */
export function metricsPageJson(points: readonly MetricPoint[], nextPageToken?: string): Buffer {
  return writePointJson(points.length, points[0]?.key, (w) => {
    w.text('{"metrics":[');
    for (let i = 0; i < points.length; i++) {
      if (i > 0) w.char(',');
      w.point(points[i]!);
    }
    w.text(nextPageToken === undefined ? ']}' : `],"next_page_token":${JSON.stringify(nextPageToken)}}`);
  });
}
