/**
 * What the model registry keeps, in the shape `meta/registry.json` holds it (see README "Store
 * layout"). A registered model owns its versions, tags and aliases, so renaming or deleting it
 * carries everything along. Field names follow MLflow's wire names.
 */
import type { ModelVersionStage, ModelVersionStatus } from '@lablog/schema';

/** One version of a registered model. */
export interface ModelVersionRecord {
  /** 1, 2, … per model; never reused after a delete. */
  version: number;
  creation_timestamp: number;
  last_updated_timestamp: number;
  user_id: string;
  current_stage: ModelVersionStage;
  description: string;
  /** The model's location as the client gave it (`mlflow-artifacts:/…`, `runs:/…`, `models:/…`). */
  source: string;
  run_id: string;
  run_link: string;
  status: ModelVersionStatus;
  status_message: string;
  tags: Record<string, string>;
  /**
   * The logged model of this store the version was made from, if any. Not on MLflow's wire: the
   * folder engine writes the version, then the logged model's `mlflow.modelVersions` tag, and
   * this is what lets the tag be completed at the next start after a crash between the two.
   */
  model_id?: string;
}

/** A registered model with its versions (in version order) and aliases. */
export interface RegisteredModelRecord {
  name: string;
  creation_timestamp: number;
  last_updated_timestamp: number;
  user_id: string;
  description: string;
  tags: Record<string, string>;
  /** alias → version number. */
  aliases: Record<string, number>;
  /** The number the next version gets. */
  next_version: number;
  versions: ModelVersionRecord[];
}

/** The document `meta/registry.json`. */
export interface RegistryDoc {
  models: RegisteredModelRecord[];
}

/** A version together with the model it belongs to (what searches and the wire need). */
export interface VersionOf {
  model: RegisteredModelRecord;
  version: ModelVersionRecord;
}

/** Fields of a new registered model; times default to now (an import passes the original ones). */
export interface NewRegisteredModel {
  name: string;
  tags?: Record<string, string>;
  description?: string;
  userId?: string;
  creationTimestamp?: number;
  lastUpdatedTimestamp?: number;
}

/** Fields of a new model version. `version` and `stage` are given only by an import. */
export interface NewModelVersion {
  source: string;
  /** MLflow 3: the logged model the version is made from (else read from a `models:/<model_id>` source). */
  modelId?: string | undefined;
  runId?: string | undefined;
  runLink?: string | undefined;
  description?: string | undefined;
  userId?: string;
  tags?: Record<string, string>;
  version?: number;
  stage?: ModelVersionStage;
  creationTimestamp?: number;
  lastUpdatedTimestamp?: number;
}
