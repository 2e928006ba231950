/**
 * MLflow's log-model history: the tag `mlflow.log-model.history` holds the JSON list of every
 * model a run logged (`runs/log-model`), as Python's `json.dumps` writes it. Both engines append
 * with this rule inside their write of the run, so models logged at once are all kept.
 */
import { pythonJsonDumps } from '../mlflow/pythonJson.js';

/** The tag where MLflow keeps the JSON list of models logged by a run. */
export const LOG_MODEL_HISTORY_TAG = 'mlflow.log-model.history';

/**
 * The history tag's value once `model` is appended.
 * @param previous the tag's current value, if any (a value that is not a JSON list starts a new list)
 */
export function appendLoggedModel(previous: string | undefined, model: object): string {
  let history: unknown[] = [];
  if (previous) {
    try {
      const parsed: unknown = JSON.parse(previous);
      if (Array.isArray(parsed)) history = parsed;
    } catch {
      // a tag set by hand to something else: MLflow would fail here; the new model still counts
    }
  }
  history.push(model);
  return pythonJsonDumps(history);
}
