/**
 * MLflow 3 logged models as a store interface, beside `TrackingStore` (MLflow's `AbstractStore`
 * keeps them with the runs: `create_logged_model`, `finalize_logged_model`, …): one async
 * operation per verb, records out that callers never edit, and the rules that read existing
 * state inside the operation — the experiment is active, a param never changes value, the latest
 * metric per key and dataset, a deleted model is no longer found.
 *
 * Engines: `FileLoggedModels` (`models/<model_id>/model.json` of a folder store) and
 * `PgLoggedModels` (the team server's database); `openStores` picks one with the tracking store.
 * A model's artifact files are the artifact repository's either way.
 */
import type { LoggedModelStatus } from '@lablog/schema';
import type { Page } from '../search/pageToken.js';
import type { LoggedModelDoc } from './loggedModelRecords.js';
import type { NewLoggedModel } from './loggedModelRules.js';
import type { SearchLoggedModelsRequest } from './searchLoggedModels.js';

export type { NewLoggedModel };

/** The logged-model store. */
export interface LoggedModelStore {
  /** Creates a model, PENDING until finalized. @throws RESOURCE_DOES_NOT_EXIST for an unknown experiment, INVALID_PARAMETER_VALUE for a deleted one */
  createLoggedModel(spec: NewLoggedModel): Promise<LoggedModelDoc>;
  /** @throws RESOURCE_DOES_NOT_EXIST when absent or deleted */
  getLoggedModel(modelId: string): Promise<LoggedModelDoc>;
  /** The model, or null when absent or deleted. */
  findLoggedModel(modelId: string): Promise<LoggedModelDoc | null>;
  /** Sets a model's status (READY once its files are uploaded, UPLOAD_FAILED when that failed). @throws RESOURCE_DOES_NOT_EXIST */
  finalizeLoggedModel(modelId: string, status: LoggedModelStatus): Promise<LoggedModelDoc>;
  /** Deletes a model: it is no longer found; its files stay. @throws RESOURCE_DOES_NOT_EXIST */
  deleteLoggedModel(modelId: string): Promise<void>;
  /** Models of the experiments that match, sorted, one page. @throws INVALID_PARAMETER_VALUE for a bad filter, order_by, page size or token */
  searchLoggedModels(experimentIds: readonly string[], req: SearchLoggedModelsRequest): Promise<Page<LoggedModelDoc>>;
  /** Sets (or overwrites) tags. @throws RESOURCE_DOES_NOT_EXIST */
  setLoggedModelTags(modelId: string, tags: Record<string, string>): Promise<LoggedModelDoc>;
  /** @throws RESOURCE_DOES_NOT_EXIST when the model or the tag is absent */
  deleteLoggedModelTag(modelId: string, key: string): Promise<void>;
  /** Logs params, all or none. @throws INVALID_PARAMETER_VALUE when a param would change value; RESOURCE_DOES_NOT_EXIST */
  logLoggedModelParams(modelId: string, params: Record<string, string>): Promise<LoggedModelDoc>;
}
