/**
 * What the run page says about a run beyond `runs/get`'s fields: its source, its parent, its
 * system tags, the models it logged (MLflow 2's `mlflow.log-model.history` tag and MLflow 3's
 * model outputs).
 */
import type { KeyValue, WireRun } from '@lablog/schema';
import { tagOf } from '../format.js';

/** Tags MLflow itself sets start with this. */
export const SYSTEM_TAG_PREFIX = 'mlflow.';

/** The parent run's id (`mlflow.parentRunId`), if the run is nested. */
export function parentRunId(run: WireRun): string | undefined {
  return tagOf(run, 'mlflow.parentRunId') || undefined;
}

/** Where the run came from: `mlflow.source.name` with its type, e.g. `train.ipynb (NOTEBOOK)`. */
export function sourceOf(run: WireRun): string {
  const name = tagOf(run, 'mlflow.source.name');
  const type = tagOf(run, 'mlflow.source.type');
  if (!name) return type ?? '';
  return type ? `${name} (${type})` : name;
}

/** User tags and MLflow's system tags (`mlflow.*`), each sorted by key. */
export function splitTags(run: WireRun): { user: KeyValue[]; system: KeyValue[] } {
  const tags = [...(run.data.tags ?? [])].sort((a, b) => a.key.localeCompare(b.key));
  return { user: tags.filter((t) => !t.key.startsWith(SYSTEM_TAG_PREFIX)), system: tags.filter((t) => t.key.startsWith(SYSTEM_TAG_PREFIX)) };
}

/** A model the run logged. */
export interface LoggedModelRef {
  /** MLflow 3 model id, or the artifact path of an MLflow 2 model. */
  name: string;
  /** The artifact folder (MLflow 2), for a link into the run's artifacts. */
  artifactPath?: string;
  flavors: string[];
  created?: string;
  step?: number;
}

/** The models a run logged. */
export function loggedModels(run: WireRun): LoggedModelRef[] {
  const out: LoggedModelRef[] = [];
  const history = tagOf(run, 'mlflow.log-model.history');
  if (history) {
    try {
      const list = JSON.parse(history) as Array<{ artifact_path?: string; flavors?: Record<string, unknown>; utc_time_created?: string }>;
      for (const m of Array.isArray(list) ? list : []) {
        if (!m || typeof m.artifact_path !== 'string') continue;
        out.push({ name: m.artifact_path, artifactPath: m.artifact_path, flavors: Object.keys(m.flavors ?? {}), ...(m.utc_time_created ? { created: m.utc_time_created } : {}) });
      }
    } catch {
      // a tag that is not MLflow's JSON: nothing to list
    }
  }
  for (const o of run.outputs?.model_outputs ?? []) out.push({ name: o.model_id, flavors: [], step: o.step });
  return out;
}
