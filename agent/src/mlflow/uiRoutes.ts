/**
 * Endpoints MLflow's server adds for its own UI, outside the protos, with MLflow's checks and
 * words: `experiments/search-datasets` (the datasets runs of some experiments used),
 * `runs/create-promptlab-run` (a finished run recording one prompt evaluation) and
 * `gateway-proxy` (lablog has no deployments gateway: it answers as MLflow's server with no
 * `MLFLOW_DEPLOYMENTS_TARGET` does, and proxies when that variable is set).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { uiRequests as U } from '@lablog/schema';
import { Readable } from 'node:stream';
import { runArtifacts } from '../artifacts/ArtifactArea.js';
import type { ArtifactRepository } from '../artifacts/ArtifactRepository.js';
import { invalidParameter, MlflowError, type ErrorCode } from '../errors.js';
import type { FileStore } from '../store/FileStore.js';
import type { TrackingStore } from '../store/TrackingStore.js';
import { pythonJsonDumps } from './pythonJson.js';
import { wireRun } from './wire.js';

const MAX_EXPERIMENT_IDS = 20;
const DATASET_CONTEXT_TAG = 'mlflow.data.context';

type KeyValueIn = { key?: unknown; value?: unknown };

function pairs(list: unknown): Array<{ key: string; value: string }> {
  return (Array.isArray(list) ? (list as KeyValueIn[]) : []).map((p) => ({ key: String(p.key), value: typeof p.value === 'string' ? p.value : pythonJsonDumps(p.value) }));
}

/** Registers the UI endpoints under a tracking API prefix. */
export const uiRoutes: FastifyPluginAsyncTypebox<{ store: TrackingStore; files: FileStore; artifacts: ArtifactRepository }> = async (app, { store, files, artifacts }) => {
  app.post('/experiments/search-datasets', { schema: { body: U.SearchDatasets } }, async (req) => {
    const ids = Array.isArray(req.body.experiment_ids) ? (req.body.experiment_ids as unknown[]).map(String) : [];
    if (ids.length === 0) throw invalidParameter('SearchDatasets request must specify at least one experiment_id.');
    if (ids.length > MAX_EXPERIMENT_IDS) {
      throw invalidParameter(`SearchDatasets request cannot specify more than ${MAX_EXPERIMENT_IDS} experiment_ids. Received ${ids.length} experiment_ids.`);
    }
    const seen = new Set<string>();
    const summaries = [];
    for (const run of await allRuns(store, ids)) {
      for (const input of run.inputs) {
        const context = input.tags?.find((t) => t.key === DATASET_CONTEXT_TAG)?.value;
        const summary = { experiment_id: run.info.experiment_id, name: input.dataset.name, digest: input.dataset.digest, ...(context !== undefined ? { context } : {}) };
        const key = JSON.stringify(summary);
        if (seen.has(key)) continue;
        seen.add(key);
        summaries.push(summary);
      }
    }
    return { dataset_summaries: summaries };
  });

  app.post('/runs/create-promptlab-run', { schema: { body: U.CreatePromptlabRun } }, async (req) => {
    const b = req.body;
    for (const field of ['experiment_id', 'prompt_template', 'prompt_parameters', 'model_route', 'model_input', 'mlflow_version'] as const) {
      if (!b[field] || (Array.isArray(b[field]) && (b[field] as unknown[]).length === 0)) {
        throw invalidParameter(`CreatePromptlabRun request must specify ${field}.`);
      }
    }
    const promptParameters = pairs(b.prompt_parameters);
    const modelParameters = pairs(b.model_parameters);
    const outputParameters = pairs(b.model_output_parameters);
    const doc = await store.createRun({
      experimentId: String(b.experiment_id),
      userId: typeof b.user_id === 'string' ? b.user_id : 'unknown',
      runName: typeof b.run_name === 'string' ? b.run_name : '',
      startTime: typeof b.start_time === 'number' ? b.start_time : Date.now(),
      tags: Object.fromEntries(pairs(b.tags).map((t) => [t.key, t.value])),
    });
    const runId = doc.info.run_id;
    const params: Record<string, string> = Object.fromEntries(modelParameters.map((p) => [p.key, p.value]));
    params.model_route = String(b.model_route);
    params.prompt_template = String(b.prompt_template);
    const tags = {
      'mlflow.loggedArtifacts': pythonJsonDumps([{ path: 'eval_results_table.json', type: 'table' }]),
      'mlflow.runSourceType': 'PROMPT_ENGINEERING',
    };
    await store.logBatch(runId, { metrics: [], params, tags });
    // the evaluation table MLflow's UI shows; MLflow also saves a promptlab model, which lablog does not
    const table = {
      columns: [...promptParameters.map((p) => p.key), 'prompt', 'output', ...outputParameters.map((p) => p.key)],
      data: [[...promptParameters.map((p) => p.value), b.model_input, b.model_output ?? null, ...outputParameters.map((p) => p.value)]],
    };
    const area = runArtifacts(files, artifacts, runId);
    const rel = ['eval_results_table.json'];
    const size = await area.repository.put(rel, Readable.from([Buffer.from(pythonJsonDumps(table))]));
    area.changed(rel, size);
    const done = await store.updateRun(runId, { status: 'FINISHED', endTime: Date.now() });
    return { run: wireRun(done) };
  });

  const gateway = async (args: { gateway_path?: string | undefined; json_data?: unknown }, method: string) => {
    const target = process.env.MLFLOW_DEPLOYMENTS_TARGET;
    if (!target) return { endpoints: [] };
    if (!args.gateway_path) throw invalidParameter('Deployments proxy request must specify a gateway_path.');
    const res = await fetch(`${target}/${args.gateway_path}`, {
      method,
      ...(args.json_data !== undefined ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(args.json_data) } : {}),
    });
    const text = await res.text();
    if (res.status === 200) return JSON.parse(text) as unknown;
    throw new MlflowError('INTERNAL_ERROR' as ErrorCode, `Deployments proxy request failed with error code ${res.status}. Error message: ${text}`);
  };
  app.get('/gateway-proxy', { schema: { querystring: U.GatewayProxy } }, async (req) => gateway(req.query, 'GET'));
  app.post('/gateway-proxy', { schema: { body: U.GatewayProxy } }, async (req) => gateway(req.body, 'POST'));
};

/** Every run of the experiments, whatever its lifecycle, page by page. */
async function allRuns(store: TrackingStore, experimentIds: readonly string[]) {
  const runs = [];
  let pageToken: string | undefined;
  do {
    const page = await store.searchRuns(experimentIds, { viewType: 'ALL', maxResults: 50_000, pageToken });
    runs.push(...page.items);
    pageToken = page.nextPageToken;
  } while (pageToken);
  return runs;
}
