/**
 * The layout of an MLflow file store: `<exp_id>/meta.yaml` experiments (deleted ones under
 * `.trash/`), their `tags/`, their run folders, and `models/` for the registry. Scanning tells an
 * MLflow store from any other folder before anything is written.
 */
import type { LifecycleStage } from '@lablog/schema';
import { join } from 'node:path';
import type { ExperimentRecord } from '../store/records.js';
import { MalformedMlruns, entries, isDir, keyValueFolder, num, readMeta, text } from './mlrunsFiles.js';

/** The folder is not an MLflow file store (or not readable as one). */
export class NotAnMlflowStore extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotAnMlflowStore';
  }
}

/** An experiment found in the store, with the ids of its run folders. */
export interface MlrunsExperiment {
  dir: string;
  record: Omit<ExperimentRecord, 'artifact_location'>;
  runIds: string[];
}

/** What a scan found. */
export interface MlrunsLayout {
  experiments: MlrunsExperiment[];
  /** `models/` when the store has a registry. */
  modelsDir: string | undefined;
  /** Entries that looked like MLflow's but could not be read; they are skipped. */
  problems: string[];
}

const NOT_RUNS = new Set(['tags', 'datasets']);
const RUN_ID = /^[a-zA-Z0-9][\w-]{0,255}$/;

async function readExperiment(dir: string, trashed: boolean): Promise<MlrunsExperiment | null> {
  const meta = await readMeta(dir);
  if (!meta) return null;
  const id = text(meta.experiment_id);
  const name = text(meta.name);
  if (id === '' || name === '') throw new MalformedMlruns(join(dir, 'meta.yaml'), 'experiment_id and name are required');
  const now = Date.now();
  const creation = num(meta.creation_time, now);
  const stage: LifecycleStage = trashed || text(meta.lifecycle_stage) === 'deleted' ? 'deleted' : 'active';
  const runIds: string[] = [];
  for (const e of await entries(dir)) {
    if (e.isDirectory() && !NOT_RUNS.has(e.name) && RUN_ID.test(e.name)) runIds.push(e.name);
  }
  return {
    dir,
    record: {
      experiment_id: id,
      name,
      lifecycle_stage: stage,
      creation_time: creation,
      last_update_time: num(meta.last_update_time, creation),
      tags: await keyValueFolder(join(dir, 'tags')),
    },
    runIds: runIds.sort(),
  };
}

/**
 * Scans an MLflow file store.
 * @throws NotAnMlflowStore when `root` is missing, not a folder, or holds neither an experiment
 *   (`<id>/meta.yaml` with an id and a name) nor a `models/` registry
 */
export async function scanMlruns(root: string): Promise<MlrunsLayout> {
  if (!(await isDir(root))) throw new NotAnMlflowStore(`${root} is not a folder`);
  const problems: string[] = [];
  const experiments: MlrunsExperiment[] = [];
  const candidates: Array<{ dir: string; trashed: boolean }> = [];
  for (const e of await entries(root)) {
    if (e.isDirectory() && e.name !== 'models' && e.name !== '.trash') candidates.push({ dir: join(root, e.name), trashed: false });
  }
  for (const e of await entries(join(root, '.trash'))) {
    if (e.isDirectory()) candidates.push({ dir: join(root, '.trash', e.name), trashed: true });
  }
  for (const c of candidates) {
    try {
      const exp = await readExperiment(c.dir, c.trashed);
      if (exp) experiments.push(exp);
    } catch (err) {
      if (!(err instanceof MalformedMlruns)) throw err;
      problems.push(err.message);
    }
  }
  const modelsDir = (await isDir(join(root, 'models'))) ? join(root, 'models') : undefined;
  if (experiments.length === 0 && modelsDir === undefined) {
    const found = problems.length > 0 ? `\n  ${problems.join('\n  ')}` : '';
    throw new NotAnMlflowStore(
      `${root} is not an MLflow file store: no experiment folder (<id>/meta.yaml with experiment_id and name) and no models/ folder found. ` +
        `Give the folder MLflow writes with a file: tracking URI, usually ./mlruns.${found}`,
    );
  }
  return { experiments, modelsDir, problems };
}
