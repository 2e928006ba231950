/**
 * @lablog/schema — the wire protocol shared by the agent and its clients.
 * JSON Schemas (with `$id`) are the source of truth; the TypeScript types derive from them.
 */
export * from './mlflow/scalars.js';
export * from './mlflow/entities.js';
export * as experimentRequests from './mlflow/experimentRequests.js';
export * as runRequests from './mlflow/runRequests.js';
export * as uiRequests from './mlflow/uiRequests.js';
export * from './mlflow/registryEntities.js';
export * as registryRequests from './mlflow/registryRequests.js';
export * as artifactRequests from './mlflow/artifactRequests.js';
export type { ArtifactList, ProxiedArtifactList, WireFileInfo } from './mlflow/artifactRequests.js';
export * from './mlflow/loggedModelEntities.js';
export * as loggedModelRequests from './mlflow/loggedModelRequests.js';
export * from './live/messages.js';
export * from './mlflow/names.js';
export * from './mlflow/serverInfo.js';
export * from './lablog/downsample.js';
export * from './lablog/runMime.js';
export * from './lablog/sessions.js';
export * from './lablog/cellOutputs.js';
export * from './lablog/systemMetrics.js';
export * from './lablog/filterCheck.js';
export * from './lablog/runCount.js';
export * from './lablog/agentInfo.js';
export * from './rules/metricNumber.js';
export * from './rules/latestMetric.js';
export * from './rules/pageToken.js';
export * from './rules/downsampleBuckets.js';
export * as authRequests from './auth/authRequests.js';
export type { PermissionName, ResourceType, WireUser, ExperimentAccessList, WhoAmI } from './auth/authRequests.js';
