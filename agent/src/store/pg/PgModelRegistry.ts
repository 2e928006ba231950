/**
 * The PostgreSQL engine of `ModelRegistryStore`: the registry of a team server, shared by every
 * agent on the database. Each operation is one transaction; every change of a model or its
 * versions and aliases first locks the model's row (`FOR UPDATE`), so version numbers, archiving
 * on a stage transition and alias moves are decided one at a time across agents; name uniqueness
 * and the alias → version link are constraints (see registryMigration). The `registry` events a
 * transaction lists are numbered into the change feed in the same transaction (PgTransactions),
 * so every agent's viewers see them, in order with the rest.
 *
 * Searches read the models their filter can match (narrowed in SQL, registrySearchSql) and apply
 * the shared search rules to those in memory, so both engines answer alike.
 */
import type pg from 'pg';
import { MODEL_VERSIONS_TAG, sourceModelId, versionRunId, withModelVersion } from '../../registry/loggedModelLineage.js';
import type { ModelRegistryStore } from '../../registry/ModelRegistryStore.js';
import type { NewModelVersion, NewRegisteredModel, RegisteredModelRecord, VersionOf } from '../../registry/registryRecords.js';
import {
  aliasNotFound,
  checkAlias,
  checkModelName,
  checkRegistryTag,
  checkTransition,
  modelExists,
  modelNotFound,
  versionExists,
  versionNotFound,
} from '../../registry/registryRules.js';
import { versionOf } from '../../registry/versionViews.js';
import { parseFilter } from '../../search/filterParser.js';
import type { Page } from '../../search/pageToken.js';
import { searchModelVersions, searchRegisteredModels, type SearchRegistryRequest } from '../../search/searchRegistry.js';
import type { RegistryChange, StoreEvent } from '../records.js';
import type { PgTransactions } from './PgTransactions.js';
import { modelByMid, modelByName, modelRecords, readSnapshot, type ModelRow } from './pgRegistryRows.js';
import { registeredModelCandidates, versionModelCandidates } from './registrySearchSql.js';
import type { Sql } from './sqlTests.js';

/** The model's row, locked until the transaction ends. @throws RESOURCE_DOES_NOT_EXIST */
async function lockModel(c: pg.PoolClient, name: string): Promise<ModelRow> {
  const { rows } = await c.query<ModelRow>('SELECT * FROM registered_models WHERE name = $1 FOR UPDATE', [checkModelName(name)]);
  if (rows.length === 0) throw modelNotFound(name);
  return rows[0]!;
}

/** Throws unless the model (locked) has the version. */
async function mustHaveVersion(c: pg.PoolClient, model: ModelRow, version: number): Promise<void> {
  const { rowCount } = await c.query('SELECT 1 FROM model_versions WHERE mid = $1 AND version = $2', [model.mid, version]);
  if (!rowCount) throw versionNotFound(model.name, version);
}

/**
 * The query for the models a search can match (registrySearchSql), or for every model when the
 * filter does not parse (the shared search rules then refuse it, in their order of checks).
 */
function candidatesSql(filter: string | undefined, kind: 'registered_model' | 'model_version'): Sql {
  try {
    return kind === 'registered_model' ? registeredModelCandidates(parseFilter(filter, kind)) : versionModelCandidates(parseFilter(filter, kind));
  } catch {
    return registeredModelCandidates([]);
  }
}

/** The feed event of a registry change (`version` for a version's own changes). */
function registryEvent(name: string, change: RegistryChange, version?: number): StoreEvent {
  return version === undefined ? { type: 'registry', name, change } : { type: 'registry', name, version: String(version), change };
}

/** The PostgreSQL model registry. */
export class PgModelRegistry implements ModelRegistryStore {
  constructor(
    private readonly pool: pg.Pool,
    private readonly transactions: PgTransactions,
  ) {}

  // ---- registered models

