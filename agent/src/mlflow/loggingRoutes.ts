/**
 * MLflow logging endpoints: log-metric, log-parameter, log-batch, set-tag, delete-tag,
 * log-inputs, log-model. Every check runs before the store is touched, so a refused request
 * changes nothing.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { runRequests as R } from '@lablog/schema';
import { invalidParameter, missingParameter } from '../errors.js';
import type { TrackingStore } from '../store/TrackingStore.js';
import { metricPoint, toBatch } from './batchInput.js';
import { BATCH_LIMITS, type Metric } from '@lablog/schema';
import type { ModelMetricRecord } from '../loggedModels/loggedModelRecords.js';
import type { MetricPoint } from '../store/records.js';
import { MAX_DATASETS, checkName, truncateValue } from './loggingRules.js';
import { runIdOf } from './requestFields.js';

/** Registers the logging endpoints. */
export const loggingRoutes: FastifyPluginAsyncTypebox<{ store: TrackingStore }> = async (app, { store }) => {
  const none = { metrics: [], params: {}, tags: {} };

  /**
   * MLflow 3: metrics naming a logged model are its metrics too; the store writes them with the
   * run's and checks the models there. The run's history has every point, the model the latest
   * per key and dataset.
   */
  const modelMetrics = (runId: string, wire: readonly Metric[], points: readonly MetricPoint[]): Map<string, ModelMetricRecord[]> | undefined => {
    const byModel = new Map<string, ModelMetricRecord[]>();
    wire.forEach((m, i) => {
      if (!m.model_id) return;
      const p = points[i]!;
      const record: ModelMetricRecord = { key: p.key, value: p.value, timestamp: p.timestamp, step: p.step, run_id: runId };
      if (m.dataset_name) record.dataset_name = m.dataset_name;
      if (m.dataset_digest) record.dataset_digest = m.dataset_digest;
      byModel.set(m.model_id, [...(byModel.get(m.model_id) ?? []), record]);
    });
    return byModel.size > 0 ? byModel : undefined;
  };

  app.post('/runs/log-metric', { schema: { body: R.LogMetric } }, async (req) => {
    const b = req.body;
    const runId = runIdOf(b);
    const point = metricPoint(b);
    const models = modelMetrics(runId, [b], [point]);
    await store.logBatch(runId, { ...none, metrics: [point], ...(models ? { models } : {}) });
    return {};
  });

  app.post('/runs/log-parameter', { schema: { body: R.LogParam } }, async (req) => {
    const b = req.body;
    const key = checkName('param', b.key);
    await store.logBatch(runIdOf(b), { ...none, params: { [key]: truncateValue('param', b.value) } });
    return {};
  });

  app.post('/runs/set-tag', { schema: { body: R.SetTag } }, async (req) => {
    const b = req.body;
    const key = checkName('tag', b.key);
    await store.logBatch(runIdOf(b), { ...none, tags: { [key]: truncateValue('tag', b.value) } });
    return {};
  });

  app.post('/runs/delete-tag', { schema: { body: R.DeleteTag } }, async (req) => {
    await store.deleteTag(req.body.run_id, req.body.key);
    return {};
  });

  app.post('/runs/log-batch', { schema: { body: R.LogBatch }, bodyLimit: BATCH_LIMITS.bytes }, async (req) => {
    const batch = toBatch(req.body);
    const models = modelMetrics(req.body.run_id, req.body.metrics ?? [], batch.metrics);
    await store.logBatch(req.body.run_id, models ? { ...batch, models } : batch);
    return {};
  });

  app.post('/runs/log-inputs', { schema: { body: R.LogInputs } }, async (req) => {
    // MLflow 2 requires datasets; an MLflow 3 client sends only `models` when it logs model inputs
    if (req.body.datasets === undefined && req.body.models === undefined) throw missingParameter('datasets');
    const datasets = req.body.datasets ?? [];
    if (datasets.length > MAX_DATASETS) throw invalidParameter(`At most ${MAX_DATASETS} datasets can be logged at once; got ${datasets.length}.`);
    for (const d of datasets) {
      const ds = d.dataset;
      if (ds.name.length > 500) throw invalidParameter('Dataset name exceeds the maximum length of 500 characters.');
      if (ds.digest.length > 36) throw invalidParameter('Dataset digest exceeds the maximum length of 36 characters.');
      if (ds.source.length > 65535) throw invalidParameter('Dataset source exceeds the maximum length of 65535 characters.');
      if ((ds.schema?.length ?? 0) > 65535) throw invalidParameter('Dataset schema exceeds the maximum length of 65535 characters.');
      for (const t of d.tags ?? []) {
        if (t.key.length > 255) throw invalidParameter('Input tag key exceeds the maximum length of 255 characters.');
        if (t.value.length > 500) throw invalidParameter('Input tag value exceeds the maximum length of 500 characters.');
      }
    }
    await store.logInputs(req.body.run_id, datasets, req.body.models ?? []);
    return {};
  });

  app.post('/runs/log-model', { schema: { body: R.LogModel } }, async (req) => {
    const runId = runIdOf(req.body);
    let model: unknown;
    try {
      model = JSON.parse(req.body.model_json);
    } catch {
      throw invalidParameter("Malformed model info: 'model_json' is not JSON.");
    }
    if (typeof model !== 'object' || model === null || Array.isArray(model)) {
      throw invalidParameter("Malformed model info: 'model_json' must be a JSON object.");
    }
    await store.logModel(runId, model);
    return {};
  });
};
