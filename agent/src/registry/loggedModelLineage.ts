/**
 * MLflow 3's link between a model version and the logged model it was made from: the version's
 * `model_id` (given, or read from a `models:/<model_id>` source), the run it falls back to (the
 * logged model's `source_run_id`), and the `mlflow.modelVersions` tag MLflow's server keeps on the
 * logged model (`AbstractStore.set_model_versions_tags`).
 */

/** The tag on a logged model listing the model versions made from it, as MLflow's server writes it. */
export const MODEL_VERSIONS_TAG = 'mlflow.modelVersions';

/**
 * The logged model a new model version comes from: the request's `model_id`, else the id in a
 * `models:/<model_id>` source; undefined for other sources.
 */
export function sourceModelId(source: string, modelId: string | undefined): string | undefined {
  if (modelId) return modelId;
  return /^models:\/+(m-[0-9a-f]{32})\/?$/i.exec(source)?.[1];
}

// Python's json.dumps: ", " and ": " separators, non-ASCII escaped (ensure_ascii).
function pyJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(pyJson).join(', ')}]`;
  if (typeof v === 'object' && v !== null) {
    return `{${Object.entries(v).map(([k, x]) => `${pyJson(k)}: ${pyJson(x)}`).join(', ')}}`;
  }
  if (typeof v === 'string') return JSON.stringify(v).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return JSON.stringify(v) ?? 'null';
}

/**
 * The `mlflow.modelVersions` tag value once version `version` of `name` is added: the existing
 * list (a JSON list the client may have extended too) with `{"name", "version": <int>}` appended
 * unless that exact entry is there already, written as Python's `json.dumps` writes it. An
 * existing value that is not a JSON list is replaced.
 */
export function withModelVersion(existing: string | undefined, name: string, version: number): string {
  const list = versionList(existing);
  return pyJson(lists(list, name, version) ? list : [...list, { name, version }]);
}

/** Whether the `mlflow.modelVersions` tag value `existing` lists version `version` of `name`. */
export function listsModelVersion(existing: string | undefined, name: string, version: number): boolean {
  return lists(versionList(existing), name, version);
}

function versionList(existing: string | undefined): unknown[] {
  try {
    const parsed: unknown = existing === undefined ? [] : JSON.parse(existing);
    if (Array.isArray(parsed)) return parsed;
  } catch {
    // not JSON: MLflow would fail here; start the list afresh instead
  }
  return [];
}

const lists = (list: readonly unknown[], name: string, version: number) =>
  list.some((e) => typeof e === 'object' && e !== null && (e as { name?: unknown }).name === name && (e as { version?: unknown }).version === version);

/**
 * The run a new version records: the request's, else the source run of the logged model it is
 * made from (MLflow 3 registers `models:/<model_id>` without a run id).
 */
export function versionRunId(runId: string | undefined, loggedSourceRunId: string | undefined): string | undefined {
  return runId || loggedSourceRunId || runId;
}
