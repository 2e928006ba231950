/**
 * Writing one batch of params, tags and metrics into a run, all or nothing: the params are
 * checked before anything is written (a param cannot change value), the document's part is
 * written before the metric points, and the returned promise resolves once everything is
 * durable, with the changes to announce.
 */
import { invalidParameter } from '../errors.js';
import type { Batch } from './FileStore.js';
import { assignKeys, getKey, setKey } from './keyedRecord.js';
import type { BatchOrigin } from './MetricLog.js';
import { RUN_NAME_TAG, type RunDoc, type StoreEvent } from './records.js';
import type { StoredRun } from './StoredRun.js';

/** The params of `batch` that `doc` lacks. @throws INVALID_PARAMETER_VALUE when one would change value */
function newParams(doc: RunDoc, batch: Batch): Record<string, string> {
  const fresh: Record<string, string> = {};
  for (const [key, value] of Object.entries(batch.params)) {
    const old = getKey(doc.params, key);
    if (old === undefined) setKey(fresh, key, value);
    else if (old !== value) {
      throw invalidParameter(
        `Changing param values is not allowed. Param with key='${key}' was already logged with value='${old}' for run ID='${doc.info.run_id}'. Attempted logging new value '${value}'.`,
      );
    }
  }
  return fresh;
}

/**
 * Writes `batch` into `run`.
 * @throws INVALID_PARAMETER_VALUE when a param would change value (nothing is written then)
 */
export async function writeBatch(run: StoredRun, batch: Batch, origin: BatchOrigin | undefined): Promise<StoreEvent[]> {
  const tagKeys = Object.keys(batch.tags);
  // checked now so a refused batch costs no write; checked again in the update, which may run later
  let params = newParams(run.doc, batch);
  const change =
    Object.keys(params).length > 0 || tagKeys.length > 0
      ? (d: RunDoc) => {
          params = newParams(d, batch);
          assignKeys(d.params, params);
          assignKeys(d.tags, batch.tags);
          const name = getKey(batch.tags, RUN_NAME_TAG);
          if (name) d.info.run_name = name;
        }
      : null;
  const lines = await run.writeBatch(change, batch.metrics, origin);
  const { run_id, experiment_id } = run.doc.info;
  const events: StoreEvent[] = [];
  if (Object.keys(params).length > 0) events.push({ type: 'params', run_id, experiment_id, params });
  if (tagKeys.length > 0) events.push({ type: 'tags', run_id, experiment_id, tags: batch.tags });
  if (batch.metrics.length > 0) events.push({ type: 'metrics', run_id, experiment_id, metrics: batch.metrics, lines });
  return events;
}
