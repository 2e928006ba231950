/**
 * `POST /api/2.0/lablog/runs/count`: how many runs a runs/search with the same experiments,
 * filter and view type would find across all its pages — what MLflow's API never says, and a
 * runs table's pager shows ("1–100 of 5,000") and jumps with.
 */
import { Type, type Static } from 'typebox';
import { ViewType } from '../mlflow/scalars.js';

/** The search to count: the fields of a runs/search request that choose runs. */
export const RunCountRequest = Type.Object(
  {
    experiment_ids: Type.Array(Type.String({ maxLength: 256 }), { minItems: 1, maxItems: 100 }),
    filter: Type.Optional(Type.String({ maxLength: 100_000 })),
    run_view_type: Type.Optional(ViewType),
  },
  { $id: 'lablog.RunCountRequest', additionalProperties: false },
);
export type RunCountRequest = Static<typeof RunCountRequest>;

/** Reply: the number of matching runs. */
export const RunCountReply = Type.Object({ count: Type.Integer({ minimum: 0 }) }, { $id: 'lablog.RunCountReply' });
export type RunCountReply = Static<typeof RunCountReply>;
