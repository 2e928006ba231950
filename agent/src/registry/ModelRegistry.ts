/**
 * The model registry: registered models with their versions, tags and aliases, kept in one
 * document `meta/registry.json` (registries are small: a write rewrites the document, durably).
 * A change edits a copy of the model it touches, writes the document with the copy in, and only
 * then swaps it in and announces it: a record handed out is never edited, and a change whose write
 * fails changes nothing.
 * Semantics follow MLflow's SQL registry store: version numbers are never reused, deleting a
 * version drops the aliases that pointed at it, renaming a model keeps versions and aliases.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RegistryChange } from '../store/records.js';
import { stringifyDoc } from '../store/jsonCodec.js';
import type { ModelVersionRecord, NewModelVersion, NewRegisteredModel, RegisteredModelRecord, RegistryDoc, VersionOf } from './registryRecords.js';
import { versionOf } from './versionViews.js';
import { aliasNotFound, checkAlias, checkModelName, checkRegistryTag, checkTransition, modelExists, modelNotFound, versionExists } from './registryRules.js';
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
  private byName = new Map<string, RegisteredModelRecord>();
  /** The document as last written; replaced by each change, never edited. */
  private data: RegistryDoc = { models: [] };
  /** Changes, one at a time: each checks, writes and swaps before the next begins. */
  private readonly changes = new SerialQueue();

  private constructor(
    private readonly path: string,
    doc: RegistryDoc,
    private readonly announce: (a: RegistryAnnouncement) => void,
  ) {
    this.swap(doc);
  }

  /**
   * Opens (or starts) `meta/registry.json` under the store folder `dir`.
   * @param announce called after every saved change
   */
  static async open(dir: string, announce: (a: RegistryAnnouncement) => void): Promise<ModelRegistry> {
    const path = join(dir, 'meta', 'registry.json');
    let doc: RegistryDoc = { models: [] };
    try {
      doc = JSON.parse(await readFile(path, 'utf8')) as RegistryDoc;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    return new ModelRegistry(path, doc, announce);
  }

  private swap(doc: RegistryDoc): void {
    this.data = doc;
    this.byName = new Map(doc.models.map((m) => [m.name, m]));
  }

  /**
   * Writes the registry with `models` as its models, then makes it the registry and announces the
   * change. Called at the end of a change queued on `changes`, so no other change came in between.
   */
  private async commit(models: RegisteredModelRecord[], name: string, change: RegistryChange, version?: number): Promise<void> {
    const doc: RegistryDoc = { models };
    await writeFileDurably(this.path, stringifyDoc(doc));
    this.swap(doc);
    this.announce(version === undefined ? { name, change } : { name, version: String(version), change });
  }

  /** The models with `old` replaced by `next` (or dropped when `next` is null). */
  private replaced(old: RegisteredModelRecord, next: RegisteredModelRecord | null): RegisteredModelRecord[] {
    return next ? this.data.models.map((m) => (m === old ? next : m)) : this.data.models.filter((m) => m !== old);
  }

  /**
   * Applies `apply` to a copy of the model `name` (checks throw before anything is written),
   * commits it and returns the copy, now the model's record.
   */
  private async edit(name: string, change: RegistryChange, apply: (draft: RegisteredModelRecord) => void, version?: number): Promise<RegisteredModelRecord> {
    const old = this.get(name);
    const draft = structuredClone(old);
    apply(draft);
    await this.commit(this.replaced(old, draft), draft.name, change, version);
    return draft;
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
    if (!m) throw modelNotFound(name);
    return m;
  }

  /** Creates a registered model. @throws RESOURCE_ALREADY_EXISTS, INVALID_PARAMETER_VALUE */
  createModel(spec: NewRegisteredModel): Promise<RegisteredModelRecord> {
    return this.changes.run(async () => {
      const name = checkModelName(spec.name);
      for (const [k, v] of Object.entries(spec.tags ?? {})) checkRegistryTag(k, v);
      if (this.byName.has(name)) throw modelExists(name);
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
      await this.commit([...this.data.models, m], name, 'model_created');
      return m;
    });
  }

  /** Renames a model; its versions and aliases go with it. @throws RESOURCE_ALREADY_EXISTS */
  renameModel(name: string, newName: string): Promise<RegisteredModelRecord> {
    return this.changes.run(async () => {
      checkModelName(newName);
      const m = this.get(name);
      if (newName === name) return m;
      if (this.byName.has(newName)) throw modelExists(newName);
      return this.edit(name, 'model_renamed', (d) => {
        const now = Date.now();
        d.name = newName;
        d.last_updated_timestamp = now;
        for (const v of d.versions) v.last_updated_timestamp = now;
      });
    });
  }

  /** Sets a model's description. */
  updateModel(name: string, description: string): Promise<RegisteredModelRecord> {
    return this.changes.run(() =>
      this.edit(name, 'model_updated', (d) => {
        d.description = description;
        d.last_updated_timestamp = Date.now();
      }),
    );
  }

  /** Deletes a model with all its versions, tags and aliases. */
  deleteModel(name: string): Promise<void> {
    return this.changes.run(async () => {
      const m = this.get(name);
      await this.commit(this.replaced(m, null), name, 'model_deleted');
    });
  }

  /** Sets (or overwrites) a model tag. */
  setModelTag(name: string, key: string, value: string): Promise<void> {
    return this.changes.run(async () => {
      checkRegistryTag(key, value);
      await this.edit(name, 'model_tag', (d) => setKey(d.tags, key, value));
    });
  }

  /** Deletes a model tag; an absent tag is not an error (MLflow's behaviour). */
  deleteModelTag(name: string, key: string): Promise<void> {
    return this.changes.run(async () => {
      if (!Object.hasOwn(this.get(name).tags, key)) return;
      await this.edit(name, 'model_tag', (d) => {
        delete d.tags[key];
      });
    });
  }

  // ---- model versions -----------------------------------------------------------------

  /** Every version of every model. */
  allVersions(): VersionOf[] {
    return this.data.models.flatMap((model) => model.versions.map((version) => ({ model, version })));
  }

  /** @throws RESOURCE_DOES_NOT_EXIST when the model or the version does not exist */
  getVersion(name: string, version: number): VersionOf {
    return versionOf(this.get(name), version);
  }

  /** Creates the model's next version, READY at once. @throws RESOURCE_DOES_NOT_EXIST */
  createVersion(name: string, spec: NewModelVersion): Promise<VersionOf> {
    return this.changes.run(async () => {
      for (const [k, v] of Object.entries(spec.tags ?? {})) checkRegistryTag(k, v);
      const number = spec.version ?? this.get(name).next_version;
      const model = await this.edit(
        name,
        'version_created',
        (d) => {
          if (d.versions.some((v) => v.version === number)) throw versionExists(name, number);
          const now = Date.now();
          d.versions.push({
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
            ...(spec.modelId ? { model_id: spec.modelId } : {}),
          });
          d.versions.sort((a, b) => a.version - b.version);
          d.next_version = Math.max(d.next_version, number + 1);
          if (spec.version === undefined) d.last_updated_timestamp = now;
        },
        number,
      );
      return versionOf(model, number);
    });
  }

  /** Applies `apply` to a copy of one version (and its model), commits, returns the new records. */
  private async editVersion(name: string, version: number, change: RegistryChange, apply: (v: ModelVersionRecord, m: RegisteredModelRecord) => void): Promise<VersionOf> {
    this.getVersion(name, version);
    const model = await this.edit(name, change, (d) => apply(versionOf(d, version).version, d), version);
    return versionOf(model, version);
  }

  /** Sets a version's description. */
  updateVersion(name: string, version: number, description: string): Promise<VersionOf> {
    return this.changes.run(() =>
      this.editVersion(name, version, 'version_updated', (v) => {
        v.description = description;
        v.last_updated_timestamp = Date.now();
      }),
    );
  }

  /**
   * Moves a version to `stage` (any case). With `archiveExisting`, the model's other versions in
   * that stage move to Archived; only Staging and Production allow that.
   * @throws INVALID_PARAMETER_VALUE for an unknown stage or archiving from a non-active one
   */
  transitionStage(name: string, version: number, stage: string, archiveExisting: boolean): Promise<VersionOf> {
    return this.changes.run(async () => {
      const target = checkTransition(stage, archiveExisting);
      return this.editVersion(name, version, 'version_stage', (v, m) => {
        const now = Date.now();
        if (archiveExisting) {
          for (const other of m.versions) {
            if (other !== v && other.current_stage === target) {
              other.current_stage = 'Archived';
              other.last_updated_timestamp = now;
            }
          }
        }
        v.current_stage = target;
        v.last_updated_timestamp = now;
        m.last_updated_timestamp = now;
      });
    });
  }

  /** Deletes a version and the aliases that pointed at it; its number is not given out again. */
  deleteVersion(name: string, version: number): Promise<void> {
    return this.changes.run(async () => {
      this.getVersion(name, version);
      await this.edit(
        name,
        'version_deleted',
        (m) => {
          m.versions = m.versions.filter((x) => x.version !== version);
          for (const [alias, n] of Object.entries(m.aliases)) if (n === version) delete m.aliases[alias];
          m.last_updated_timestamp = Date.now();
        },
        version,
      );
    });
  }

  /** Sets (or overwrites) a version tag. */
  setVersionTag(name: string, version: number, key: string, value: string): Promise<void> {
    return this.changes.run(async () => {
      checkRegistryTag(key, value);
      await this.editVersion(name, version, 'version_tag', (v) => setKey(v.tags, key, value));
    });
  }

  /** Deletes a version tag; an absent tag is not an error. */
  deleteVersionTag(name: string, version: number, key: string): Promise<void> {
    return this.changes.run(async () => {
      if (!Object.hasOwn(this.getVersion(name, version).version.tags, key)) return;
      await this.editVersion(name, version, 'version_tag', (v) => {
        delete v.tags[key];
      });
    });
  }

  // ---- aliases ------------------------------------------------------------------------

  /** Points an alias at a version, moving it if it pointed elsewhere. @throws INVALID_PARAMETER_VALUE, RESOURCE_DOES_NOT_EXIST */
  setAlias(name: string, alias: string, version: number): Promise<void> {
    return this.changes.run(async () => {
      checkAlias(alias);
      await this.editVersion(name, version, 'alias_set', (_v, m) => setKey(m.aliases, alias, version));
    });
  }

  /** Removes an alias; an absent one is not an error. @throws RESOURCE_DOES_NOT_EXIST for a missing model */
  deleteAlias(name: string, alias: string): Promise<void> {
    return this.changes.run(async () => {
      checkAlias(alias);
      if (!Object.hasOwn(this.get(name).aliases, alias)) return;
      await this.edit(name, 'alias_deleted', (m) => {
        delete m.aliases[alias];
      });
    });
  }

  /** The version an alias points at. @throws INVALID_PARAMETER_VALUE when there is no such alias (as MLflow) */
  byAlias(name: string, alias: string): VersionOf {
    checkAlias(alias);
    const model = this.byName.get(checkModelName(name));
    const version = model && Object.hasOwn(model.aliases, alias) ? model.aliases[alias] : undefined;
    if (!model || version === undefined) throw aliasNotFound(alias);
    return this.getVersion(name, version);
  }
}

