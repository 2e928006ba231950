/**
 * MLflow 3 logged models, one lowdb document each: `models/<model_id>/model.json`, with the
 * model's artifact files in `models/<model_id>/artifacts/`. Every document is read when the
 * store opens (they are small); a change rewrites only that model's document, atomically.
 * Semantics follow MLflow's SQL store: a new model is PENDING until finalized, deleting a model
 * hides it (its files stay), and params cannot change value once logged.
 */
import { replacesLatest, type LoggedModelStatus } from '@lablog/schema';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { invalidParameter, notFound } from '../errors.js';
import { stringifyDoc } from '../store/jsonCodec.js';
import type { ExperimentRecord } from '../store/records.js';
import { randomRunName } from '../store/runNames.js';
import type { LoggedModelDoc, ModelMetricRecord } from './loggedModelRecords.js';
import { assignKeys } from '../store/keyedRecord.js';
import { writeFileDurably } from '../store/durableWrite.js';
import { SerialQueue } from '../store/SerialQueue.js';

/** Fields of a new logged model. Params and tags are already checked. */
export interface NewLoggedModel {
  /** The model's experiment, as the tracking store has it. */
  experiment: ExperimentRecord;
  /** A random name (like a run's) when empty. */
  name?: string | undefined;
  modelType?: string | undefined;
  sourceRunId?: string | undefined;
  params: Record<string, string>;
  tags: Record<string, string>;
}

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
   * @throws RESOURCE_DOES_NOT_EXIST for an unknown experiment, INVALID_PARAMETER_VALUE for a deleted one
   */
  async create(spec: NewLoggedModel): Promise<LoggedModelDoc> {
    const exp = spec.experiment;
    if (exp.lifecycle_stage !== 'active') {
      throw invalidParameter(`The experiment ${exp.experiment_id} must be in the 'active' state. Current state is ${exp.lifecycle_stage}.`);
    }
    const modelId = `m-${randomUUID().replaceAll('-', '')}`;
    const now = Date.now();
    const doc: LoggedModelDoc = {
      info: {
        model_id: modelId,
        experiment_id: exp.experiment_id,
        name: spec.name || randomRunName(),
        creation_timestamp_ms: now,
        last_updated_timestamp_ms: now,
        artifact_uri: `${exp.artifact_location.replace(/\/+$/, '')}/models/${modelId}/artifacts`,
        status: 'LOGGED_MODEL_PENDING',
        model_type: spec.modelType ?? '',
        source_run_id: spec.sourceRunId ?? '',
        status_message: '',
        lifecycle_stage: 'active',
      },
      params: { ...spec.params },
      tags: { ...spec.tags },
    };
    const dir = join(this.dir, modelId);
    await mkdir(join(dir, 'artifacts'), { recursive: true, mode: 0o700 });
    await writeModel(dir, doc);
    this.models.set(modelId, { doc, changes: new SerialQueue() });
    return doc;
  }

  /** Applies `apply` to a copy of the model's document, writes it, and only then makes it the model's. */
  private change(modelId: string, apply: (doc: LoggedModelDoc) => void): Promise<LoggedModelDoc> {
    const m = this.stored(modelId);
    return m.changes.run(async () => {
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
    if (!Object.hasOwn(this.get(modelId).tags, key)) throw notFound(`No tag with key '${key}' found for model with ID '${modelId}'.`);
    await this.change(modelId, (doc) => {
      delete doc.tags[key];
    });
  }

  /**
   * Records metrics about a model (logged to a run with `model_id`): one value per key and
   * dataset is kept, the latest by step, then timestamp.
   */
  logMetrics(modelId: string, metrics: readonly ModelMetricRecord[]): Promise<LoggedModelDoc> {
    return this.change(modelId, (doc) => {
      const kept = (doc.metrics ??= []);
      for (const m of metrics) {
        const at = kept.findIndex((k) => k.key === m.key && k.dataset_name === m.dataset_name && k.dataset_digest === m.dataset_digest);
        const old = at >= 0 ? kept[at]! : undefined;
        if (!old) kept.push(m);
        else if (replacesLatest(m, old)) kept[at] = m;
      }
    });
  }

  /**
   * Logs params; logging a param again with the same value is fine.
   * @throws INVALID_PARAMETER_VALUE when a param would change value (nothing is written)
   */
  logParams(modelId: string, params: Record<string, string>): Promise<LoggedModelDoc> {
    const current = this.get(modelId).params;
    for (const [key, value] of Object.entries(params)) {
      const old = Object.hasOwn(current, key) ? current[key] : undefined;
      if (old !== undefined && old !== value) {
        throw invalidParameter(`Changing param values is not allowed. Param with key='${key}' was already logged with value='${old}' for logged model ID='${modelId}'. Attempted logging new value '${value}'.`);
      }
    }
    return this.change(modelId, (doc) => assignKeys(doc.params, params));
  }
}
