/**
 * The experiments of a PostgreSQL store: each change one transaction that reads the experiment
 * under its row lock (or relies on the unique name), so the rules hold across agents; every
 * change announced on the feed. (experiments/search is pgExperimentSearch's.)
 */
import type pg from 'pg';
import { alreadyExists, invalidParameter, notFound } from '../../errors.js';
import type { ExperimentRecord } from '../records.js';
import { experimentRecord, withKey, type ExperimentRow } from './pgRows.js';
import type { PgTransactions } from './PgTransactions.js';

/** Experiment operations of the PostgreSQL store. */
export class PgExperiments {
  constructor(
    private readonly pool: pg.Pool,
    private readonly transactions: PgTransactions,
  ) {}

  /** @throws RESOURCE_ALREADY_EXISTS when the name is taken (by a deleted experiment too) */
  async create(name: string, artifactLocation: string | undefined, tags: Record<string, string>): Promise<ExperimentRecord> {
    return this.transactions.run(async (c, changed) => {
      // ids a lablog import took are skipped
      let id: string;
      do id = String((await c.query<{ id: number }>("SELECT nextval('experiment_ids') AS id")).rows[0]!.id);
      while ((await c.query('SELECT 1 FROM experiments WHERE experiment_id = $1', [id])).rowCount);
      const now = Date.now();
      const { rows } = await c.query<ExperimentRow>(
        `INSERT INTO experiments VALUES ($1, $2, $3, 'active', $4, $4, $5) ON CONFLICT (name) DO NOTHING RETURNING *`,
        [id, name, artifactLocation || `mlflow-artifacts:/${id}`, now, tags],
      );
      if (rows.length === 0) throw alreadyExists(`Experiment(name=${name}) already exists.`);
      const e = experimentRecord(rows[0]!);
      changed.push({ type: 'experiment', experiment: e });
      return e;
    });
  }

  /** @throws RESOURCE_DOES_NOT_EXIST */
  async get(id: string): Promise<ExperimentRecord> {
    const { rows } = await this.pool.query<ExperimentRow>('SELECT * FROM experiments WHERE experiment_id = $1', [id]);
    if (rows.length === 0) throw notFound(`No Experiment with id=${id} exists`);
    return experimentRecord(rows[0]!);
  }

  /** The experiment of that name, deleted ones included, or null. */
  async byName(name: string): Promise<ExperimentRecord | null> {
    const { rows } = await this.pool.query<ExperimentRow>('SELECT * FROM experiments WHERE name = $1', [name]);
    return rows.length === 0 ? null : experimentRecord(rows[0]!);
  }

  /** Changes one experiment under its row lock; `change` checks and returns the columns to set. */
  private change(id: string, change: (e: ExperimentRecord) => Partial<ExperimentRecord>): Promise<void> {
    return this.transactions.run(async (c, changed) => {
      const { rows } = await c.query<ExperimentRow>('SELECT * FROM experiments WHERE experiment_id = $1 FOR UPDATE', [id]);
      if (rows.length === 0) throw notFound(`No Experiment with id=${id} exists`);
      const next = { ...experimentRecord(rows[0]!), ...change(experimentRecord(rows[0]!)), last_update_time: Date.now() };
      await c.query('UPDATE experiments SET name = $2, lifecycle_stage = $3, tags = $4, last_update_time = $5 WHERE experiment_id = $1', [
        id,
        next.name,
        next.lifecycle_stage,
        next.tags,
        next.last_update_time,
      ]);
      changed.push({ type: 'experiment', experiment: next });
    });
  }

  /** @throws RESOURCE_ALREADY_EXISTS (name taken), INVALID_PARAMETER_VALUE (empty name, not active) */
  async rename(id: string, newName: string): Promise<void> {
    if (!newName) throw invalidParameter('The experiment name must not be empty.');
    await this.change(id, (e) => {
      if (e.lifecycle_stage !== 'active') throw invalidParameter(`Cannot rename a non-active experiment ${id}.`);
      return { name: newName };
    });
  }

  /** @throws INVALID_PARAMETER_VALUE for the default experiment '0' when deleting */
  async setLifecycle(id: string, stage: 'active' | 'deleted'): Promise<void> {
    if (stage === 'deleted' && id === '0') throw invalidParameter("Cannot delete the default experiment '0'.");
    await this.change(id, () => ({ lifecycle_stage: stage }));
  }

  /** @throws INVALID_PARAMETER_VALUE when the experiment is not active */
  async setTag(id: string, key: string, value: string): Promise<void> {
    await this.change(id, (e) => {
      if (e.lifecycle_stage !== 'active') throw invalidParameter(`The experiment ${id} must be in the 'active' state. Current state is ${e.lifecycle_stage}.`);
      return { tags: withKey(e.tags, key, value) };
    });
  }

  /** @throws RESOURCE_DOES_NOT_EXIST when the tag is absent */
  async deleteTag(id: string, key: string): Promise<void> {
    await this.change(id, (e) => {
      if (!Object.hasOwn(e.tags, key)) throw notFound(`No tag with name: ${key} in experiment with id ${id}`);
      const tags = { ...e.tags };
      delete tags[key];
      return { tags };
    });
  }
}
