/**
 * The file engine of `LoggedModelStore`: the logged-model documents of a folder store
 * (`LoggedModelBook`: one document a model, each change written then swapped in under the
 * model's queue) behind the store interface. The experiment a new model goes in is read from the
 * tracking store; searches run over the documents in memory with the shared search rules.
 */
import type { LoggedModelStatus } from '@lablog/schema';
import type { Page } from '../search/pageToken.js';
import type { TrackingStore } from '../store/TrackingStore.js';
import type { LoggedModelBook } from './LoggedModelBook.js';
import type { LoggedModelDoc } from './loggedModelRecords.js';
import { loggedModelEdits } from './loggedModelRules.js';
import type { LoggedModelStore, NewLoggedModel } from './LoggedModelStore.js';
import { searchLoggedModels, type SearchLoggedModelsRequest } from './searchLoggedModels.js';

/** The logged models of a store folder. */
export class FileLoggedModels implements LoggedModelStore {
  /**
   * @param book the folder's logged models
   * @param experiments where experiments are (the folder's own tracking store)
   */
  constructor(
    private readonly book: LoggedModelBook,
    private readonly experiments: Pick<TrackingStore, 'getExperiment'>,
  ) {}

  async createLoggedModel(spec: NewLoggedModel): Promise<LoggedModelDoc> {
    return this.book.create(await this.experiments.getExperiment(spec.experimentId), spec);
  }

  async getLoggedModel(modelId: string): Promise<LoggedModelDoc> {
    return this.book.get(modelId);
  }

  async findLoggedModel(modelId: string): Promise<LoggedModelDoc | null> {
    return this.book.has(modelId) ? this.book.get(modelId) : null;
  }

  finalizeLoggedModel(modelId: string, status: LoggedModelStatus): Promise<LoggedModelDoc> {
    return this.book.edit(modelId, loggedModelEdits.finalize(status));
  }

  async deleteLoggedModel(modelId: string): Promise<void> {
    await this.book.edit(modelId, loggedModelEdits.delete());
  }

  async searchLoggedModels(experimentIds: readonly string[], req: SearchLoggedModelsRequest): Promise<Page<LoggedModelDoc>> {
    return searchLoggedModels(this.book.inExperiments(experimentIds), req);
  }

  setLoggedModelTags(modelId: string, tags: Record<string, string>): Promise<LoggedModelDoc> {
    return this.book.edit(modelId, loggedModelEdits.setTags(tags));
  }

  async deleteLoggedModelTag(modelId: string, key: string): Promise<void> {
    await this.book.edit(modelId, loggedModelEdits.deleteTag(key));
  }

  logLoggedModelParams(modelId: string, params: Record<string, string>): Promise<LoggedModelDoc> {
    return this.book.edit(modelId, loggedModelEdits.logParams(params));
  }
}
