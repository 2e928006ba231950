/**
 * What `<entity>.<key>` may name in a search filter or order_by, for runs and for
 * experiments: entity aliases, attribute keys with their types, and key aliases.
 */
import { invalidParameter } from '../errors.js';
import type { IdentSegment, Token } from './lexer.js';

/** Which search a filter or order_by belongs to. */
export type SearchKind = 'run' | 'experiment';

/** Run attributes compared as strings. */
export type RunStringAttribute = 'run_id' | 'run_name' | 'status' | 'user_id' | 'artifact_uri' | 'lifecycle_stage';
/** Run attributes compared as numbers (epoch milliseconds). */
export type RunNumericAttribute = 'start_time' | 'end_time';
/** Experiment attributes compared as numbers (epoch milliseconds). */
export type ExperimentNumericAttribute = 'creation_time' | 'last_update_time';
/** Dataset input fields a run filter can test; `context` is the input tag `mlflow.data.context`. */
export type DatasetKey = 'name' | 'digest' | 'context';

/** An identifier resolved to its canonical entity and key (aliases translated). */
export type Resolved =
  | { entity: 'metric' | 'param' | 'tag'; key: string }
  | { entity: 'attribute'; key: string; type: 'string' | 'number' }
  | { entity: 'dataset'; key: DatasetKey };

const ENTITY_ALIASES = new Map<string, Resolved['entity']>([
  ['metric', 'metric'],
  ['metrics', 'metric'],
  ['param', 'param'],
  ['params', 'param'],
  ['parameter', 'param'],
  ['parameters', 'param'],
  ['tag', 'tag'],
  ['tags', 'tag'],
  ['attribute', 'attribute'],
  ['attributes', 'attribute'],
  ['attr', 'attribute'],
  ['run', 'attribute'],
  ['dataset', 'dataset'],
  ['datasets', 'dataset'],
]);
const EXPERIMENT_ENTITIES = new Set(['attribute', 'attributes', 'attr', 'tag', 'tags']);

// Canonical key and type of every attribute name accepted, aliases included (MLflow's
// `translate_key_alias`). Attribute names are case-sensitive, as in MLflow.
const RUN_ATTRIBUTES = new Map<string, { key: RunStringAttribute | RunNumericAttribute; type: 'string' | 'number' }>([
  ['run_id', { key: 'run_id', type: 'string' }],
  ['run_name', { key: 'run_name', type: 'string' }],
  ['run name', { key: 'run_name', type: 'string' }],
  ['Run name', { key: 'run_name', type: 'string' }],
  ['Run Name', { key: 'run_name', type: 'string' }],
  ['status', { key: 'status', type: 'string' }],
  ['user_id', { key: 'user_id', type: 'string' }],
  ['artifact_uri', { key: 'artifact_uri', type: 'string' }],
  ['lifecycle_stage', { key: 'lifecycle_stage', type: 'string' }],
  ['start_time', { key: 'start_time', type: 'number' }],
  ['created', { key: 'start_time', type: 'number' }],
  ['Created', { key: 'start_time', type: 'number' }],
  ['end_time', { key: 'end_time', type: 'number' }],
]);
const EXPERIMENT_FILTER_ATTRIBUTES = new Map<string, { key: string; type: 'string' | 'number' }>([
  ['name', { key: 'name', type: 'string' }],
  ['creation_time', { key: 'creation_time', type: 'number' }],
  ['last_update_time', { key: 'last_update_time', type: 'number' }],
]);
const EXPERIMENT_ORDER_ATTRIBUTES = new Map<string, { key: string; type: 'string' | 'number' }>([
  ...EXPERIMENT_FILTER_ATTRIBUTES,
  ['experiment_id', { key: 'experiment_id', type: 'string' }],
]);
const DATASET_KEYS: ReadonlySet<string> = new Set<DatasetKey>(['name', 'digest', 'context']);

/** Formats names the way MLflow's messages print a Python set: `{'a', 'b'}`. */
export function pySet(values: Iterable<string>): string {
  return `{${[...values].map((v) => `'${v}'`).join(', ')}}`;
}

function splitIdentifier(token: Extract<Token, { type: 'ident' }>): { entity?: string; key: string } {
  const [head, ...rest] = token.segments as [IdentSegment, ...IdentSegment[]];
  if (rest.length === 0) return { key: head.text };
  // A quoted key must be the whole key: `tags."a.b"` names one key, `tags.a."b"` is a typo.
  if (rest.length > 1 && rest.some((s) => s.quoted)) {
    throw invalidParameter(
      `Invalid identifier '${token.text}'. Quote the whole key, e.g. tags.\`mlflow.runName\` or tags."mlflow.runName"`,
    );
  }
  return { entity: head.text, key: rest.map((s) => s.text).join('.') };
}

/**
 * Resolves an identifier token to its entity and canonical key. A bare key (no `entity.`)
 * names an attribute, as in MLflow.
 * @param usage order_by accepts a slightly different set of keys than filters.
 * @throws 400 INVALID_PARAMETER_VALUE for an unknown entity, attribute or dataset key.
 */
export function resolveIdentifier(
  token: Extract<Token, { type: 'ident' }>,
  kind: SearchKind,
  usage: 'filter' | 'order_by',
): Resolved {
  const { entity: written, key } = splitIdentifier(token);
  if (key === '') throw invalidParameter(`Invalid identifier '${token.text}': the key is empty`);
  if (kind === 'experiment' && written !== undefined && !EXPERIMENT_ENTITIES.has(written)) {
    throw invalidParameter(
      `Invalid entity type '${written}'. Valid entity types are ('attribute', 'tag', 'tags')`,
    );
  }
  const entity = written === undefined ? 'attribute' : ENTITY_ALIASES.get(written);
  if (entity === undefined) {
    throw invalidParameter(
      `Invalid entity type '${written}'. Valid values are ['metric', 'parameter', 'tag', 'attribute', 'dataset'] ` +
        '(aliases: metrics, param, params, parameters, tags, attributes, attr, run, datasets)',
    );
  }
  if (entity === 'attribute') {
    const table =
      kind === 'run' ? RUN_ATTRIBUTES : usage === 'filter' ? EXPERIMENT_FILTER_ATTRIBUTES : EXPERIMENT_ORDER_ATTRIBUTES;
    const attribute = table.get(key);
    if (attribute === undefined) {
      throw invalidParameter(`Invalid attribute key '${key}' specified. Valid keys are '${pySet(table.keys())}'`);
    }
    return { entity, ...attribute };
  }
  if (entity === 'dataset') {
    if (usage === 'order_by') throw invalidParameter(`Invalid order_by entity type 'dataset'`);
    if (!DATASET_KEYS.has(key)) {
      throw invalidParameter(`Invalid dataset key '${key}' specified. Valid keys are '${pySet(DATASET_KEYS)}'`);
    }
    return { entity, key: key as DatasetKey };
  }
  if (kind === 'experiment' && usage === 'order_by') {
    throw invalidParameter(`Invalid order_by entity: ${entity}. Experiments can be ordered by attributes only`);
  }
  return { entity, key };
}
