/**
 * `lablog/search`: MLflow-compatible search over runs, experiments and the model registry held in memory —
 * filter grammar, order_by, page tokens. Pure functions, no I/O.
 */
export type { ExperimentRecord, RunDoc } from '../store/records.js';
export { parseFilter } from './filterParser.js';
export type {
  Clause,
  ExperimentClause,
  ListOp,
  ListTest,
  LoggedModelClause,
  ModelVersionClause,
  NumberTest,
  NumericOp,
  RegisteredModelClause,
  RunClause,
  StringOp,
  StringTest,
} from './filterParser.js';
export type {
  DatasetKey,
  ExperimentNumericAttribute,
  LoggedModelNumericAttribute,
  LoggedModelStringAttribute,
  ModelVersionStringAttribute,
  RunNumericAttribute,
  RunStringAttribute,
  SearchKind,
} from './identifiers.js';
export { compileLike } from './like.js';
export { compileRunFilter, matchesRun, type RunPredicate } from './runFilter.js';
export { compileExperimentFilter, type ExperimentPredicate } from './experimentFilter.js';
export { experimentComparator, parseOrderBy, runComparator, runIndexSorter, runOrderKey, runSorter, type Comparator, type OrderTerm } from './orderBy.js';
export { firstSorted } from './firstSorted.js';
export {
  SEARCH_MAX_RESULTS_DEFAULT,
  SEARCH_MAX_RESULTS_THRESHOLD,
  checkMaxResults,
  decodePageToken,
  encodePageToken,
  pageOf,
  type Page,
} from './pageToken.js';
export { countRuns, inView, searchRuns, searchRunsWith, type RunHolder, type SearchRunsRequest, type SearchRunsResult, type SortedRunSource } from './searchRuns.js';
export { searchExperiments, type SearchExperimentsRequest, type SearchExperimentsResult } from './searchExperiments.js';
export { compileModelVersionFilter, compileRegisteredModelFilter, type ModelVersionPredicate, type RegisteredModelPredicate } from './registryFilter.js';
export { MODEL_VERSIONS_PAGE, REGISTERED_MODELS_PAGE, searchModelVersions, searchRegisteredModels, type SearchRegistryRequest } from './searchRegistry.js';
export type { ModelVersionRecord, RegisteredModelRecord, VersionOf } from '../registry/registryRecords.js';
