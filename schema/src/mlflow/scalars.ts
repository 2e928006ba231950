/**
 * Scalar wire types of the MLflow REST API (protobuf JSON).
 *
 * MLflow's client writes int64 as JSON numbers, protobuf JSON allows strings; doubles that
 * are not finite travel as the strings "NaN", "Infinity", "-Infinity".
 */
import { Type, type Static } from 'typebox';

/** An int64: a JSON integer, or a decimal string as protobuf JSON allows. */
export const Int64 = Type.Union([Type.Integer(), Type.String({ pattern: '^-?[0-9]{1,19}$' })]);
export type Int64 = Static<typeof Int64>;

/** A double: a JSON number, or one of the strings protobuf JSON uses for non-finite values. */
export const Double = Type.Union([
  Type.Number(),
  Type.Union([Type.Literal('NaN'), Type.Literal('Infinity'), Type.Literal('-Infinity')]),
]);
export type Double = Static<typeof Double>;

/** Run lifecycle status, as enum names. */
export const RunStatus = Type.Union([
  Type.Literal('RUNNING'),
  Type.Literal('SCHEDULED'),
  Type.Literal('FINISHED'),
  Type.Literal('FAILED'),
  Type.Literal('KILLED'),
]);
export type RunStatus = Static<typeof RunStatus>;

/** Which runs or experiments a search returns, by lifecycle stage. */
export const ViewType = Type.Union([Type.Literal('ACTIVE_ONLY'), Type.Literal('DELETED_ONLY'), Type.Literal('ALL')]);
export type ViewType = Static<typeof ViewType>;

/** A `{key, value}` pair: params, run tags, experiment tags. Lengths are checked by the agent (MLflow truncates some). */
export const KeyValue = Type.Object({ key: Type.String(), value: Type.String() });
export type KeyValue = Static<typeof KeyValue>;

/** A query-string list: one value, or the same key repeated. */
export const QueryList = Type.Union([Type.String(), Type.Array(Type.String())]);
export type QueryList = Static<typeof QueryList>;
