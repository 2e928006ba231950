/**
 * `GET /api/2.0/lablog/filters/check`: whether a search filter is valid, answered with 200
 * either way. A viewer checks a typed filter here first, so a mistake is shown as the agent's
 * own message without a failed request (which browsers log as a console error).
 */
import { Type, type Static } from 'typebox';

/** The searches whose filter grammar can be checked. */
export const FilterKind = Type.Union([Type.Literal('runs'), Type.Literal('experiments'), Type.Literal('registered_models'), Type.Literal('model_versions')]);
export type FilterKind = Static<typeof FilterKind>;

/** Query of the check. */
export const FilterCheckQuery = Type.Object({ kind: FilterKind, filter: Type.String({ maxLength: 100_000 }) }, { $id: 'lablog.FilterCheckQuery' });
export type FilterCheckQuery = Static<typeof FilterCheckQuery>;

/** A key a filter names: `metrics.loss` is `{ entity: 'metric', key: 'loss' }`. */
export const FilterKey = Type.Object({ entity: Type.Union([Type.Literal('metric'), Type.Literal('param'), Type.Literal('tag')]), key: Type.String() });
export type FilterKey = Static<typeof FilterKey>;

/**
 * Reply: valid, with the filter a viewer should search with (plain words become a name search,
 * and `note` says so); or the error the search would answer (same code and message), with a
 * `hint` where MLflow's message leaves the reason out (params and tags compared as numbers).
 */
export const FilterCheckReply = Type.Union(
  [
    Type.Object({
      valid: Type.Literal(true),
      filter: Type.Optional(Type.String()),
      note: Type.Optional(Type.String()),
      /** The metric, param and tag keys the filter names, so a viewer can say which no run has. */
      keys: Type.Optional(Type.Array(FilterKey)),
    }),
    Type.Object({ valid: Type.Literal(false), error_code: Type.String(), message: Type.String(), hint: Type.Optional(Type.String()) }),
  ],
  { $id: 'lablog.FilterCheckReply' },
);
export type FilterCheckReply = Static<typeof FilterCheckReply>;
