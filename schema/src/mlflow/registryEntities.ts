/**
 * MLflow model registry entities as they travel on the wire (`model_registry.proto`, proto
 * field names). Version numbers are strings on the wire ("1", "2", …).
 */
import type { KeyValue } from './scalars.js';

/** The stages a model version can be in, with MLflow's spelling. */
export type ModelVersionStage = 'None' | 'Staging' | 'Production' | 'Archived';

/** Registration status of a model version; lablog versions are READY as soon as they exist. */
export type ModelVersionStatus = 'PENDING_REGISTRATION' | 'FAILED_REGISTRATION' | 'READY';

/** Wire form of a ModelVersion. */
export interface WireModelVersion {
  name: string;
  version: string;
  creation_timestamp: number;
  last_updated_timestamp: number;
  user_id?: string;
  current_stage: ModelVersionStage;
  description: string;
  source: string;
  run_id: string;
  status: ModelVersionStatus;
  status_message?: string;
  tags?: KeyValue[];
  run_link: string;
  aliases?: string[];
}

/** An alias of a registered model and the version it points at. */
export interface WireRegisteredModelAlias {
  alias: string;
  version: string;
}

/** Wire form of a RegisteredModel. `latest_versions` holds one version per stage. */
export interface WireRegisteredModel {
  name: string;
  creation_timestamp: number;
  last_updated_timestamp: number;
  user_id?: string;
  description?: string;
  latest_versions?: WireModelVersion[];
  tags?: KeyValue[];
  aliases?: WireRegisteredModelAlias[];
}