  createRegisteredModel(spec: NewRegisteredModel): Promise<RegisteredModelRecord> {
    const name = checkModelName(spec.name);
    for (const [k, v] of Object.entries(spec.tags ?? {})) checkRegistryTag(k, v);
    return this.transactions.run(async (c, changed) => {
      const now = Date.now();
      const created = spec.creationTimestamp ?? now;
      const { rows } = await c.query<ModelRow>(
        `INSERT INTO registered_models (name, creation_timestamp, last_updated_timestamp, user_id, description, tags)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (name) DO NOTHING RETURNING *`,
        [name, created, spec.lastUpdatedTimestamp ?? created, spec.userId ?? '', spec.description ?? '', JSON.stringify({ ...spec.tags })],
      );
      if (rows.length === 0) throw modelExists(name);
      changed.push(registryEvent(name, 'model_created'));
      return (await modelRecords(c, rows))[0]!;
    });
  }

  async getRegisteredModel(name: string): Promise<RegisteredModelRecord> {
    checkModelName(name);
    const m = await readSnapshot(this.pool, (c) => modelByName(c, name));
    if (!m) throw modelNotFound(name);
    return m;
  }

  async searchRegisteredModels(req: SearchRegistryRequest): Promise<Page<RegisteredModelRecord>> {
    return searchRegisteredModels(await this.candidates(req.filter, 'registered_model'), req);
  }

  /**
   * The models a search looks at, in creation order, read in one snapshot: those its filter can
   * match, narrowed in SQL (registrySearchSql). The shared search rules then filter, order and
   * page them, so the answer is the file engine's.
   */
  private async candidates(filter: string | undefined, kind: 'registered_model' | 'model_version'): Promise<RegisteredModelRecord[]> {
    const q = candidatesSql(filter, kind);
    return readSnapshot(this.pool, async (c) => modelRecords(c, (await c.query<ModelRow>(q.text, q.values)).rows));
  }

  renameRegisteredModel(name: string, newName: string): Promise<RegisteredModelRecord> {
    checkModelName(newName);
    return this.transactions.run(async (c, changed) => {
      const m = await lockModel(c, name);
      if (newName === name) return modelByMid(c, m.mid);
      const now = Date.now();
      try {
        await c.query('UPDATE registered_models SET name = $2, last_updated_timestamp = $3 WHERE mid = $1', [m.mid, newName, now]);
      } catch (err) {
        // the unique name, whichever agent took it first
        if ((err as { code?: string }).code === '23505') throw modelExists(newName);
        throw err;
      }
      await c.query('UPDATE model_versions SET last_updated_timestamp = $2 WHERE mid = $1', [m.mid, now]);
      changed.push(registryEvent(newName, 'model_renamed'));
      return modelByMid(c, m.mid);
    });
  }

  updateRegisteredModel(name: string, description: string): Promise<RegisteredModelRecord> {
    return this.transactions.run(async (c, changed) => {
      const m = await lockModel(c, name);
      await c.query('UPDATE registered_models SET description = $2, last_updated_timestamp = $3 WHERE mid = $1', [m.mid, description, Date.now()]);
      changed.push(registryEvent(name, 'model_updated'));
      return modelByMid(c, m.mid);
    });
  }

  async deleteRegisteredModel(name: string): Promise<void> {
    await this.transactions.run(async (c, changed) => {
      const m = await lockModel(c, name);
      // its versions and their aliases go by ON DELETE CASCADE
      await c.query('DELETE FROM registered_models WHERE mid = $1', [m.mid]);
      changed.push(registryEvent(name, 'model_deleted'));
    });
  }

  async setRegisteredModelTag(name: string, key: string, value: string): Promise<void> {
    checkRegistryTag(key, value);
    await this.transactions.run(async (c, changed) => {
      const m = await lockModel(c, name);
      await c.query('UPDATE registered_models SET tags = tags || jsonb_build_object($2::text, $3::text) WHERE mid = $1', [m.mid, key, value]);
      changed.push(registryEvent(name, 'model_tag'));
    });
  }

