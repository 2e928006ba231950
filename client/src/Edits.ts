/**
 * What a viewer changes, through the MLflow REST API so that an MLflow client sees it at once
 * and every other viewer sees it live: runs (rename, description, tags, delete/restore),
 * experiments (create, rename, delete/restore) and the model registry (register a version,
 * aliases, stages, descriptions, tags, delete). Every method rejects with a `RequestError`
 * carrying the server's MLflow error code.
 */
import type { WireModelVersion, WireRegisteredModel } from '@lablog/schema';
import type { RestClient } from './RestClient.js';

/** The tag MLflow keeps a run's (and an experiment's) description in, as Markdown. */
export const NOTE_TAG = 'mlflow.note.content';

/** Write calls against a tracking server, made by `Lablog.edits`. */
export class Edits {
  /** @internal */
  constructor(private readonly rest: RestClient) {}

  /** MLflow's PATCH and DELETE endpoints, which take a JSON body as its POSTs do. */
  private async mlflow(path: string, method: 'PATCH' | 'DELETE', body: object): Promise<void> {
    await this.rest.request(`/api/2.0/mlflow/${path}`, body, method);
  }

  // ---- runs ----------------------------------------------------------------------------------

  /** Renames a run (`runs/update`). */
  async renameRun(runId: string, name: string): Promise<void> {
    await this.rest.call('runs/update', { run_id: runId, run_name: name });
  }

  /** Sets a tag of a run; the description is the tag `NOTE_TAG`. */
  async setRunTag(runId: string, key: string, value: string): Promise<void> {
    await this.rest.call('runs/set-tag', { run_id: runId, key, value });
  }

  /** Removes a tag of a run. */
  async deleteRunTag(runId: string, key: string): Promise<void> {
    await this.rest.call('runs/delete-tag', { run_id: runId, key });
  }

  /** Moves a run to the deleted stage (it can be restored). */
  async deleteRun(runId: string): Promise<void> {
    await this.rest.call('runs/delete', { run_id: runId });
  }

  /** Brings a deleted run back. */
  async restoreRun(runId: string): Promise<void> {
    await this.rest.call('runs/restore', { run_id: runId });
  }

  // ---- experiments ---------------------------------------------------------------------------

  /** Creates an experiment; resolves to its id. */
  async createExperiment(name: string): Promise<string> {
    const res = await this.rest.call<{ experiment_id: string }>('experiments/create', { name });
    return res.experiment_id;
  }

  /** Renames an experiment (names are unique). */
  async renameExperiment(experimentId: string, name: string): Promise<void> {
    await this.rest.call('experiments/update', { experiment_id: experimentId, new_name: name });
  }

  /** Moves an experiment (and its runs) to the deleted stage. */
  async deleteExperiment(experimentId: string): Promise<void> {
    await this.rest.call('experiments/delete', { experiment_id: experimentId });
  }

  /** Brings a deleted experiment back. */
  async restoreExperiment(experimentId: string): Promise<void> {
    await this.rest.call('experiments/restore', { experiment_id: experimentId });
  }

  /** Sets a tag of an experiment (its description is `NOTE_TAG`). */
  async setExperimentTag(experimentId: string, key: string, value: string): Promise<void> {
    await this.rest.call('experiments/set-experiment-tag', { experiment_id: experimentId, key, value });
  }

  // ---- model registry ------------------------------------------------------------------------

  /** Creates a registered model. */
  async createRegisteredModel(name: string, description?: string): Promise<WireRegisteredModel> {
    const res = await this.rest.call<{ registered_model: WireRegisteredModel }>('registered-models/create', { name, ...(description ? { description } : {}) });
    return res.registered_model;
  }

  /**
   * Registers a version of `name` from a run's logged model (`runs:/<run>/<path>` or
   * `models:/<model_id>`), creating the registered model first when there is none of that name.
   */
  async registerModelVersion(name: string, source: string, runId?: string): Promise<WireModelVersion> {
    try {
      await this.createRegisteredModel(name);
    } catch (err) {
      if ((err as { code?: string }).code !== 'RESOURCE_ALREADY_EXISTS') throw err;
    }
    const res = await this.rest.call<{ model_version: WireModelVersion }>('model-versions/create', { name, source, ...(runId ? { run_id: runId } : {}) });
    return res.model_version;
  }

  /** Sets a registered model's description. */
  async describeRegisteredModel(name: string, description: string): Promise<void> {
    await this.mlflow('registered-models/update', 'PATCH', { name, description });
  }

  /** Sets a model version's description. */
  async describeModelVersion(name: string, version: string, description: string): Promise<void> {
    await this.mlflow('model-versions/update', 'PATCH', { name, version, description });
  }

  /** Points `alias` at a version (moving it from any other). */
  async setAlias(name: string, alias: string, version: string): Promise<void> {
    await this.rest.call('registered-models/alias', { name, alias, version });
  }

  /** Removes an alias. */
  async deleteAlias(name: string, alias: string): Promise<void> {
    await this.mlflow('registered-models/alias', 'DELETE', { name, alias });
  }

  /** Moves a version to a stage; `archiveExisting` archives the versions already in it. */
  async transitionStage(name: string, version: string, stage: string, archiveExisting: boolean): Promise<void> {
    await this.rest.call('model-versions/transition-stage', { name, version, stage, archive_existing_versions: archiveExisting });
  }

  /** Sets a tag of a registered model. */
  async setRegisteredModelTag(name: string, key: string, value: string): Promise<void> {
    await this.rest.call('registered-models/set-tag', { name, key, value });
  }

  /** Removes a tag of a registered model. */
  async deleteRegisteredModelTag(name: string, key: string): Promise<void> {
    await this.mlflow('registered-models/delete-tag', 'DELETE', { name, key });
  }

  /** Sets a tag of a model version. */
  async setModelVersionTag(name: string, version: string, key: string, value: string): Promise<void> {
    await this.rest.call('model-versions/set-tag', { name, version, key, value });
  }

  /** Removes a tag of a model version. */
  async deleteModelVersionTag(name: string, version: string, key: string): Promise<void> {
    await this.mlflow('model-versions/delete-tag', 'DELETE', { name, version, key });
  }

  /** Deletes a model version (for good, as MLflow does). */
  async deleteModelVersion(name: string, version: string): Promise<void> {
    await this.mlflow('model-versions/delete', 'DELETE', { name, version });
  }

  /** Deletes a registered model and all its versions (for good, as MLflow does). */
  async deleteRegisteredModel(name: string): Promise<void> {
    await this.mlflow('registered-models/delete', 'DELETE', { name });
  }
}
