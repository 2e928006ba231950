/**
 * Which inputs a run does not have yet. A run uses a dataset once, as in MLflow's SQL
 * store (an input is a dataset — name and digest — and a run): logged again (MLflow 3 re-logs it
 * with every `log_metric(dataset=…)`, without tags), it keeps its first input and that input's
 * tags. Both engines ask this one rule.
 */
import type { DatasetInput } from '@lablog/schema';
import type { ModelInputRecord } from './records.js';

function inputKey(i: DatasetInput): string {
  return `${i.dataset.name}\u0000${i.dataset.digest}`;
}

/** The inputs of `logged` that are new to a run that has `existing` (each new one once). */
export function newDatasetInputs(existing: readonly DatasetInput[], logged: readonly DatasetInput[]): DatasetInput[] {
  const known = new Set(existing.map(inputKey));
  return logged.filter((i) => {
    const k = inputKey(i);
    if (known.has(k)) return false;
    known.add(k);
    return true;
  });
}

/** The model inputs of `logged` new to a run that has `existing`: a model is an input of a run once. */
export function newModelInputs(existing: readonly ModelInputRecord[], logged: readonly ModelInputRecord[]): ModelInputRecord[] {
  const known = new Set(existing.map((m) => m.model_id));
  return logged.filter((m) => !known.has(m.model_id) && (known.add(m.model_id), true)).map((m) => ({ model_id: m.model_id }));
}