  async deleteRegisteredModelTag(name: string, key: string): Promise<void> {
    await this.transactions.run(async (c, changed) => {
      const m = await lockModel(c, name);
      if (!Object.hasOwn(m.tags, key)) return;
      await c.query('UPDATE registered_models SET tags = tags - $2::text WHERE mid = $1', [m.mid, key]);
      changed.push(registryEvent(name, 'model_tag'));
    });
  }

  // ---- model versions

  createModelVersion(name: string, spec: NewModelVersion): Promise<VersionOf> {
    for (const [k, v] of Object.entries(spec.tags ?? {})) checkRegistryTag(k, v);
    return this.transactions.run(async (c, changed) => {
      // the model's row lock orders version numbering across agents
      const m = await lockModel(c, name);
      const number = spec.version ?? m.next_version;
      const modelId = sourceModelId(spec.source, spec.modelId);
      const logged =
        modelId === undefined
          ? undefined
          : (await c.query<{ source_run_id: string; tags: Record<string, string> }>("SELECT source_run_id, tags FROM logged_models WHERE model_id = $1 AND lifecycle_stage = 'active' FOR UPDATE", [modelId])).rows[0];
      const now = Date.now();
      const created = spec.creationTimestamp ?? now;
      const { rowCount } = await c.query(
        `INSERT INTO model_versions (mid, version, creation_timestamp, last_updated_timestamp, user_id, current_stage, description, source, run_id, run_link, status, status_message, tags)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'READY', '', $11) ON CONFLICT (mid, version) DO NOTHING`,
        [m.mid, number, created, spec.lastUpdatedTimestamp ?? created, spec.userId ?? '', spec.stage ?? 'None', spec.description ?? '', spec.source, versionRunId(spec.runId, logged?.source_run_id) ?? '', spec.runLink ?? '', JSON.stringify({ ...spec.tags })],
      );
      if (!rowCount) throw versionExists(name, number);
      await c.query('UPDATE registered_models SET next_version = greatest(next_version, $2), last_updated_timestamp = CASE WHEN $3 THEN $4 ELSE last_updated_timestamp END WHERE mid = $1', [
        m.mid,
        number + 1,
        spec.version === undefined,
        now,
      ]);
      if (logged !== undefined) {
        const value = withModelVersion(Object.hasOwn(logged.tags, MODEL_VERSIONS_TAG) ? logged.tags[MODEL_VERSIONS_TAG] : undefined, name, number);
        await c.query('UPDATE logged_models SET tags = tags || jsonb_build_object($2::text, $3::text), last_updated_timestamp_ms = $4 WHERE model_id = $1', [modelId, MODEL_VERSIONS_TAG, value, now]);
      }
      changed.push(registryEvent(name, 'version_created', number));
      return versionOf(await modelByMid(c, m.mid), number);
    });
  }

  async getModelVersion(name: string, version: number): Promise<VersionOf> {
    return versionOf(await this.getRegisteredModel(name), version);
  }

  /** Changes one version under its model's row lock: `work` runs the statements, then the records are read back. */
  private changeVersion(name: string, version: number, change: RegistryChange, work: (c: pg.PoolClient, m: ModelRow, now: number) => Promise<void>): Promise<VersionOf> {
    return this.transactions.run(async (c, changed) => {
      const m = await lockModel(c, name);
      await mustHaveVersion(c, m, version);
      await work(c, m, Date.now());
      changed.push(registryEvent(name, change, version));
      return versionOf(await modelByMid(c, m.mid), version);
    });
  }

  updateModelVersion(name: string, version: number, description: string): Promise<VersionOf> {
    return this.changeVersion(name, version, 'version_updated', async (c, m, now) => {
      await c.query('UPDATE model_versions SET description = $3, last_updated_timestamp = $4 WHERE mid = $1 AND version = $2', [m.mid, version, description, now]);
    });
  }

