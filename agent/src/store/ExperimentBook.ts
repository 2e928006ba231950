/**
 * The experiments, kept in one lowdb document `meta/experiments.json` (experiments are few;
 * runs live in their own files). Experiment ids are 0, 1, 2, … like MLflow's SQL stores;
 * experiment "0" ("Default") always exists.
 */
import { Low } from 'lowdb';
import { DataFile } from 'lowdb/node';
import { join } from 'node:path';
import { alreadyExists, invalidParameter, notFound } from '../errors.js';
import { stringifyDoc } from './jsonCodec.js';
import type { ExperimentRecord } from './records.js';

interface ExperimentsDoc {
  next_id: number;
  experiments: ExperimentRecord[];
}

/** Default artifact location of an experiment: the agent serves artifacts itself. */
export function defaultArtifactLocation(experimentId: string): string {
  return `mlflow-artifacts:/${experimentId}`;
}

/** The experiments document and the operations on it. */
export class ExperimentBook {
  private readonly byId = new Map<string, ExperimentRecord>();
  private readonly byName = new Map<string, ExperimentRecord>();

  private constructor(private readonly db: Low<ExperimentsDoc>) {
    for (const e of db.data.experiments) this.index(e);
  }

  /** Opens (or creates) `meta/experiments.json` under the store's `dir`. */
  static async open(dir: string): Promise<ExperimentBook> {
    const file = new DataFile<ExperimentsDoc>(join(dir, 'meta', 'experiments.json'), {
      parse: (s) => JSON.parse(s) as ExperimentsDoc,
      stringify: stringifyDoc,
    });
    const db = new Low(file, { next_id: 1, experiments: [] });
    await db.read();
    const book = new ExperimentBook(db);
    if (!book.byId.has('0')) {
      const now = Date.now();
      book.add({
        experiment_id: '0',
        name: 'Default',
        artifact_location: defaultArtifactLocation('0'),
        lifecycle_stage: 'active',
        creation_time: now,
        last_update_time: now,
        tags: {},
      });
      await db.write();
    }
    return book;
  }

  private index(e: ExperimentRecord): void {
    this.byId.set(e.experiment_id, e);
    this.byName.set(e.name, e);
  }

  private add(e: ExperimentRecord): void {
    this.db.data.experiments.push(e);
    this.index(e);
  }

  /** All experiments, in id order. */
  all(): readonly ExperimentRecord[] {
    return this.db.data.experiments;
  }

  /** @throws RESOURCE_DOES_NOT_EXIST */
  get(id: string): ExperimentRecord {
    const e = this.byId.get(id);
    if (!e) throw notFound(`No Experiment with id=${id} exists`);
    return e;
  }

  /** The experiment with this name, deleted ones included, or undefined. */
  findByName(name: string): ExperimentRecord | undefined {
    return this.byName.get(name);
  }

  /**
   * Creates an experiment.
   * @throws RESOURCE_ALREADY_EXISTS when the name is taken (by a deleted experiment too)
   */
  async create(name: string, artifactLocation: string | undefined, tags: Record<string, string>): Promise<ExperimentRecord> {
    if (this.byName.has(name)) throw alreadyExists(`Experiment(name=${name}) already exists.`);
    const id = this.nextFreeId();
    const now = Date.now();
    const e: ExperimentRecord = {
      experiment_id: id,
      name,
      artifact_location: artifactLocation || defaultArtifactLocation(id),
      lifecycle_stage: 'active',
      creation_time: now,
      last_update_time: now,
      tags,
    };
    this.add(e);
    await this.db.write();
    return e;
  }

  // an import may have taken ids ahead of the counter
  private nextFreeId(): string {
    let id = String(this.db.data.next_id++);
    while (this.byId.has(id)) id = String(this.db.data.next_id++);
    return id;
  }

  /**
   * Adds an experiment brought from elsewhere (an MLflow store), keeping its id when no
   * experiment has it yet, otherwise giving it the next free one. An experiment with the same
   * name is the same experiment: it is returned unchanged, so importing twice adds nothing.
   * @returns the experiment now holding that name, and whether it was created
   */
  async importExperiment(e: Omit<ExperimentRecord, 'artifact_location'>): Promise<{ experiment: ExperimentRecord; created: boolean }> {
    const existing = this.byName.get(e.name);
    if (existing) return { experiment: existing, created: false };
    const id = this.byId.has(e.experiment_id) || e.experiment_id === '' ? this.nextFreeId() : e.experiment_id;
    const experiment: ExperimentRecord = {
      experiment_id: id,
      name: e.name,
      artifact_location: defaultArtifactLocation(id),
      lifecycle_stage: e.lifecycle_stage,
      creation_time: e.creation_time,
      last_update_time: e.last_update_time,
      tags: { ...e.tags },
    };
    this.add(experiment);
    await this.db.write();
    return { experiment, created: true };
  }

  /** Applies `change` to the experiment `id` and saves. */
  async update(id: string, change: (e: ExperimentRecord) => void): Promise<ExperimentRecord> {
    const e = this.get(id);
    const oldName = e.name;
    change(e);
    if (e.name !== oldName) {
      this.byName.delete(oldName);
      this.byName.set(e.name, e);
    }
    e.last_update_time = Date.now();
    await this.db.write();
    return e;
  }

  /** @throws RESOURCE_ALREADY_EXISTS, INVALID_PARAMETER_VALUE when `name` cannot be the new name */
  checkRename(id: string, name: string): void {
    if (!name) throw invalidParameter('The experiment name must not be empty.');
    const other = this.byName.get(name);
    if (other && other.experiment_id !== id) throw alreadyExists(`Experiment(name=${name}) already exists.`);
  }
}
