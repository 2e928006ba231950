/**
 * MLflow 3 logged models, one lowdb document each: `models/<model_id>/model.json`, with the
 * model's artifact files in `models/<model_id>/artifacts/`. Every document is read when the
 * store opens (they are small); a change rewrites only that model's document, atomically.
 * Semantics follow MLflow's SQL store: a new model is PENDING until finalized, deleting a model
 * hides it (its files stay), and params cannot change value once logged.
 */
import type { LoggedModelStatus } from '@lablog/schema';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { notFound } from '../errors.js';
import { stringifyDoc } from '../store/jsonCodec.js';
import type { ExperimentRecord } from '../store/records.js';
import type { LoggedModelDoc, ModelMetricRecord } from './loggedModelRecords.js';
import { assignKeys, getKey, setKey } from '../store/keyedRecord.js';
import { checkModelParams, newLoggedModelDoc, withModelMetrics, type NewLoggedModel } from './loggedModelRules.js';
import { writeFileDurably } from '../store/durableWrite.js';
import { SerialQueue } from '../store/SerialQueue.js';

interface Stored {
  /** The model's document as last written; replaced, never edited. */
  doc: LoggedModelDoc;
  /** Changes of this model, one at a time. */
  changes: SerialQueue;
}

/** Writes a model's document durably. */
function writeModel(dir: string, doc: LoggedModelDoc): Promise<void> {
  return writeFileDurably(join(dir, 'model.json'), stringifyDoc(doc));
}

/** The logged models of a store. */
export class LoggedModelBook {
  private readonly models = new Map<string, Stored>();

  private constructor(private readonly dir: string) {}

  /**
   * Opens the logged models under `<storeDir>/models`, creating the folder when absent.
   * Reads are synchronous for the reason FileStore.loadRuns gives: nothing is served yet.
   */
  static async open(storeDir: string): Promise<LoggedModelBook> {
    const book = new LoggedModelBook(join(storeDir, 'models'));
    await mkdir(book.dir, { recursive: true, mode: 0o700 });
    for (const id of readdirSync(book.dir)) {
      const dir = join(book.dir, id);
      let text: string;
      try {
        text = readFileSync(join(dir, 'model.json'), 'utf8');
      } catch {
        continue; // a folder without a document (a crash during create) is not a model
      }
      const doc = JSON.parse(text) as LoggedModelDoc;
      book.models.set(doc.info.model_id, { doc, changes: new SerialQueue() });
    }
    return book;
  }

  private stored(modelId: string): Stored {
    const m = this.models.get(modelId);
    if (!m || m.doc.info.lifecycle_stage !== 'active') throw notFound(`Logged model with ID '${modelId}' not found.`);
    return m;
  }

  /** Whether a logged model exists and is not deleted. */
  has(modelId: string): boolean {
    return this.models.get(modelId)?.doc.info.lifecycle_stage === 'active';
  }

  /** A logged model. @throws RESOURCE_DOES_NOT_EXIST when absent or deleted */
  get(modelId: string): LoggedModelDoc {
    return this.stored(modelId).doc;
  }

  /** The models of the given experiments that are not deleted. */
  inExperiments(experimentIds: readonly string[]): LoggedModelDoc[] {
    const wanted = new Set(experimentIds);
    const out: LoggedModelDoc[] = [];
    for (const { doc } of this.models.values()) {
      if (doc.info.lifecycle_stage === 'active' && wanted.has(doc.info.experiment_id)) out.push(doc);
    }
    return out;
  }

  /** The folder holding a model's artifact files. @throws RESOURCE_DOES_NOT_EXIST */
  artifactDir(modelId: string): string {
    this.stored(modelId);
    return join(this.dir, modelId, 'artifacts');
  }

  /**
   * Creates a model, PENDING until finalized.
   * @param exp the model's experiment, as the tracking store has it
   * @throws INVALID_PARAMETER_VALUE for a deleted experiment
   */
  async create(exp: ExperimentRecord, spec: NewLoggedModel): Promise<LoggedModelDoc> {
    const doc = newLoggedModelDoc(exp, spec);
    const dir = join(this.dir, doc.info.model_id);
    await mkdir(join(dir, 'artifacts'), { recursive: true, mode: 0o700 });
    await writeModel(dir, doc);
    this.models.set(doc.info.model_id, { doc, changes: new SerialQueue() });
    return doc;
  }

  /** Applies `apply` to a copy of the model's document, writes it, and only then makes it the model's. */
  private change(modelId: string, apply: (doc: LoggedModelDoc) => void): Promise<LoggedModelDoc> {
    const m = this.stored(modelId);
    return m.changes.run(async () => {
      this.stored(modelId); // deleted while this change waited its turn
      const next = structuredClone(m.doc);
      apply(next);
      next.info.last_updated_timestamp_ms = Date.now();
      await writeModel(join(this.dir, modelId), next);
      m.doc = next;
      return next;
    });
  }

  /** Sets a model's status (READY once its files are uploaded, UPLOAD_FAILED when that failed). */
  finalize(modelId: string, status: LoggedModelStatus): Promise<LoggedModelDoc> {
    return this.change(modelId, (doc) => {
      doc.info.status = status;
    });
  }

  /** Deletes a model: it is no longer found; its document and files stay on disk. */
  async delete(modelId: string): Promise<void> {
    await this.change(modelId, (doc) => {
      doc.info.lifecycle_stage = 'deleted';
    });
  }

  /** Sets (or overwrites) tags. */
  setTags(modelId: string, tags: Record<string, string>): Promise<LoggedModelDoc> {
    return this.change(modelId, (doc) => assignKeys(doc.tags, tags));
  }

  /** Deletes a tag. @throws RESOURCE_DOES_NOT_EXIST when the model has no such tag */
  async deleteTag(modelId: string, key: string): Promise<void> {
    await this.change(modelId, (doc) => {
      if (!Object.hasOwn(doc.tags, key)) throw notFound(`No tag with key '${key}' found for model with ID '${modelId}'.`);
      delete doc.tags[key];
    });
  }

  /**
   * Sets a tag to what `value` makes of its current value (undefined when absent), read and
   * written under the model's queue, so two such changes at once both count.
   */
  updateTag(modelId: string, key: string, value: (old: string | undefined) => string): Promise<LoggedModelDoc> {
    return this.change(modelId, (doc) => setKey(doc.tags, key, value(getKey(doc.tags, key))));
  }

  /**
   * Records metrics about a model (logged to a run with `model_id`): one value per key and
   * dataset is kept, the latest by step, then timestamp.
   */
  logMetrics(modelId: string, metrics: readonly ModelMetricRecord[]): Promise<LoggedModelDoc> {
    return this.change(modelId, (doc) => {
      doc.metrics = withModelMetrics(doc.metrics ?? [], metrics);
    });
  }

  /**
   * Logs params; logging a param again with the same value is fine. Checked against the
   * document inside the model's queue, so two requests at once cannot both change a value.
   * @throws INVALID_PARAMETER_VALUE when a param would change value (nothing is written)
   */
  logParams(modelId: string, params: Record<string, string>): Promise<LoggedModelDoc> {
    return this.change(modelId, (doc) => {
      checkModelParams(modelId, doc.params, params);
      assignKeys(doc.params, params);
    });
  }
}
