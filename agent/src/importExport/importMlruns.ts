/**
 * `lablog import`: an MLflow file store into the lablog store, through the store's own methods
 * so every invariant holds. Idempotent: an experiment with the same name is reused, a run whose
 * id the store has is skipped, registry versions and aliases already there are left alone.
 */
import { MlflowError } from '../errors.js';
import { isLocalUri } from '../registry/modelSource.js';
import type { FileStore } from '../store/FileStore.js';
import type { RunDoc } from '../store/records.js';
import { MalformedMlruns } from './mlrunsFiles.js';
import { readRegistry, type MlrunsModel } from './mlrunsRegistry.js';
import { DatasetCache, metricChunks, readRun } from './mlrunsRun.js';
import type { MlrunsLayout } from './mlrunsStore.js';

/** What an import did. "existing" items were in the store already and were left as they were. */
export interface ImportSummary {
  experiments: { created: number; existing: number };
  runs: { imported: number; existing: number };
  metricPoints: number;
  params: number;
  tags: number;
  datasetInputs: number;
  artifactFiles: number;
  models: { created: number; existing: number };
  versions: { created: number; existing: number };
  aliases: number;
  /** What could not be read or stored, one line each; those items were skipped. */
  problems: string[];
}

/** Progress of an import: `done` of `total` runs and models. */
export type ImportProgress = (done: number, total: number, what: string) => void;

/** Rewrites model version sources that pointed into a run's old artifact folder. */
class ArtifactUriMap {
  private readonly moves: Array<{ from: string; to: string }> = [];

  add(from: string, to: string): void {
    if (from !== '') this.moves.push({ from: from.replace(/\/+$/, ''), to });
  }

  rewrite(source: string): string {
    for (const { from, to } of this.moves) {
      if (source === from || source.startsWith(`${from}/`)) return to + source.slice(from.length);
    }
    return source;
  }
}

function emptySummary(problems: readonly string[]): ImportSummary {
  return {
    experiments: { created: 0, existing: 0 },
    runs: { imported: 0, existing: 0 },
    metricPoints: 0,
    params: 0,
    tags: 0,
    datasetInputs: 0,
    artifactFiles: 0,
    models: { created: 0, existing: 0 },
    versions: { created: 0, existing: 0 },
    aliases: 0,
    problems: [...problems],
  };
}

function runIfAny(store: FileStore, runId: string): RunDoc | undefined {
  try {
    return store.getRun(runId);
  } catch (err) {
    if (err instanceof MlflowError && err.code === 'RESOURCE_DOES_NOT_EXIST') return undefined;
    throw err;
  }
}

function skipped(err: unknown, sum: ImportSummary): void {
  if (err instanceof MalformedMlruns || err instanceof MlflowError) sum.problems.push(err.message);
  else throw err;
}

async function importModel(store: FileStore, m: MlrunsModel, uris: ArtifactUriMap, sum: ImportSummary): Promise<void> {
  const registry = store.registry;
  if (registry.find(m.name)) sum.models.existing++;
  else {
    await registry.createModel({
      name: m.name,
      tags: m.tags,
      description: m.description,
      userId: m.userId,
      creationTimestamp: m.creationTimestamp,
      lastUpdatedTimestamp: m.lastUpdatedTimestamp,
    });
    sum.models.created++;
  }
  const model = registry.get(m.name);
  for (const v of m.versions) {
    if (model.versions.some((x) => x.version === v.version)) {
      sum.versions.existing++;
      continue;
    }
    await registry.createVersion(m.name, {
      version: v.version,
      stage: v.stage,
      source: uris.rewrite(v.source),
      runId: v.runId,
      runLink: v.runLink,
      description: v.description,
      userId: v.userId,
      tags: v.tags,
      creationTimestamp: v.creationTimestamp,
      lastUpdatedTimestamp: v.lastUpdatedTimestamp,
    });
    sum.versions.created++;
  }
  for (const [alias, version] of Object.entries(m.aliases)) {
    if (Object.hasOwn(model.aliases, alias)) continue;
    try {
      await registry.setAlias(m.name, alias, version);
      sum.aliases++;
    } catch (err) {
      skipped(err, sum);
    }
  }
}

/**
 * Imports a scanned MLflow file store into `store`.
 * @param layout from `scanMlruns`
 * @param progress called after each run and model
 */
export async function importMlruns(store: FileStore, layout: MlrunsLayout, progress: ImportProgress = () => {}): Promise<ImportSummary> {
  const sum = emptySummary(layout.problems);
  const models = layout.modelsDir ? await readRegistry(layout.modelsDir, sum.problems) : [];
  const total = layout.experiments.reduce((n, e) => n + e.runIds.length, 0) + models.length;
  const uris = new ArtifactUriMap();
  let done = 0;
  for (const exp of layout.experiments) {
    const { experiment, created } = await store.importExperiment(exp.record);
    if (created) sum.experiments.created++;
    else sum.experiments.existing++;
    const datasets = new DatasetCache(exp.dir);
    for (const runId of exp.runIds) {
      progress(done++, total, `${exp.record.name} / ${runId}`);
      try {
        const found = await readRun(exp.dir, runId, datasets);
        const existing = runIfAny(store, runId);
        if (existing) {
          sum.runs.existing++;
          uris.add(found.originalArtifactUri, existing.info.artifact_uri);
          continue;
        }
        found.run.info.experiment_id = experiment.experiment_id;
        const points = metricChunks(found.metricFiles, (path, line) => sum.problems.push(`${path}:${line}: not "timestamp value step"; line skipped`));
        if (found.artifactsDir === undefined && found.originalArtifactUri !== '' && !isLocalUri(found.originalArtifactUri)) {
          sum.problems.push(`${runId}: artifacts at ${found.originalArtifactUri} are not on this machine; not copied`);
        }
        const counts = await store.importRun(found.run, points, found.artifactsDir);
        uris.add(found.originalArtifactUri, store.getRun(runId).info.artifact_uri);
        sum.runs.imported++;
        sum.metricPoints += counts.points;
        sum.artifactFiles += counts.artifactFiles;
        sum.params += Object.keys(found.run.params).length;
        sum.tags += Object.keys(found.run.tags).length;
        sum.datasetInputs += found.run.inputs.length;
      } catch (err) {
        skipped(err, sum);
      }
    }
  }
  for (const m of models) {
    progress(done++, total, `model ${m.name}`);
    try {
      await importModel(store, m, uris, sum);
    } catch (err) {
      skipped(err, sum);
    }
  }
  progress(done, total, 'done');
  return sum;
}
