/**
 * What a user can do to a run from its page: rename it, write its description (Markdown, in
 * MLflow's `mlflow.note.content` tag), add, change and remove tags, delete and restore it. Each
 * goes through the MLflow API (`lablog.edits`); the page then shows the change as every other
 * viewer does, from the live feed (and from a fresh read, for servers without one).
 */
import { NOTE_TAG, type Edits, type Queries } from '@lablog/client';
import type { WireRun } from '@lablog/schema';
import { askConfirm, askFields } from '../edit/dialogs.js';
import { runLabel, tagOf } from '../format.js';
import { RegistryActions } from '../registry/RegistryActions.js';
import type { LoggedModelRef } from './runFacts.js';

/** The actions on runs, for one page. */
export class RunActions {
  private readonly registry: RegistryActions;

  /**
   * @param query for the names of registered models offered when registering
   * @param changed called after an action succeeded (the view reads the run again)
   */
  constructor(
    private readonly edits: Edits,
    private readonly query: Queries,
    private readonly changed: () => void,
  ) {
    this.registry = new RegistryActions(edits, query);
  }

  /** Registers a version from one of the run's logged models (MLflow 2: runs:/<run>/<path>; MLflow 3: models:/<model_id>). */
  async register(run: WireRun, model: LoggedModelRef): Promise<void> {
    const id = run.info.run_id;
    const source = model.artifactPath !== undefined ? `runs:/${id}/${model.artifactPath}` : `models:/${model.name}`;
    const suggested = run.info.run_name || (model.artifactPath ?? 'model');
    if (await this.registry.register(id, source, suggested)) this.changed();
  }

  /** Asks for a new name. */
  async rename(run: WireRun): Promise<void> {
    const id = run.info.run_id;
    const done = await askFields('Rename run', [{ name: 'name', label: 'Name', value: run.info.run_name, required: true }], 'Rename', (v) => this.edits.renameRun(id, v.name!));
    if (done) this.changed();
  }

  /** Edits the description (Markdown); an empty one removes it. */
  async describe(run: WireRun): Promise<void> {
    const id = run.info.run_id;
    const had = tagOf(run, NOTE_TAG) !== undefined;
    const done = await askFields(
      'Run description',
      [{ name: 'text', label: 'Markdown (Ctrl+Enter saves)', value: tagOf(run, NOTE_TAG) ?? '', multiline: true, placeholder: 'What this run tried, and what came of it' }],
      'Save',
      async (v) => {
        if (v.text) await this.edits.setRunTag(id, NOTE_TAG, v.text);
        else if (had) await this.edits.deleteRunTag(id, NOTE_TAG);
      },
    );
    if (done) this.changed();
  }

  /** Adds a tag, or changes the value of `key`. */
  async setTag(run: WireRun, key?: string): Promise<void> {
    const id = run.info.run_id;
    const fields = [
      { name: 'key', label: 'Key', value: key ?? '', required: true },
      { name: 'value', label: 'Value', value: key === undefined ? '' : (tagOf(run, key) ?? '') },
    ];
    const done = await askFields(key === undefined ? 'Add tag' : `Tag ${key}`, key === undefined ? fields : fields.slice(1), key === undefined ? 'Add' : 'Save', (v) =>
      this.edits.setRunTag(id, key ?? v.key!, v.value ?? ''),
    );
    if (done) this.changed();
  }

  /** Removes a tag, after asking. */
  async deleteTag(run: WireRun, key: string): Promise<void> {
    const id = run.info.run_id;
    if (await askConfirm('Remove tag', `Remove the tag “${key}” from ${runLabel(run)}?`, 'Remove', () => this.edits.deleteRunTag(id, key))) this.changed();
  }

  /** Moves the run to the deleted runs, after asking. */
  async delete(run: WireRun): Promise<void> {
    const id = run.info.run_id;
    if (await askConfirm('Delete run', `${runLabel(run)} moves to the deleted runs of its experiment; it can be restored from there.`, 'Delete', () => this.edits.deleteRun(id))) this.changed();
  }

  /** Brings a deleted run back. */
  async restore(run: WireRun): Promise<void> {
    await this.edits.restoreRun(run.info.run_id);
    this.changed();
  }
}
