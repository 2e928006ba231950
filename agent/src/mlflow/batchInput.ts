/**
 * A log-batch request (REST `runs/log-batch`, or a `log` message on the live channel) turned
 * into a store batch: limits checked, names checked, values converted and truncated.
 */
import type { KeyValue, Metric } from '@lablog/schema';
import type { Batch } from '../store/FileStore.js';
import type { MetricPoint } from '../store/records.js';
import { checkBatchSize, checkName, keyValues } from './loggingRules.js';
import { double, int64 } from './requestFields.js';

/** One wire metric as a store point. @throws INVALID_PARAMETER_VALUE for a bad name or number */
export function metricPoint(m: Metric): MetricPoint {
  return {
    key: checkName('metric', m.key),
    value: double(m.value),
    timestamp: int64(m.timestamp, 'timestamp'),
    step: m.step === undefined ? 0 : int64(m.step, 'step'),
  };
}

/** The parts of a batch as they arrive. */
export interface BatchRequest {
  metrics?: Metric[] | undefined;
  params?: KeyValue[] | undefined;
  tags?: KeyValue[] | undefined;
}

/** Checks a whole batch and converts it. @throws INVALID_PARAMETER_VALUE */
export function toBatch(req: BatchRequest): Batch {
  checkBatchSize(req.metrics?.length ?? 0, req.params?.length ?? 0, req.tags?.length ?? 0);
  return {
    metrics: req.metrics ? req.metrics.map(metricPoint) : [],
    params: keyValues('param', req.params),
    tags: keyValues('tag', req.tags),
  };
}
