/**
 * @lablog/client — the lablog client for Node ≥ 20, Deno and browsers (published as
 * `lablog/client`): runs, params, metrics, tags, artifacts and datasets batched over the
 * agent's live channel (or MLflow's REST API), acknowledged, spooled while the server is away;
 * live events as async iterators.
 */
export { Lablog, type StartRunOptions, type WatchScope } from './Lablog.js';
export { Run, type MetricOptions } from './Run.js';
export { Watcher, type WatchEvent, type WatchSnapshot, type WatchGap, type WatchOptions } from './Watcher.js';
export type { LablogOptions } from './options.js';
export type { FlushReport, PendingCounts } from './FlushReport.js';
export type { ClientError } from './errors.js';
export { RequestError } from './RestClient.js';
export { NotebookSessions } from './NotebookSessions.js';
export { Edits, NOTE_TAG } from './Edits.js';
export { TeamAccess } from './TeamAccess.js';
export { Queries, type Page, type ViewType, type SearchRunsOptions, type SearchExperimentsOptions, type DownsampleOptions } from './Queries.js';
export { applyLiveEvent, runFromEvent, withLatest } from './liveRun.js';
