/**
 * What a user can do in the model registry from the page, through the MLflow API
 * (`lablog.edits`): register a version from a run's logged model, move a version between stages
 * (optionally archiving the versions already there), point and remove aliases, write
 * descriptions, add, change and remove tags, delete versions and models. Deleting asks first;
 * every dialog shows the agent's refusal in place.
 */
import type { Edits, Queries } from '@lablog/client';
import type { WireModelVersion, WireRegisteredModel } from '@lablog/schema';
import { askConfirm, askFields } from '../edit/dialogs.js';

/** MLflow's stages, in the order a dialog offers them. */
const STAGES = ['None', 'Staging', 'Production', 'Archived'];

/** Tags of a model or of a version: the calls that change them. */
export interface TagEditor {
  set(key?: string): Promise<boolean>;
  remove(key: string): Promise<boolean>;
}

/** The registry's actions; each resolves to whether something changed. */
export class RegistryActions {
  /** @param query for the names of the registered models offered when registering */
  constructor(
    private readonly edits: Edits,
    private readonly query: Queries,
  ) {}

  /**
   * Registers a version of a model (a new one, or an existing one offered by name) from a run's
   * logged model.
   * @param source `runs:/<run_id>/<path>` (an MLflow 2 model) or `models:/<model_id>` (MLflow 3)
   * @returns the version made, or null when cancelled
   */
  async register(runId: string, source: string, suggested: string): Promise<WireModelVersion | null> {
    const names = await this.query.searchRegisteredModels({ maxResults: 1000, orderBy: ['name ASC'] }).then(
      (p) => p.items.map((m) => m.name),
      () => [],
    );
    let made: WireModelVersion | null = null;
    await askFields(
      'Register model',
      [{ name: 'name', label: 'Registered model (a new name creates it)', value: suggested, required: true, suggestions: names }],
      'Register',
      async (v) => {
        made = await this.edits.registerModelVersion(v.name!, source, runId);
      },
    );
    return made;
  }

  /** Edits a model's description (Markdown). */
  async describeModel(model: WireRegisteredModel): Promise<boolean> {
    return this.describe(`Description of ${model.name}`, model.description ?? '', (text) => this.edits.describeRegisteredModel(model.name, text));
  }

  /** Edits a version's description (Markdown). */
  async describeVersion(v: WireModelVersion): Promise<boolean> {
    return this.describe(`Description of ${v.name} version ${v.version}`, v.description ?? '', (text) => this.edits.describeModelVersion(v.name, v.version, text));
  }

  /** Moves a version to another stage. */
  async transition(v: WireModelVersion): Promise<boolean> {
    const done = await askFields(
      `Stage of ${v.name} version ${v.version}`,
      [
        { name: 'stage', label: `Now ${v.current_stage}; move to`, options: STAGES.filter((s) => s !== v.current_stage) },
        { name: 'archive', label: 'Archive the versions now in that stage', checkbox: true },
      ],
      'Move',
      (f) => this.edits.transitionStage(v.name, v.version, f.stage!, f.archive === 'true'),
    );
    return done !== null;
  }

  /** Points an alias at a version (taking it from any other version). */
  async addAlias(v: WireModelVersion): Promise<boolean> {
    const done = await askFields(
      `Alias for ${v.name} version ${v.version}`,
      [{ name: 'alias', label: 'Alias (load it as models:/<name>@<alias>)', required: true, placeholder: 'champion' }],
      'Set alias',
      (f) => this.edits.setAlias(v.name, f.alias!, v.version),
    );
    return done !== null;
  }

  /** Removes an alias, after asking. */
  removeAlias(name: string, alias: string, version: string): Promise<boolean> {
    return askConfirm('Remove alias', `Remove @${alias} (now on version ${version}) from ${name}? Code loading models:/${name}@${alias} will fail until it is set again.`, 'Remove', () =>
      this.edits.deleteAlias(name, alias),
    );
  }

  /** The tags of a registered model. */
  modelTags(model: WireRegisteredModel): TagEditor {
    const value = (key: string) => model.tags?.find((t) => t.key === key)?.value ?? '';
    return {
      set: (key) => this.setTag(key, value, (k, v) => this.edits.setRegisteredModelTag(model.name, k, v)),
      remove: (key) => askConfirm('Remove tag', `Remove the tag “${key}” from ${model.name}?`, 'Remove', () => this.edits.deleteRegisteredModelTag(model.name, key)),
    };
  }

  /** The tags of a model version. */
  versionTags(v: WireModelVersion): TagEditor {
    const value = (key: string) => v.tags?.find((t) => t.key === key)?.value ?? '';
    return {
      set: (key) => this.setTag(key, value, (k, val) => this.edits.setModelVersionTag(v.name, v.version, k, val)),
      remove: (key) => askConfirm('Remove tag', `Remove the tag “${key}” from version ${v.version}?`, 'Remove', () => this.edits.deleteModelVersionTag(v.name, v.version, key)),
    };
  }

  /** Deletes a version for good, after asking. */
  deleteVersion(v: WireModelVersion): Promise<boolean> {
    return askConfirm('Delete version', `Delete version ${v.version} of ${v.name}? This cannot be undone (the run and its artifacts stay).`, 'Delete', () => this.edits.deleteModelVersion(v.name, v.version));
  }

  /** Deletes a registered model and all its versions for good, after asking. */
  deleteModel(model: WireRegisteredModel): Promise<boolean> {
    return askConfirm('Delete model', `Delete ${model.name} and all its versions? This cannot be undone (the runs and their artifacts stay).`, 'Delete', () => this.edits.deleteRegisteredModel(model.name));
  }

  private async describe(title: string, current: string, save: (text: string) => Promise<void>): Promise<boolean> {
    const done = await askFields(title, [{ name: 'text', label: 'Markdown (Ctrl+Enter saves)', value: current, multiline: true }], 'Save', (v) => save(v.text ?? ''));
    return done !== null;
  }

  private async setTag(key: string | undefined, value: (key: string) => string, save: (key: string, value: string) => Promise<void>): Promise<boolean> {
    const fields = [
      { name: 'key', label: 'Key', required: true },
      { name: 'value', label: 'Value', value: key === undefined ? '' : value(key) },
    ];
    const done = await askFields(key === undefined ? 'Add tag' : `Tag ${key}`, key === undefined ? fields : fields.slice(1), key === undefined ? 'Add' : 'Save', (v) => save(key ?? v.key!, v.value ?? ''));
    return done !== null;
  }
}
