/**
 * lablog's own endpoint for drawing long metric histories:
 * `GET /api/2.0/lablog/metrics/downsample`. MLflow's get-history-bulk-interval samples points,
 * which hides spikes; a chart needs, per x bucket, the lowest, highest and last value, so a
 * 1M-point metric draws from ~1000 buckets and refines when the viewer zooms in (a narrower
 * `x_min`..`x_max` gives finer buckets, down to the raw points).
 */
import { Type, type Static } from 'typebox';

/** Query of `GET /api/2.0/lablog/metrics/downsample`. */
export const DownsampleQuery = Type.Object(
  {
    run_id: Type.String({ minLength: 1 }),
    metric_key: Type.String({ minLength: 1 }),
    /** What x is: the step, or the timestamp in ms. Default `step`. */
    x_axis: Type.Optional(Type.Union([Type.Literal('step'), Type.Literal('time')])),
    /** Most buckets in the reply. Default 1000. */
    buckets: Type.Optional(Type.Integer({ minimum: 1, maximum: 20000 })),
    /** Only points with x ≥ x_min (inclusive). */
    x_min: Type.Optional(Type.Number()),
    /** Only points with x ≤ x_max (inclusive). */
    x_max: Type.Optional(Type.Number()),
  },
  { $id: 'lablog.DownsampleQuery' },
);
export type DownsampleQuery = Static<typeof DownsampleQuery>;

/**
 * Reply: one entry per non-empty bucket, in x order, as parallel arrays. `x` is the x of the
 * bucket's last point (so `last` is drawn where it was logged). Values that are not finite
 * (NaN, ±Infinity) are `null` and take no part in min/max. When `exact`, every point in the
 * range is there, one per entry (min = max = last, count = 1).
 */
export const DownsampleReply = Type.Object(
  {
    metric_key: Type.String(),
    x_axis: Type.Union([Type.Literal('step'), Type.Literal('time')]),
    /** Points in the requested range. */
    total: Type.Integer(),
    exact: Type.Boolean(),
    x: Type.Array(Type.Number()),
    min: Type.Array(Type.Union([Type.Number(), Type.Null()])),
    max: Type.Array(Type.Union([Type.Number(), Type.Null()])),
    last: Type.Array(Type.Union([Type.Number(), Type.Null()])),
    count: Type.Array(Type.Integer()),
  },
  { $id: 'lablog.DownsampleReply' },
);
export type DownsampleReply = Static<typeof DownsampleReply>;

/** Runs one bulk request may ask for. */
export const DOWNSAMPLE_BULK_MAX_RUNS = 100;

/**
 * Body of `POST /api/2.0/lablog/metrics/downsample-bulk`: one metric of several runs at once
 * (a comparison's chart), each with its own optional x range — one request instead of one per run.
 */
export const DownsampleBulkRequest = Type.Object(
  {
    metric_key: Type.String({ minLength: 1 }),
    x_axis: Type.Optional(Type.Union([Type.Literal('step'), Type.Literal('time')])),
    buckets: Type.Optional(Type.Integer({ minimum: 1, maximum: 20000 })),
    runs: Type.Array(
      Type.Object({ run_id: Type.String({ minLength: 1 }), x_min: Type.Optional(Type.Number()), x_max: Type.Optional(Type.Number()) }),
      { minItems: 1, maxItems: DOWNSAMPLE_BULK_MAX_RUNS },
    ),
  },
  { $id: 'lablog.DownsampleBulkRequest' },
);
export type DownsampleBulkRequest = Static<typeof DownsampleBulkRequest>;

/** Reply: per run asked (same order), its downsampled history or why it could not be read. */
export const DownsampleBulkReply = Type.Object(
  {
    results: Type.Array(
      Type.Union([
        Type.Object({ run_id: Type.String(), reply: DownsampleReply }),
        Type.Object({ run_id: Type.String(), error_code: Type.String(), message: Type.String() }),
      ]),
    ),
  },
  { $id: 'lablog.DownsampleBulkReply' },
);
export type DownsampleBulkReply = Static<typeof DownsampleBulkReply>;
