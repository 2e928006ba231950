/**
 * The model registry: registered models with their versions, tags and aliases, kept in one
 * document `meta/registry.json` (registries are small: a write rewrites the document, durably).
 * Every change is saved, then announced; a change whose write fails is undone in memory.
 * Semantics follow MLflow's SQL registry store: version numbers are never reused, deleting a
 * version drops the aliases that pointed at it, renaming a model keeps versions and aliases.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { alreadyExists, invalidParameter, notFound } from '../errors.js';
import type { RegistryChange } from '../store/records.js';
import { stringifyDoc } from '../store/jsonCodec.js';
import type { ModelVersionRecord, NewModelVersion, NewRegisteredModel, RegisteredModelRecord, RegistryDoc, VersionOf } from './registryRecords.js';
import { ACTIVE_STAGES, canonicalStage, checkAlias, checkModelName, checkRegistryTag } from './registryRules.js';
import { writeFileDurably } from '../store/durableWrite.js';
import { setKey } from '../store/keyedRecord.js';
import { SerialQueue } from '../store/SerialQueue.js';

/** What a registry change announces. */
export interface RegistryAnnouncement {
  name: string;
  version?: string;
  change: RegistryChange;
}

/** The registry document and the operations on it. */
export class ModelRegistry {
  private readonly byName = new Map<string, RegisteredModelRecord>();
  private data: RegistryDoc = { models: [] };
  /** Changes, one at a time: each checks, edits memory and writes before the next begins. */
  private readonly changes = new SerialQueue();

  private constructor(
    private readonly path: string,
    /** The document's text as last written (what memory returns to when a write fails). */
    private written: string,
    private readonly announce: (a: RegistryAnnouncement) => void,
  ) {
    this.load(JSON.parse(written) as RegistryDoc);
  }