  transitionModelVersionStage(name: string, version: number, stage: string, archiveExisting: boolean): Promise<VersionOf> {
    const target = checkTransition(stage, archiveExisting);
    return this.changeVersion(name, version, 'version_stage', async (c, m, now) => {
      if (archiveExisting) {
        await c.query("UPDATE model_versions SET current_stage = 'Archived', last_updated_timestamp = $4 WHERE mid = $1 AND version <> $2 AND current_stage = $3", [m.mid, version, target, now]);
      }
      await c.query('UPDATE model_versions SET current_stage = $3, last_updated_timestamp = $4 WHERE mid = $1 AND version = $2', [m.mid, version, target, now]);
      await c.query('UPDATE registered_models SET last_updated_timestamp = $2 WHERE mid = $1', [m.mid, now]);
    });
  }

  async deleteModelVersion(name: string, version: number): Promise<void> {
    await this.transactions.run(async (c, changed) => {
      const m = await lockModel(c, name);
      // the aliases that pointed at it go by ON DELETE CASCADE; next_version stays, so the number is not reused
      const { rowCount } = await c.query('DELETE FROM model_versions WHERE mid = $1 AND version = $2', [m.mid, version]);
      if (!rowCount) throw versionNotFound(name, version);
      await c.query('UPDATE registered_models SET last_updated_timestamp = $2 WHERE mid = $1', [m.mid, Date.now()]);
      changed.push(registryEvent(name, 'version_deleted', version));
    });
  }

  async searchModelVersions(req: SearchRegistryRequest): Promise<Page<VersionOf>> {
    const versions = (await this.candidates(req.filter, 'model_version')).flatMap((model) => model.versions.map((version) => ({ model, version })));
    return searchModelVersions(versions, req);
  }

  async setModelVersionTag(name: string, version: number, key: string, value: string): Promise<void> {
    checkRegistryTag(key, value);
    await this.changeVersion(name, version, 'version_tag', async (c, m) => {
      await c.query('UPDATE model_versions SET tags = tags || jsonb_build_object($3::text, $4::text) WHERE mid = $1 AND version = $2', [m.mid, version, key, value]);
    });
  }

  async deleteModelVersionTag(name: string, version: number, key: string): Promise<void> {
    await this.transactions.run(async (c, changed) => {
      const m = await lockModel(c, name);
      const { rows } = await c.query<{ tags: Record<string, string> }>('SELECT tags FROM model_versions WHERE mid = $1 AND version = $2', [m.mid, version]);
      if (rows.length === 0) throw versionNotFound(name, version);
      if (!Object.hasOwn(rows[0]!.tags, key)) return;
      await c.query('UPDATE model_versions SET tags = tags - $3::text WHERE mid = $1 AND version = $2', [m.mid, version, key]);
      changed.push(registryEvent(name, 'version_tag', version));
    });
  }

  // ---- aliases

  async setRegisteredModelAlias(name: string, alias: string, version: number): Promise<void> {
    checkAlias(alias);
    await this.changeVersion(name, version, 'alias_set', async (c, m) => {
      // one version per alias (the primary key); a moved alias keeps its place in the model's list
      await c.query('INSERT INTO model_aliases (mid, alias, version) VALUES ($1, $2, $3) ON CONFLICT (mid, alias) DO UPDATE SET version = EXCLUDED.version', [m.mid, alias, version]);
    });
  }

  async deleteRegisteredModelAlias(name: string, alias: string): Promise<void> {
    checkAlias(alias);
    await this.transactions.run(async (c, changed) => {
      const m = await lockModel(c, name);
      const { rowCount } = await c.query('DELETE FROM model_aliases WHERE mid = $1 AND alias = $2', [m.mid, alias]);
      if (rowCount) changed.push(registryEvent(name, 'alias_deleted'));
    });
  }

  async getModelVersionByAlias(name: string, alias: string): Promise<VersionOf> {
    checkAlias(alias);
    checkModelName(name);
    const model = await readSnapshot(this.pool, (c) => modelByName(c, name));
    const version = model && Object.hasOwn(model.aliases, alias) ? model.aliases[alias] : undefined;
    if (!model || version === undefined) throw aliasNotFound(alias);
    return versionOf(model, version);
  }
}
