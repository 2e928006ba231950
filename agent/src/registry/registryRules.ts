/**
 * MLflow's rules for registry input (mlflow/utils/validation.py and model_version_stages.py):
 * model names, version numbers, stages, alias names and tag lengths.
 */
import type { ModelVersionStage } from '@lablog/schema';
import { alreadyExists, invalidParameter, notFound, type MlflowError } from '../errors.js';
import { checkName } from '../mlflow/loggingRules.js';

/** Every stage, in MLflow's order. */
export const ALL_STAGES: readonly ModelVersionStage[] = ['None', 'Staging', 'Production', 'Archived'];
/** Stages whose existing versions a transition may archive. */
export const ACTIVE_STAGES: readonly ModelVersionStage[] = ['Staging', 'Production'];

/** Longest registry tag key. */
export const MAX_REGISTRY_TAG_KEY = 250;
/** Longest registry tag value (MLflow 2.x refuses, rather than truncates, longer ones). */
export const MAX_REGISTRY_TAG_VALUE = 5000;
/** Longest alias name. */
export const MAX_ALIAS_LENGTH = 255;

const ALIAS_RE = /^[\p{L}\p{N}\p{M}_-]*$/u;
const VERSION_ALIAS_RE = /^[vV]\d+$/;

/** @throws INVALID_PARAMETER_VALUE for an empty model name */
export function checkModelName(name: string | undefined): string {
  if (!name) throw invalidParameter('Registered model name cannot be empty.');
  return name;
}

/**
 * A version number from the wire ("3" or 3).
 * @throws INVALID_PARAMETER_VALUE when it is not an integer
 */
export function parseVersion(version: string | number): number {
  const n = typeof version === 'number' ? version : /^\s*[-+]?\d+\s*$/.test(version) ? Number(version) : NaN;
  if (!Number.isSafeInteger(n)) throw invalidParameter(`Model version must be an integer, got '${version}'`);
  return n;
}

/**
 * A stage in MLflow's spelling, whatever its case.
 * @throws INVALID_PARAMETER_VALUE for anything else
 */
export function canonicalStage(stage: string): ModelVersionStage {
  const found = ALL_STAGES.find((s) => s.toLowerCase() === stage.toLowerCase());
  if (!found) throw invalidParameter(`Invalid Model Version stage: ${stage}. Value must be one of ${ALL_STAGES.join(', ')}.`);
  return found;
}

/**
 * Checks an alias name: word characters and dashes, at most 255; `latest` (any case) and
 * `v<digits>` are reserved because model URIs use them for versions.
 * @throws INVALID_PARAMETER_VALUE
 */
export function checkAlias(alias: string): string {
  if (alias === '') throw invalidParameter('Registered model alias name cannot be empty.');
  if (!ALIAS_RE.test(alias)) {
    throw invalidParameter(`Invalid alias name: '${alias}'. Alias names may only contain alphanumerics, underscores (_), and dashes (-).`);
  }
  if (alias.length > MAX_ALIAS_LENGTH) {
    throw invalidParameter(`Registered model alias name '${alias.slice(0, 20)}...' had length ${alias.length}, which exceeded length limit of ${MAX_ALIAS_LENGTH}`);
  }
  if (alias.toLowerCase() === 'latest') throw invalidParameter("'latest' alias name (case insensitive) is reserved.");
  if (VERSION_ALIAS_RE.test(alias)) throw invalidParameter(`Version alias name '${alias}' is reserved.`);
  return alias;
}

/**
 * Checks a registered-model or model-version tag.
 * @throws INVALID_PARAMETER_VALUE for a bad key or a value that is too long
 */
export function checkRegistryTag(key: string, value: string): void {
  checkName('tag', key); // also refuses keys longer than MAX_REGISTRY_TAG_KEY
  if (value.length > MAX_REGISTRY_TAG_VALUE) {
    throw invalidParameter(`Registered model value '${value.slice(0, 20)}...' had length ${value.length}, which exceeded length limit of ${MAX_REGISTRY_TAG_VALUE}`);
  }
}

/**
 * The stage a transition moves to, checked: with `archiveExisting`, only to an active stage
 * (Staging, Production), since only those archive the versions already there.
 * @throws INVALID_PARAMETER_VALUE for an unknown stage or archiving into a non-active one
 */
export function checkTransition(stage: string, archiveExisting: boolean): ModelVersionStage {
  const target = canonicalStage(stage);
  if (archiveExisting && !ACTIVE_STAGES.includes(target)) {
    throw invalidParameter(
      `Model version transition cannot archive existing model versions because '${stage}' is not an Active stage. Valid stages are ${ACTIVE_STAGES.join(', ')}`,
    );
  }
  return target;
}

/** MLflow's answer for a registered model that does not exist (404). */
export function modelNotFound(name: string): MlflowError {
  return notFound(`Registered Model with name=${name} not found`);
}

/** MLflow's answer for a model version that does not exist (404). */
export function versionNotFound(name: string, version: number): MlflowError {
  return notFound(`Model Version (name=${name}, version=${version}) not found`);
}

/** MLflow's answer for a registered model name already taken (400 RESOURCE_ALREADY_EXISTS). */
export function modelExists(name: string): MlflowError {
  return alreadyExists(`Registered Model (name=${name}) already exists.`);
}

/** MLflow's answer for a version number already taken (an import giving numbers). */
export function versionExists(name: string, version: number): MlflowError {
  return alreadyExists(`Model Version (name=${name}, version=${version}) already exists.`);
}

/** MLflow's answer for an alias a model does not have (400, as MLflow). */
export function aliasNotFound(alias: string): MlflowError {
  return invalidParameter(`Registered model alias ${alias} not found.`);
}
