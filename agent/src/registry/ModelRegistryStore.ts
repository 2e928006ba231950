/**
 * The model registry as a store interface, beside `TrackingStore` and shaped like MLflow's
 * `AbstractStore` of `mlflow/store/model_registry`: one async operation per MLflow verb, records
 * out that callers never edit, and every rule that reads existing state inside the operation —
 * name uniqueness, version numbering (never reused), stage transitions with
 * archive_existing_versions, one version per alias, deleting a model or version with what hangs on
 * it, the logged-model lineage of a new version — so a refused or failed operation changes nothing.
 * Every committed change reaches viewers as a `registry` event on the store's change feed.
 *
 * Routes validate the request's shape and call one operation. Engines: `FileModelRegistry`
 * (`meta/registry.json` of a folder store) and `PgModelRegistry` (the team server's database);
 * `openStores` picks one with the tracking store.
 */
import type { SearchRegistryRequest } from '../search/searchRegistry.js';
import type { Page } from '../search/pageToken.js';
import type { NewModelVersion, NewRegisteredModel, RegisteredModelRecord, VersionOf } from './registryRecords.js';

/** The model registry store. */
export interface ModelRegistryStore {
  // ---- registered models
  /** @throws RESOURCE_ALREADY_EXISTS when the name is taken; INVALID_PARAMETER_VALUE for an empty name or a bad tag */
  createRegisteredModel(spec: NewRegisteredModel): Promise<RegisteredModelRecord>;
  /** The model with its versions, tags and aliases. @throws RESOURCE_DOES_NOT_EXIST, INVALID_PARAMETER_VALUE (empty name) */
  getRegisteredModel(name: string): Promise<RegisteredModelRecord>;
  /** @throws INVALID_PARAMETER_VALUE for a bad filter, order_by, page size or token */
  searchRegisteredModels(req: SearchRegistryRequest): Promise<Page<RegisteredModelRecord>>;
  /** Renames a model; its versions and aliases go with it. @throws RESOURCE_ALREADY_EXISTS, RESOURCE_DOES_NOT_EXIST */
  renameRegisteredModel(name: string, newName: string): Promise<RegisteredModelRecord>;
  /** Sets a model's description. @throws RESOURCE_DOES_NOT_EXIST */
  updateRegisteredModel(name: string, description: string): Promise<RegisteredModelRecord>;
  /** Deletes a model with all its versions, tags and aliases. @throws RESOURCE_DOES_NOT_EXIST */
  deleteRegisteredModel(name: string): Promise<void>;
  /** Sets (or overwrites) a model tag. @throws RESOURCE_DOES_NOT_EXIST, INVALID_PARAMETER_VALUE */
  setRegisteredModelTag(name: string, key: string, value: string): Promise<void>;
  /** Deletes a model tag; an absent tag is not an error (MLflow's behaviour). @throws RESOURCE_DOES_NOT_EXIST for the model */
  deleteRegisteredModelTag(name: string, key: string): Promise<void>;

  // ---- model versions
  /**
   * Creates the model's next version, READY at once. A version made from a logged model of this
   * store (`modelId`, or a `models:/<model_id>` source) falls back to its run and is listed in the
   * logged model's `mlflow.modelVersions` tag, in the same operation.
   * @throws RESOURCE_DOES_NOT_EXIST for the model; RESOURCE_ALREADY_EXISTS for an imported number taken
   */
  createModelVersion(name: string, spec: NewModelVersion): Promise<VersionOf>;
  /** @throws RESOURCE_DOES_NOT_EXIST when the model or the version does not exist */
  getModelVersion(name: string, version: number): Promise<VersionOf>;
  /** Sets a version's description. @throws RESOURCE_DOES_NOT_EXIST */
  updateModelVersion(name: string, version: number, description: string): Promise<VersionOf>;
  /**
   * Moves a version to `stage` (any case). With `archiveExisting`, the model's other versions in
   * that stage move to Archived, in the same operation; only Staging and Production allow that.
   * @throws INVALID_PARAMETER_VALUE for an unknown stage or archiving from a non-active one; RESOURCE_DOES_NOT_EXIST
   */
  transitionModelVersionStage(name: string, version: number, stage: string, archiveExisting: boolean): Promise<VersionOf>;
  /** Deletes a version and the aliases that pointed at it; its number is not given out again. @throws RESOURCE_DOES_NOT_EXIST */
  deleteModelVersion(name: string, version: number): Promise<void>;
  /** @throws INVALID_PARAMETER_VALUE for a bad filter, order_by, page size or token */
  searchModelVersions(req: SearchRegistryRequest): Promise<Page<VersionOf>>;
  /** Sets (or overwrites) a version tag. @throws RESOURCE_DOES_NOT_EXIST, INVALID_PARAMETER_VALUE */
  setModelVersionTag(name: string, version: number, key: string, value: string): Promise<void>;
  /** Deletes a version tag; an absent tag is not an error. @throws RESOURCE_DOES_NOT_EXIST for the version */
  deleteModelVersionTag(name: string, version: number, key: string): Promise<void>;

  // ---- aliases
  /** Points an alias at a version, moving it if it pointed elsewhere. @throws INVALID_PARAMETER_VALUE, RESOURCE_DOES_NOT_EXIST */
  setRegisteredModelAlias(name: string, alias: string, version: number): Promise<void>;
  /** Removes an alias; an absent one is not an error. @throws RESOURCE_DOES_NOT_EXIST for a missing model */
  deleteRegisteredModelAlias(name: string, alias: string): Promise<void>;
  /** The version an alias points at. @throws INVALID_PARAMETER_VALUE when there is no such alias (as MLflow) */
  getModelVersionByAlias(name: string, alias: string): Promise<VersionOf>;
}
