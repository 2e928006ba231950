/**
 * @lablog/schema — the wire protocol shared by the agent and its clients.
 * JSON Schemas (with `$id`) are the source of truth; the TypeScript types derive from them.
 */
export * from './mlflow/scalars.js';
export * from './mlflow/entities.js';
export * as experimentRequests from './mlflow/experimentRequests.js';
export * as runRequests from './mlflow/runRequests.js';
export * from './live/messages.js';
