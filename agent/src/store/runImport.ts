/**
 * Builds the whole folder of an imported run in a scratch place: metric log, artifact files,
 * and the run document last, with its latest-metric summary already made. The store then moves
 * the folder into `runs/` in one rename, so an import that stops half-way leaves no half run.
 */
import { chmod, copyFile, lstat, mkdir, open, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringifyDoc } from './jsonCodec.js';
import { pointLines } from './PointJson.js';
import { isNewer, type MetricPoint, type RunDoc, type RunInfoRecord } from './records.js';

/** A run brought from another store: everything but what the store derives (artifact URI, metric summary). */
export type ImportedRun = Omit<RunDoc, 'info' | 'latest_metrics' | 'metrics_bytes'> & { info: Omit<RunInfoRecord, 'artifact_uri'> };

/** What went into an imported run's folder. */
export interface ImportedRunCounts {
  points: number;
  artifactFiles: number;
}

/** Metric-log bytes written in one go. */
const WRITE_CHUNK = 1 << 20;

async function writeMetrics(path: string, doc: RunDoc, chunks: AsyncIterable<MetricPoint[]>): Promise<number> {
  const fh = await open(path, 'w');
  let count = 0;
  let bytes = 0;
  let pending = '';
  try {
    for await (const points of chunks) {
      pending += pointLines(points);
      for (const p of points) {
        const cur = doc.latest_metrics[p.key];
        const next = { value: p.value, timestamp: p.timestamp, step: p.step };
        if (!cur || isNewer(next, cur)) doc.latest_metrics[p.key] = next;
      }
      count += points.length;
      if (pending.length >= WRITE_CHUNK) {
        bytes += (await fh.write(pending)).bytesWritten;
        pending = '';
      }
    }
    if (pending) bytes += (await fh.write(pending)).bytesWritten;
    await fh.sync();
  } finally {
    await fh.close();
  }
  doc.metrics_bytes = bytes;
  return count;
}

/**
 * Copies a folder tree file by file. Symbolic links are left out (a link in the store could
 * point outside a run's artifact folder); copies get ordinary permissions, whatever the source had.
 * @returns how many files were copied
 */
export async function copyTree(from: string, to: string): Promise<number> {
  await mkdir(to, { recursive: true });
  let files = 0;
  for (const entry of await readdir(from, { withFileTypes: true })) {
    const src = join(from, entry.name);
    const dst = join(to, entry.name);
    const st = await lstat(src);
    if (st.isDirectory()) files += await copyTree(src, dst);
    else if (st.isFile()) {
      await copyFile(src, dst);
      await chmod(dst, 0o644);
      files++;
    }
  }
  return files;
}

/**
 * Writes an imported run's folder at `dir` (which must not exist yet).
 * @param doc the run document without metrics; its summary fields are filled in here
 * @param metrics the run's points in chunks, each key's points in logging order
 * @param artifactsFrom a folder whose files become the run's artifacts, if any
 */
export async function writeImportedRun(
  dir: string,
  doc: RunDoc,
  metrics: AsyncIterable<MetricPoint[]>,
  artifactsFrom: string | undefined,
): Promise<ImportedRunCounts> {
  await mkdir(join(dir, 'artifacts'), { recursive: true });
  const points = await writeMetrics(join(dir, 'metrics.jsonl'), doc, metrics);
  const artifactFiles = artifactsFrom === undefined ? 0 : await copyTree(artifactsFrom, join(dir, 'artifacts'));
  await writeFile(join(dir, 'run.json'), stringifyDoc(doc));
  return { points, artifactFiles };
}
