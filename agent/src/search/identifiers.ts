/**
 * What `<entity>.<key>` may name in a search filter or order_by, for runs, experiments,
 * registered models and model versions: entity aliases, attribute keys with their types, and
 * key aliases.
 */
import { invalidParameter } from '../errors.js';
import type { IdentSegment, Token } from './lexer.js';

/** Which search a filter or order_by belongs to. */
export type SearchKind = 'run' | 'experiment' | 'registered_model' | 'model_version' | 'logged_model';

/** Run attributes compared as strings. */
export type RunStringAttribute = 'run_id' | 'run_name' | 'status' | 'user_id' | 'artifact_uri' | 'lifecycle_stage';
/** Run attributes compared as numbers (epoch milliseconds). */
export type RunNumericAttribute = 'start_time' | 'end_time';
/** Experiment attributes compared as numbers (epoch milliseconds). */
export type ExperimentNumericAttribute = 'creation_time' | 'last_update_time';
/** Model version attributes compared as strings; `source_path` is the version's `source`. */
export type ModelVersionStringAttribute = 'name' | 'run_id' | 'source_path';
/** Logged model attributes compared as strings. */
export type LoggedModelStringAttribute = 'name' | 'model_id' | 'model_type' | 'status' | 'source_run_id';
/** Logged model attributes compared as numbers (epoch milliseconds). */
export type LoggedModelNumericAttribute = 'creation_timestamp' | 'last_updated_timestamp';
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
const ATTRIBUTE_AND_TAG_ENTITIES = new Set(['attribute', 'attributes', 'attr', 'tag', 'tags']);

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
type AttributeTable = ReadonlyMap<string, { key: string; type: 'string' | 'number' }>;
const NAME_ATTRIBUTE: AttributeTable = new Map([['name', { key: 'name', type: 'string' }]]);
// MLflow's SQL store also takes `timestamp` here, as last_updated_timestamp.
const REGISTERED_MODEL_ORDER_ATTRIBUTES: AttributeTable = new Map([
  ['name', { key: 'name', type: 'string' }],
  ['creation_timestamp', { key: 'creation_timestamp', type: 'number' }],
  ['last_updated_timestamp', { key: 'last_updated_timestamp', type: 'number' }],
  ['timestamp', { key: 'last_updated_timestamp', type: 'number' }],
]);
const MODEL_VERSION_FILTER_ATTRIBUTES: AttributeTable = new Map([
  ['name', { key: 'name', type: 'string' }],
  ['run_id', { key: 'run_id', type: 'string' }],
  ['source_path', { key: 'source_path', type: 'string' }],
  ['version_number', { key: 'version_number', type: 'number' }],
]);
const MODEL_VERSION_ORDER_ATTRIBUTES: AttributeTable = new Map([
  ['name', { key: 'name', type: 'string' }],
  ['version_number', { key: 'version_number', type: 'number' }],
  ['creation_timestamp', { key: 'creation_timestamp', type: 'number' }],
  ['last_updated_timestamp', { key: 'last_updated_timestamp', type: 'number' }],
]);
// MLflow's SearchLoggedModelsUtils: the same keys filter and order; `*_time` are aliases.
const LOGGED_MODEL_ATTRIBUTES: AttributeTable = new Map([
  ['name', { key: 'name', type: 'string' }],
  ['model_id', { key: 'model_id', type: 'string' }],
  ['model_type', { key: 'model_type', type: 'string' }],
  ['status', { key: 'status', type: 'string' }],
  ['source_run_id', { key: 'source_run_id', type: 'string' }],
  ['creation_timestamp', { key: 'creation_timestamp', type: 'number' }],
  ['creation_time', { key: 'creation_timestamp', type: 'number' }],
  ['last_updated_timestamp', { key: 'last_updated_timestamp', type: 'number' }],
  ['last_updated_time', { key: 'last_updated_timestamp', type: 'number' }],
]);
const DATASET_KEYS: ReadonlySet<string> = new Set<DatasetKey>(['name', 'digest', 'context']);

function attributeTable(kind: SearchKind, usage: 'filter' | 'order_by'): AttributeTable {
  switch (kind) {
    case 'run':
      return RUN_ATTRIBUTES;
    case 'experiment':
      return usage === 'filter' ? EXPERIMENT_FILTER_ATTRIBUTES : EXPERIMENT_ORDER_ATTRIBUTES;
    case 'registered_model':
      return usage === 'filter' ? NAME_ATTRIBUTE : REGISTERED_MODEL_ORDER_ATTRIBUTES;
    case 'model_version':
      return usage === 'filter' ? MODEL_VERSION_FILTER_ATTRIBUTES : MODEL_VERSION_ORDER_ATTRIBUTES;
    case 'logged_model':
      return LOGGED_MODEL_ATTRIBUTES;
  }
}

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
  if (kind !== 'run' && kind !== 'logged_model' && written !== undefined && !ATTRIBUTE_AND_TAG_ENTITIES.has(written)) {
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
    const table = attributeTable(kind, usage);
    const attribute = table.get(key);
    if (attribute === undefined) {
      throw invalidParameter(`Invalid attribute key '${key}' specified. Valid keys are '${pySet(table.keys())}'`);
    }
    return { entity, ...attribute };
  }
  if (entity === 'dataset') {
    if (kind === 'logged_model') throw invalidParameter("Invalid entity type 'dataset': logged models filter on datasets with the request's 'datasets' field");
    if (usage === 'order_by') throw invalidParameter(`Invalid order_by entity type 'dataset'`);
    if (!DATASET_KEYS.has(key)) {
      throw invalidParameter(`Invalid dataset key '${key}' specified. Valid keys are '${pySet(DATASET_KEYS)}'`);
    }
    return { entity, key: key as DatasetKey };
  }
  if (kind !== 'run' && kind !== 'logged_model' && usage === 'order_by') {
    const what = kind === 'experiment' ? 'Experiments' : kind === 'registered_model' ? 'Registered models' : 'Model versions';
    throw invalidParameter(`Invalid order_by entity: ${entity}. ${what} can be ordered by attributes only`);
  }
  return { entity, key };
}
