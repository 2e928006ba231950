/**
 * The file engine of `ModelRegistryStore`: the registry document of a folder store
 * (`ModelRegistry`, `meta/registry.json`, each change written then swapped in under one queue)
 * behind the store interface, with the logged models of the same folder for MLflow 3 lineage.
 * Searches run over the document in memory, with the shared registry search rules.
 */
import type { LoggedModelBook } from '../loggedModels/LoggedModelBook.js';
import { loggedModelEdits } from '../loggedModels/loggedModelRules.js';
import { searchModelVersions, searchRegisteredModels, type SearchRegistryRequest } from '../search/searchRegistry.js';
import type { Page } from '../search/pageToken.js';
import { listsModelVersion, MODEL_VERSIONS_TAG, sourceModelId, versionRunId, withModelVersion } from './loggedModelLineage.js';
import type { ModelRegistry } from './ModelRegistry.js';
import type { ModelRegistryStore } from './ModelRegistryStore.js';
import type { NewModelVersion, NewRegisteredModel, RegisteredModelRecord, VersionOf } from './registryRecords.js';

/** The model registry of a store folder. */
export class FileModelRegistry implements ModelRegistryStore {
  /**
   * @param registry the folder's registry document (it announces its changes on the folder store's feed)
   * @param loggedModels the folder's logged models, for versions made from one
   */
  constructor(
    private readonly registry: ModelRegistry,
    private readonly loggedModels: LoggedModelBook,
  ) {}

  async createRegisteredModel(spec: NewRegisteredModel): Promise<RegisteredModelRecord> {
    return this.registry.createModel(spec);
  }

  async getRegisteredModel(name: string): Promise<RegisteredModelRecord> {
    return this.registry.get(name);
  }

  async searchRegisteredModels(req: SearchRegistryRequest): Promise<Page<RegisteredModelRecord>> {
    return searchRegisteredModels(this.registry.models(), req);
  }

  renameRegisteredModel(name: string, newName: string): Promise<RegisteredModelRecord> {
    return this.registry.renameModel(name, newName);
  }

  updateRegisteredModel(name: string, description: string): Promise<RegisteredModelRecord> {
    return this.registry.updateModel(name, description);
  }

  deleteRegisteredModel(name: string): Promise<void> {
    return this.registry.deleteModel(name);
  }

  setRegisteredModelTag(name: string, key: string, value: string): Promise<void> {
    return this.registry.setModelTag(name, key, value);
  }

  deleteRegisteredModelTag(name: string, key: string): Promise<void> {
    return this.registry.deleteModelTag(name, key);
  }

  /**
   * Creates the version, then lists it in its logged model's tag. Two documents are written one
   * after the other (the registry's, which records the model's id, then the model's; a crash
   * between them is made good at the next start by completeLineage); the model's tag is read and
   * written under that model's own queue, so versions registered at once from one model all stay
   * listed.
   */
  async createModelVersion(name: string, spec: NewModelVersion): Promise<VersionOf> {
    const modelId = sourceModelId(spec.source, spec.modelId);
    const logged = modelId !== undefined && this.loggedModels.has(modelId) ? this.loggedModels.get(modelId) : undefined;
    const created = await this.registry.createVersion(name, { ...spec, modelId: logged?.info.model_id, runId: versionRunId(spec.runId, logged?.info.source_run_id) });
    if (logged !== undefined) await this.listVersion(logged.info.model_id, name, created.version.version);
    return created;
  }

  /**
   * Lists in its logged model's tag every version made from a logged model of this store that
   * the tag lacks: what a crash between createModelVersion's two writes leaves undone. Run when
   * the store opens, before anything is served. Resolves to the number of versions listed.
   */
  async completeLineage(): Promise<number> {
    let listed = 0;
    for (const model of this.registry.models()) {
      for (const v of model.versions) {
        const modelId = v.model_id ?? sourceModelId(v.source, undefined);
        if (modelId === undefined || !this.loggedModels.has(modelId)) continue;
        if (listsModelVersion(this.loggedModels.get(modelId).tags[MODEL_VERSIONS_TAG], model.name, v.version)) continue;
        await this.listVersion(modelId, model.name, v.version);
        listed++;
      }
    }
    return listed;
  }

  private listVersion(modelId: string, name: string, version: number): Promise<unknown> {
    return this.loggedModels.edit(modelId, loggedModelEdits.updateTag(MODEL_VERSIONS_TAG, (old) => withModelVersion(old, name, version)));
  }

  async getModelVersion(name: string, version: number): Promise<VersionOf> {
    return this.registry.getVersion(name, version);
  }

  updateModelVersion(name: string, version: number, description: string): Promise<VersionOf> {
    return this.registry.updateVersion(name, version, description);
  }

  transitionModelVersionStage(name: string, version: number, stage: string, archiveExisting: boolean): Promise<VersionOf> {
    return this.registry.transitionStage(name, version, stage, archiveExisting);
  }

  deleteModelVersion(name: string, version: number): Promise<void> {
    return this.registry.deleteVersion(name, version);
  }

  async searchModelVersions(req: SearchRegistryRequest): Promise<Page<VersionOf>> {
    return searchModelVersions(this.registry.allVersions(), req);
  }

  setModelVersionTag(name: string, version: number, key: string, value: string): Promise<void> {
    return this.registry.setVersionTag(name, version, key, value);
  }

  deleteModelVersionTag(name: string, version: number, key: string): Promise<void> {
    return this.registry.deleteVersionTag(name, version, key);
  }

  setRegisteredModelAlias(name: string, alias: string, version: number): Promise<void> {
    return this.registry.setAlias(name, alias, version);
  }

  deleteRegisteredModelAlias(name: string, alias: string): Promise<void> {
    return this.registry.deleteAlias(name, alias);
  }

  async getModelVersionByAlias(name: string, alias: string): Promise<VersionOf> {
    return this.registry.byAlias(name, alias);
  }
}