  /**
   * Opens (or starts) `meta/registry.json` under the store folder `dir`.
   * @param announce called after every saved change
   */
  static async open(dir: string, announce: (a: RegistryAnnouncement) => void): Promise<ModelRegistry> {
    const path = join(dir, 'meta', 'registry.json');
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      text = stringifyDoc({ models: [] });
    }
    return new ModelRegistry(path, text, announce);
  }

  /**
   * Writes the registry as changed in memory; if the write fails, memory goes back to what was
   * last written, so a failed change changes nothing. Called at the end of a change queued on
   * `changes`, so no other change can have touched memory in between.
   */
  private async commit(name: string, change: RegistryChange, version?: number): Promise<void> {
    const text = stringifyDoc(this.data);
    try {
      await writeFileDurably(this.path, text);
    } catch (err) {
      this.load(JSON.parse(this.written) as RegistryDoc);
      throw err;
    }
    this.written = text;
    this.announce(version === undefined ? { name, change } : { name, version: String(version), change });
  }

  private load(doc: RegistryDoc): void {
    this.data = doc;
    this.byName.clear();
    for (const m of doc.models) this.byName.set(m.name, m);
  }

  // ---- registered models --------------------------------------------------------------

  /** Every registered model, in creation order. */
  models(): readonly RegisteredModelRecord[] {
    return this.data.models;
  }

  /** The model with this name, or undefined. */
  find(name: string): RegisteredModelRecord | undefined {
    return this.byName.get(name);
  }

  /** @throws RESOURCE_DOES_NOT_EXIST, INVALID_PARAMETER_VALUE for an empty name */
  get(name: string): RegisteredModelRecord {
    const m = this.byName.get(checkModelName(name));
    if (!m) throw notFound(`Registered Model with name=${name} not found`);
    return m;
  }

  /** Creates a registered model. @throws RESOURCE_ALREADY_EXISTS, INVALID_PARAMETER_VALUE */
  createModel(spec: NewRegisteredModel): Promise<RegisteredModelRecord> {
    return this.changes.run(async () => {
      const name = checkModelName(spec.name);
      for (const [k, v] of Object.entries(spec.tags ?? {})) checkRegistryTag(k, v);
      if (this.byName.has(name)) throw alreadyExists(`Registered Model (name=${name}) already exists.`);
      const now = Date.now();
      const m: RegisteredModelRecord = {
        name,
        creation_timestamp: spec.creationTimestamp ?? now,
        last_updated_timestamp: spec.lastUpdatedTimestamp ?? spec.creationTimestamp ?? now,
        user_id: spec.userId ?? '',
        description: spec.description ?? '',
        tags: { ...spec.tags },
        aliases: {},
        next_version: 1,
        versions: [],
      };
      this.data.models.push(m);
      this.byName.set(name, m);
      await this.commit(name, 'model_created');
      return m;
    });
  }

  /** Renames a model; its versions and aliases go with it. @throws RESOURCE_ALREADY_EXISTS */
  renameModel(name: string, newName: string): Promise<RegisteredModelRecord> {
    return this.changes.run(async () => {
      checkModelName(newName);
      const m = this.get(name);
      if (newName === name) return m;
      if (this.byName.has(newName)) throw alreadyExists(`Registered Model (name=${newName}) already exists.`);
      const now = Date.now();
      m.name = newName;
      m.last_updated_timestamp = now;
      for (const v of m.versions) v.last_updated_timestamp = now;
      this.byName.delete(name);
      this.byName.set(newName, m);
      await this.commit(newName, 'model_renamed');
      return m;
    });
  }

  /** Sets a model's description. */
  updateModel(name: string, description: string): Promise<RegisteredModelRecord> {
    return this.changes.run(async () => {
      const m = this.get(name);
      m.description = description;
      m.last_updated_timestamp = Date.now();
      await this.commit(name, 'model_updated');
      return m;
    });
  }

  /** Deletes a model with all its versions, tags and aliases. */
  deleteModel(name: string): Promise<void> {
    return this.changes.run(async () => {
      const m = this.get(name);
      this.data.models = this.data.models.filter((x) => x !== m);
      this.byName.delete(name);
      await this.commit(name, 'model_deleted');
    });
  }

  /** Sets (or overwrites) a model tag. */
  setModelTag(name: string, key: string, value: string): Promise<void> {
    return this.changes.run(async () => {
      checkRegistryTag(key, value);
      const m = this.get(name);
      setKey(m.tags, key, value);
      await this.commit(name, 'model_tag');
    });
  }

  /** Deletes a model tag; an absent tag is not an error (MLflow's behaviour). */
  deleteModelTag(name: string, key: string): Promise<void> {
    return this.changes.run(async () => {
      const m = this.get(name);
      if (!Object.hasOwn(m.tags, key)) return;
      delete m.tags[key];
      await this.commit(name, 'model_tag');
    });
  }

  // ---- model versions -----------------------------------------------------------------

  /** Every version of every model. */
  allVersions(): VersionOf[] {
    return this.data.models.flatMap((model) => model.versions.map((version) => ({ model, version })));
  }

  /** @throws RESOURCE_DOES_NOT_EXIST when the model or the version does not exist */
  getVersion(name: string, version: number): VersionOf {
    const model = this.get(name);
    const v = model.versions.find((x) => x.version === version);
    if (!v) throw notFound(`Model Version (name=${name}, version=${version}) not found`);
    return { model, version: v };
  }

  /** Creates the model's next version, READY at once. @throws RESOURCE_DOES_NOT_EXIST */
  createVersion(name: string, spec: NewModelVersion): Promise<VersionOf> {
    return this.changes.run(async () => {
      for (const [k, v] of Object.entries(spec.tags ?? {})) checkRegistryTag(k, v);
      const model = this.get(name);
      const number = spec.version ?? model.next_version;
      if (model.versions.some((v) => v.version === number)) throw alreadyExists(`Model Version (name=${name}, version=${number}) already exists.`);
      const now = Date.now();
      const version: ModelVersionRecord = {
        version: number,
        creation_timestamp: spec.creationTimestamp ?? now,
        last_updated_timestamp: spec.lastUpdatedTimestamp ?? spec.creationTimestamp ?? now,
        user_id: spec.userId ?? '',
        current_stage: spec.stage ?? 'None',
        description: spec.description ?? '',
        source: spec.source,
        run_id: spec.runId ?? '',
        run_link: spec.runLink ?? '',
        status: 'READY',
        status_message: '',
        tags: { ...spec.tags },
      };
      model.versions.push(version);
      model.versions.sort((a, b) => a.version - b.version);
      model.next_version = Math.max(model.next_version, number + 1);
      if (spec.version === undefined) model.last_updated_timestamp = now;
      await this.commit(model.name, 'version_created', number);
      return { model, version };
    });
  }

  /** Sets a version's description. */
  updateVersion(name: string, version: number, description: string): Promise<VersionOf> {
    return this.changes.run(async () => {
      const found = this.getVersion(name, version);
      found.version.description = description;
      found.version.last_updated_timestamp = Date.now();
      await this.commit(name, 'version_updated', version);
      return found;
    });
  }

  /**
   * Moves a version to `stage` (any case). With `archiveExisting`, the model's other versions in
   * that stage move to Archived; only Staging and Production allow that.
   * @throws INVALID_PARAMETER_VALUE for an unknown stage or archiving from a non-active one
   */
  transitionStage(name: string, version: number, stage: string, archiveExisting: boolean): Promise<VersionOf> {
    return this.changes.run(async () => {
      const target = canonicalStage(stage);
      if (archiveExisting && !ACTIVE_STAGES.includes(target)) {
        throw invalidParameter(
          `Model version transition cannot archive existing model versions because '${stage}' is not an Active stage. Valid stages are ${ACTIVE_STAGES.join(', ')}`,
        );
      }
      const found = this.getVersion(name, version);
      const now = Date.now();
      if (archiveExisting) {
        for (const other of found.model.versions) {
          if (other !== found.version && other.current_stage === target) {
            other.current_stage = 'Archived';
            other.last_updated_timestamp = now;
          }
        }
      }
      found.version.current_stage = target;
      found.version.last_updated_timestamp = now;
      found.model.last_updated_timestamp = now;
      await this.commit(name, 'version_stage', version);
      return found;
    });
  }

  /** Deletes a version and the aliases that pointed at it; its number is not given out again. */
  deleteVersion(name: string, version: number): Promise<void> {
    return this.changes.run(async () => {
      const { model, version: v } = this.getVersion(name, version);
      model.versions = model.versions.filter((x) => x !== v);
      for (const [alias, n] of Object.entries(model.aliases)) if (n === version) delete model.aliases[alias];
      model.last_updated_timestamp = Date.now();
      await this.commit(name, 'version_deleted', version);
    });
  }

  /** Sets (or overwrites) a version tag. */
  setVersionTag(name: string, version: number, key: string, value: string): Promise<void> {
    return this.changes.run(async () => {
      checkRegistryTag(key, value);
      setKey(this.getVersion(name, version).version.tags, key, value);
      await this.commit(name, 'version_tag', version);
    });
  }

  /** Deletes a version tag; an absent tag is not an error. */
  deleteVersionTag(name: string, version: number, key: string): Promise<void> {
    return this.changes.run(async () => {
      const { tags } = this.getVersion(name, version).version;
      if (!Object.hasOwn(tags, key)) return;
      delete tags[key];
      await this.commit(name, 'version_tag', version);
    });
  }

  // ---- aliases ------------------------------------------------------------------------

  /** Points an alias at a version, moving it if it pointed elsewhere. @throws INVALID_PARAMETER_VALUE, RESOURCE_DOES_NOT_EXIST */
  setAlias(name: string, alias: string, version: number): Promise<void> {
    return this.changes.run(async () => {
      checkAlias(alias);
      const { model } = this.getVersion(name, version);
      model.aliases[alias] = version;
      await this.commit(name, 'alias_set', version);
    });
  }

  /** Removes an alias; an absent one is not an error. @throws RESOURCE_DOES_NOT_EXIST for a missing model */
  deleteAlias(name: string, alias: string): Promise<void> {
    return this.changes.run(async () => {
      checkAlias(alias);
      const model = this.get(name);
      if (!Object.hasOwn(model.aliases, alias)) return;
      delete model.aliases[alias];
      await this.commit(name, 'alias_deleted');
    });
  }

  /** The version an alias points at. @throws INVALID_PARAMETER_VALUE when there is no such alias (as MLflow) */
  byAlias(name: string, alias: string): VersionOf {
    checkAlias(alias);
    const model = this.byName.get(checkModelName(name));
    const version = model && Object.hasOwn(model.aliases, alias) ? model.aliases[alias] : undefined;
    if (!model || version === undefined) throw invalidParameter(`Registered model alias ${alias} not found.`);
    return this.getVersion(name, version);
  }
}
