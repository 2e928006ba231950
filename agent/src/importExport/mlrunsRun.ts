/**
 * One run of an MLflow file store, `<exp>/<run_id>/`: `meta.yaml` (info), `params/`, `tags/`,
 * `metrics/<key>` (lines `timestamp value step`), `inputs/<id>/meta.yaml` (dataset inputs that
 * point at `<exp>/datasets/<id>/meta.yaml`) and the artifact files.
 */
import type { DatasetInput, RunStatus } from '@lablog/schema';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { isLocalUri, localPath } from '../registry/modelSource.js';
import type { MetricPoint } from '../store/records.js';
import type { ImportedRun } from '../store/runImport.js';
import { MalformedMlruns, entries, isDir, keyValueFolder, keyedFiles, num, numOrNull, readMeta, text, type Meta } from './mlrunsFiles.js';

/** MLflow's RunStatus enum numbers, as the file store writes them. */
const STATUS_BY_NUMBER: Readonly<Record<number, RunStatus>> = { 1: 'RUNNING', 2: 'SCHEDULED', 3: 'FINISHED', 4: 'FAILED', 5: 'KILLED' };
const STATUSES = new Set<string>(Object.values(STATUS_BY_NUMBER));

/** Points handed to the store at a time. */
const CHUNK = 10_000;

/** A run read from an MLflow file store, ready to import. */
export interface MlrunsRun {
  /** The run as the store takes it; `info.experiment_id` is the MLflow store's id. */
  run: ImportedRun;
  /** One file per metric key. */
  metricFiles: Array<{ key: string; path: string }>;
  /** Where its artifact files are on this machine, when they are. */
  artifactsDir: string | undefined;
  /** `artifact_uri` as MLflow wrote it; model version sources start with it. */
  originalArtifactUri: string;
}

function status(v: unknown): RunStatus {
  const n = num(v, NaN);
  if (STATUS_BY_NUMBER[n]) return STATUS_BY_NUMBER[n];
  const s = text(v).toUpperCase();
  return STATUSES.has(s) ? (s as RunStatus) : 'FINISHED';
}

/**
 * Where a run's artifacts are: MLflow wrote an absolute `artifact_uri`, which is stale once the
 * store is moved, so a URI ending in `<exp>/<run>/artifacts` is read against the folder given.
 */
async function findArtifacts(runDir: string, expId: string, runId: string, uri: string): Promise<string | undefined> {
  const inStore = join(runDir, 'artifacts');
  if (uri.replace(/\/+$/, '').endsWith(`/${expId}/${runId}/artifacts`) && (await isDir(inStore))) return inStore;
  if (uri !== '' && isLocalUri(uri) && (await isDir(localPath(uri)))) return localPath(uri);
  return (await isDir(inStore)) ? inStore : undefined;
}

/** Dataset documents of one experiment (`<exp>/datasets/<id>/meta.yaml`), read once each. */
export class DatasetCache {
  private readonly byId = new Map<string, Promise<Meta | null>>();
  constructor(private readonly expDir: string) {}

  /** The dataset with this id, or null. */
  get(id: string): Promise<Meta | null> {
    let p = this.byId.get(id);
    if (!p) this.byId.set(id, (p = readMeta(join(this.expDir, 'datasets', id))));
    return p;
  }
}

async function readInputs(runDir: string, datasets: DatasetCache): Promise<DatasetInput[]> {
  const out: DatasetInput[] = [];
  for (const e of await entries(join(runDir, 'inputs'))) {
    if (!e.isDirectory()) continue;
    const input = await readMeta(join(runDir, 'inputs', e.name));
    if (!input || text(input.source_type).toUpperCase() !== 'DATASET') continue;
    const ds = await datasets.get(text(input.source_id));
    if (!ds) continue;
    const tags = input.tags && typeof input.tags === 'object' ? Object.entries(input.tags as Meta).map(([key, value]) => ({ key, value: text(value) })) : [];
    const dataset: DatasetInput['dataset'] = { name: text(ds.name), digest: text(ds.digest), source_type: text(ds.source_type), source: text(ds.source) };
    if (ds.schema != null) dataset.schema = text(ds.schema);
    if (ds.profile != null) dataset.profile = text(ds.profile);
    out.push({ tags, dataset });
  }
  return out;
}

/**
 * Reads a run folder.
 * @throws MalformedMlruns when its meta.yaml is missing, broken, or names another run
 */
export async function readRun(expDir: string, runId: string, datasets: DatasetCache): Promise<MlrunsRun> {
  const runDir = join(expDir, runId);
  const meta = await readMeta(runDir);
  if (!meta) throw new MalformedMlruns(runDir, 'no meta.yaml');
  const id = text(meta.run_id ?? meta.run_uuid);
  if (id !== runId) throw new MalformedMlruns(join(runDir, 'meta.yaml'), `run_id '${id}' does not match the folder name`);
  const expId = text(meta.experiment_id);
  const tags = await keyValueFolder(join(runDir, 'tags'));
  const uri = text(meta.artifact_uri);
  const stage = text(meta.lifecycle_stage);
  return {
    run: {
      info: {
        run_id: id,
        experiment_id: expId,
        run_name: text(meta.run_name) || (tags['mlflow.runName'] ?? ''),
        user_id: text(meta.user_id),
        status: status(meta.status),
        start_time: num(meta.start_time, 0),
        end_time: numOrNull(meta.end_time),
        lifecycle_stage: stage === 'deleted' ? 'deleted' : 'active',
      },
      params: await keyValueFolder(join(runDir, 'params')),
      tags,
      inputs: await readInputs(runDir, datasets),
    },
    metricFiles: await keyedFiles(join(runDir, 'metrics')),
    artifactsDir: await findArtifacts(runDir, expId, id, uri),
    originalArtifactUri: uri,
  };
}

/** A metric value as Python writes a float: `nan`, `inf`, `-inf`, or a decimal. */
function pyFloat(s: string): number {
  const lower = s.toLowerCase();
  if (lower === 'nan' || lower === '-nan') return NaN;
  if (/^[+-]?inf(inity)?$/.test(lower)) return lower.startsWith('-') ? -Infinity : Infinity;
  const n = Number(s);
  if (s === '' || Number.isNaN(n)) throw new Error(`not a number: '${s}'`);
  return n;
}

/**
 * Streams a run's metric points in chunks, each key's points in file order.
 * @param onBadLine called with the file and line of each line that is not `timestamp value [step]`
 */
export async function* metricChunks(
  files: ReadonlyArray<{ key: string; path: string }>,
  onBadLine: (path: string, line: number) => void,
): AsyncGenerator<MetricPoint[]> {
  let chunk: MetricPoint[] = [];
  for (const { key, path } of files) {
    let lineNo = 0;
    for await (const line of createInterface({ input: createReadStream(path), crlfDelay: Infinity })) {
      lineNo++;
      if (line.trim() === '') continue;
      const [ts, value, step] = line.trim().split(/\s+/);
      try {
        const timestamp = Number(ts);
        const stepNo = step === undefined ? 0 : Number(step);
        if (!Number.isSafeInteger(timestamp) || !Number.isSafeInteger(stepNo) || value === undefined) throw new Error('bad line');
        chunk.push({ key, value: pyFloat(value), timestamp, step: stepNo });
      } catch {
        onBadLine(path, lineNo);
        continue;
      }
      if (chunk.length >= CHUNK) {
        yield chunk;
        chunk = [];
      }
    }
  }
  if (chunk.length > 0) yield chunk;
}
