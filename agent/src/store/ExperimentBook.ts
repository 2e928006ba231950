/**
 * The experiments, kept in the append-only log `meta/experiments.jsonl`: each change appends the
 * experiment's whole record as one line, and on open the last line of each id wins. A change
 * costs one short append and fsync, whatever the number of experiments; the log is rewritten
 * compactly on open when superseded lines outweigh live ones. Experiment ids are 0, 1, 2, … like
 * MLflow's SQL stores; experiment "0" ("Default") always exists.
 *
 * Changes are written first and applied to memory after, one at a time, each checked against
 * the state the previous one left: a failed write changes nothing.
 */
import { readFile, rm, stat, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { alreadyExists, invalidParameter, notFound } from '../errors.js';
import { AppendFile } from './AppendFile.js';
import { writeFileDurably } from './durableWrite.js';
import { GroupCommitter } from './GroupCommitter.js';
import { SerialQueue } from './SerialQueue.js';
import type { ExperimentRecord } from './records.js';

/** Default artifact location of an experiment: the agent serves artifacts itself. */
export function defaultArtifactLocation(experimentId: string): string {
  return `mlflow-artifacts:/${experimentId}`;
}

const LOG = 'experiments.jsonl';
/** The single document earlier versions kept (`{next_id, experiments}`); moved into the log on open. */
const LEGACY_DOC = 'experiments.json';

/** The experiments and the operations on them. */
export class ExperimentBook {
  private readonly byId = new Map<string, ExperimentRecord>();
  private readonly byName = new Map<string, ExperimentRecord>();
  private listed: ExperimentRecord[] | null = null;
  private nextId = 1;
  /** Changes, one at a time. */
  private readonly changes = new SerialQueue();

  private constructor(private readonly log: AppendFile) {}

  /** Opens (or creates) the experiments of the store at `dir`. */
  static async open(dir: string): Promise<ExperimentBook> {
    const path = join(dir, 'meta', LOG);
    const { records, wholeBytes, lines, legacyNextId } = await readLog(path, join(dir, 'meta', LEGACY_DOC));
    const latest = new Map<string, ExperimentRecord>();
    for (const r of records) latest.set(r.experiment_id, r);
    let size = wholeBytes;
    if (legacyNextId !== null || lines > 2 * latest.size + 1000) {
      // rewrite compactly (or move the legacy document in), then drop the old file
      await writeFileDurably(path, [...latest.values()].map(line).join(''));
      size = (await stat(path)).size;
      if (legacyNextId !== null) await rm(join(dir, 'meta', LEGACY_DOC), { force: true });
    }
    const book = new ExperimentBook(new AppendFile(path, size, new GroupCommitter()));
    for (const e of latest.values()) book.index(e);
    book.nextId = legacyNextId ?? 1;
    for (const id of latest.keys()) if (/^\d+$/.test(id)) book.nextId = Math.max(book.nextId, Number(id) + 1);
    if (!book.byId.has('0')) {
      const now = Date.now();
      await book.write({
        experiment_id: '0',
        name: 'Default',
        artifact_location: defaultArtifactLocation('0'),
        lifecycle_stage: 'active',
        creation_time: now,
        last_update_time: now,
        tags: {},
      });
    }
    return book;
  }

  private index(e: ExperimentRecord): void {
    const old = this.byId.get(e.experiment_id);
    if (old && old.name !== e.name && this.byName.get(old.name) === old) this.byName.delete(old.name);
    this.byId.set(e.experiment_id, e);
    this.byName.set(e.name, e);
    this.listed = null;
  }

  /** Appends `e` to the log, then makes it the experiment's record. */
  private async write(e: ExperimentRecord): Promise<void> {
    await this.log.append(line(e));
    this.index(e);
  }

  /** All experiments, in creation order. */
  all(): readonly ExperimentRecord[] {
    this.listed ??= [...this.byId.values()];
    return this.listed;
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
  create(name: string, artifactLocation: string | undefined, tags: Record<string, string>): Promise<ExperimentRecord> {
    if (this.byName.has(name)) return Promise.reject(alreadyExists(`Experiment(name=${name}) already exists.`));
    return this.changes.run(async () => {
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
      await this.write(e);
      return e;
    });
  }

  // an import may have taken ids ahead of the counter; an id whose write failed is not reused
  // until the agent restarts, which is harmless: nothing was stored under it
  private nextFreeId(): string {
    let id = String(this.nextId++);
    while (this.byId.has(id)) id = String(this.nextId++);
    return id;
  }

  /**
   * Adds an experiment brought from elsewhere (an MLflow store), keeping its id when no
   * experiment has it yet, otherwise giving it the next free one. An experiment with the same
   * name is the same experiment: it is returned unchanged, so importing twice adds nothing.
   * @returns the experiment now holding that name, and whether it was created
   */
  importExperiment(e: Omit<ExperimentRecord, 'artifact_location'>): Promise<{ experiment: ExperimentRecord; created: boolean }> {
    return this.changes.run(async () => {
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
      await this.write(experiment);
      if (/^\d+$/.test(id)) this.nextId = Math.max(this.nextId, Number(id) + 1);
      return { experiment, created: true };
    });
  }

  /**
   * Applies `change` to a copy of the experiment `id`, writes it, and only then makes it the
   * experiment's record.
   * @throws RESOURCE_DOES_NOT_EXIST; RESOURCE_ALREADY_EXISTS when the change renames it to a taken name
   */
  update(id: string, change: (e: ExperimentRecord) => void): Promise<ExperimentRecord> {
    this.get(id);
    return this.changes.run(async () => {
      const next = structuredClone(this.get(id));
      change(next);
      const holder = this.byName.get(next.name);
      if (holder && holder.experiment_id !== id) throw alreadyExists(`Experiment(name=${next.name}) already exists.`);
      next.last_update_time = Date.now();
      await this.write(next);
      return next;
    });
  }

  /** @throws RESOURCE_ALREADY_EXISTS, INVALID_PARAMETER_VALUE when `name` cannot be the new name */
  checkRename(id: string, name: string): void {
    if (!name) throw invalidParameter('The experiment name must not be empty.');
    const other = this.byName.get(name);
    if (other && other.experiment_id !== id) throw alreadyExists(`Experiment(name=${name}) already exists.`);
  }

  /** Waits for queued changes and closes the log. */
  async close(): Promise<void> {
    await this.changes.idle();
    await this.log.close();
  }
}

function line(e: ExperimentRecord): string {
  return `${JSON.stringify(e)}\n`;
}

interface LogContents {
  records: ExperimentRecord[];
  /** Bytes of whole lines; a torn last line (a crash mid-append) is not counted, and is cut off. */
  wholeBytes: number;
  lines: number;
  /** The legacy document's counter when the records came from it, else null. */
  legacyNextId: number | null;
}

/** Parses the log's whole lines; a line damaged by hand is skipped so the store still opens. */
function parseLog(text: string): Omit<LogContents, 'legacyNextId'> {
  const records: ExperimentRecord[] = [];
  let start = 0;
  let lines = 0;
  for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
    const body = text.slice(start, nl);
    start = nl + 1;
    if (body.trim() === '') continue;
    lines++;
    try {
      records.push(JSON.parse(body) as ExperimentRecord);
    } catch {
      // that change of that experiment is lost; the others stand
    }
  }
  return { records, wholeBytes: Buffer.byteLength(text.slice(0, start)), lines };
}

async function readLog(path: string, legacyPath: string): Promise<LogContents> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    return readLegacy(legacyPath);
  }
  const parsed = parseLog(text);
  if (parsed.wholeBytes < Buffer.byteLength(text)) await truncate(path, parsed.wholeBytes);
  return { ...parsed, legacyNextId: null };
}

/**
 * The experiments of the store at `dir` as they are on disk now, without opening the store
 * (for `lablog export` beside a running agent); null when there is no store there.
 */
export async function readExperiments(dir: string): Promise<ExperimentRecord[] | null> {
  let contents: Omit<LogContents, 'legacyNextId'>;
  try {
    contents = parseLog(await readFile(join(dir, 'meta', LOG), 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    contents = await readLegacy(join(dir, 'meta', LEGACY_DOC));
    if (contents.lines === 0) return null;
  }
  const latest = new Map<string, ExperimentRecord>();
  for (const r of contents.records) latest.set(r.experiment_id, r);
  return [...latest.values()];
}

async function readLegacy(path: string): Promise<LogContents> {
  try {
    const doc = JSON.parse(await readFile(path, 'utf8')) as { next_id: number; experiments: ExperimentRecord[] };
    return { records: doc.experiments, wholeBytes: 0, lines: doc.experiments.length, legacyNextId: doc.next_id };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { records: [], wholeBytes: 0, lines: 0, legacyNextId: null };
    throw err;
  }
}
