/**
 * Writing one batch of params, tags and metrics into a run, all or nothing: every check runs
 * before anything is written, and the returned promise resolves once everything is durable,
 * with the changes to announce.
 */
import { invalidParameter } from '../errors.js';
import type { Batch } from './FileStore.js';
import type { BatchOrigin } from './MetricLog.js';
import { RUN_NAME_TAG, type StoreEvent } from './records.js';
import type { StoredRun } from './StoredRun.js';

/**
 * Writes `batch` into `run`.
 * @throws INVALID_PARAMETER_VALUE when a param would change value (nothing is written then)
 */
export async function writeBatch(run: StoredRun, batch: Batch, origin: BatchOrigin | undefined): Promise<StoreEvent[]> {
  const runId = run.doc.info.run_id;
  const doc = run.doc;
  const newParams: Record<string, string> = {};
  let paramCount = 0;
  for (const [key, value] of Object.entries(batch.params)) {
    const old = doc.params[key];
    if (old === undefined) {
      newParams[key] = value;
      paramCount++;
    } else if (old !== value) {
      throw invalidParameter(
        `Changing param values is not allowed. Param with key='${key}' was already logged with value='${old}' for run ID='${runId}'. Attempted logging new value '${value}'.`,
      );
    }
  }
  const tagKeys = Object.keys(batch.tags);
  let saved: Promise<void> | null = null;
  if (paramCount > 0 || tagKeys.length > 0) {
    Object.assign(doc.params, newParams);
    Object.assign(doc.tags, batch.tags);
    const name = batch.tags[RUN_NAME_TAG];
    if (name) doc.info.run_name = name;
    saved = run.save();
  }
  const appended = batch.metrics.length > 0 || origin ? run.appendMetrics(batch.metrics, origin) : null;
  const [, lines] = await Promise.all([saved, appended]);
  const { experiment_id } = doc.info;
  const events: StoreEvent[] = [];
  if (paramCount > 0) events.push({ type: 'params', run_id: runId, experiment_id, params: newParams });
  if (tagKeys.length > 0) events.push({ type: 'tags', run_id: runId, experiment_id, tags: batch.tags });
  if (batch.metrics.length > 0) events.push({ type: 'metrics', run_id: runId, experiment_id, metrics: batch.metrics, lines: lines ?? '' });
  return events;
}
