/**
 * MLflow 3 logged models, one lowdb document each: `models/<model_id>/model.json`, with the
 * model's artifact files in `models/<model_id>/artifacts/`. Every document is read when the
 * store opens (they are small); a change rewrites only that model's document, atomically.
 * The rules of each change are loggedModelRules' (shared with the PostgreSQL engine); here a
 * change is applied to a copy under the model's queue, written, then swapped in.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { stringifyDoc } from '../store/jsonCodec.js';
import type { ExperimentRecord } from '../store/records.js';
import type { LoggedModelDoc } from './loggedModelRecords.js';
import { loggedModelNotFound, newLoggedModelDoc, type LoggedModelEdit, type NewLoggedModel } from './loggedModelRules.js';
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
    if (!m || m.doc.info.lifecycle_stage !== 'active') throw loggedModelNotFound(modelId);
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

  /** Every model, deleted ones too (what a move into a database carries over). */
  all(): LoggedModelDoc[] {
    return [...this.models.values()].map((m) => m.doc);
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

  /**
   * Applies `edit` to a copy of the model's document (read in the model's queue, so each edit sees
   * the one before), writes the copy, and only then makes it the model's.
   * @throws RESOURCE_DOES_NOT_EXIST when absent or deleted; what `edit` throws (nothing is written)
   */
  edit(modelId: string, edit: LoggedModelEdit): Promise<LoggedModelDoc> {
    const m = this.stored(modelId);
    return m.changes.run(async () => {
      this.stored(modelId); // deleted while this change waited its turn
      const next = structuredClone(m.doc);
      edit(next);
      next.info.last_updated_timestamp_ms = Date.now();
      await writeModel(join(this.dir, modelId), next);
      m.doc = next;
      return next;
    });
  }
}
