/**
 * Builders of in-memory runs and experiments for the search specifications, plus the
 * assertion every rejected request shares.
 */
import assert from 'node:assert/strict';
import type { DatasetInput } from '@lablog/schema';
import type { ExperimentRecord, RunDoc } from 'lablog/search';

/** What a test says about a run; everything else gets a plain default. */
export interface RunSpec {
  name: string;
  id?: string;
  start?: number;
  end?: number | null;
  status?: RunDoc['info']['status'];
  user?: string;
  stage?: 'active' | 'deleted';
  metrics?: Record<string, number>;
  params?: Record<string, string>;
  tags?: Record<string, string>;
  inputs?: Array<{ name: string; digest?: string; context?: string }>;
}

let counter = 0;

/** A run document as the store keeps it. Ids default to 32 hex chars derived from a counter. */
export function run(spec: RunSpec): RunDoc {
  counter += 1;
  const id = spec.id ?? counter.toString(16).padStart(32, '0');
  const inputs: DatasetInput[] = (spec.inputs ?? []).map((d) => ({
    ...(d.context === undefined ? {} : { tags: [{ key: 'mlflow.data.context', value: d.context }] }),
    dataset: { name: d.name, digest: d.digest ?? 'd0', source_type: 'local', source: '{}' },
  }));
  return {
    info: {
      run_id: id,
      experiment_id: '1',
      run_name: spec.name,
      user_id: spec.user ?? 'alice',
      status: spec.status ?? 'FINISHED',
      start_time: spec.start ?? 1_700_000_000_000,
      end_time: spec.end === undefined ? 1_700_000_100_000 : spec.end,
      artifact_uri: `mlflow-artifacts:/1/${id}/artifacts`,
      lifecycle_stage: spec.stage ?? 'active',
    },
    params: spec.params ?? {},
    tags: { 'mlflow.runName': spec.name, ...spec.tags },
    inputs,
    latest_metrics: Object.fromEntries(
      Object.entries(spec.metrics ?? {}).map(([k, value]) => [k, { value, timestamp: 1, step: 0 }]),
    ),
    metrics_bytes: 0,
  };
}

/** An experiment record; times default to 1000. */
export function experiment(
  id: string,
  name: string,
  more: Partial<Omit<ExperimentRecord, 'experiment_id' | 'name'>> = {},
): ExperimentRecord {
  return {
    experiment_id: id,
    name,
    artifact_location: `mlflow-artifacts:/${id}`,
    lifecycle_stage: 'active',
    creation_time: 1000,
    last_update_time: 1000,
    tags: {},
    ...more,
  };
}

/** Names of runs, in order: what a user reads off a search result. */
export function names(runs: readonly RunDoc[]): string[] {
  return runs.map((r) => r.info.run_name);
}

/**
 * Asserts that `fn` is rejected the way the REST API reports it: an MlflowError with code
 * INVALID_PARAMETER_VALUE (HTTP 400) whose message matches `message`.
 */
export function assertInvalid(fn: () => unknown, message: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    const e = err as { code?: unknown; status?: unknown; message?: unknown };
    assert.equal(e.code, 'INVALID_PARAMETER_VALUE');
    assert.equal(e.status, 400);
    assert.match(String(e.message), message);
    return true;
  });
}
