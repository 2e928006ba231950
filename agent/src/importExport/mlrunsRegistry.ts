/**
 * The model registry of an MLflow file store: `models/<name>/meta.yaml`, `tags/`,
 * `aliases/<alias>` (a file holding the version) and `version-<n>/meta.yaml` with its `tags/`.
 * Versions MLflow deleted (stage `Deleted_Internal`) are left out.
 */
import type { ModelVersionStage } from '@lablog/schema';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ALL_STAGES } from '../registry/registryRules.js';
import { MalformedMlruns, entries, keyValueFolder, keyedFiles, num, readMeta, text, type Meta } from './mlrunsFiles.js';

/** A model version as read. */
export interface MlrunsVersion {
  version: number;
  stage: ModelVersionStage;
  source: string;
  runId: string;
  runLink: string;
  description: string;
  userId: string;
  creationTimestamp: number;
  lastUpdatedTimestamp: number;
  tags: Record<string, string>;
}

/** A registered model as read. */
export interface MlrunsModel {
  name: string;
  description: string;
  userId: string;
  creationTimestamp: number;
  lastUpdatedTimestamp: number;
  tags: Record<string, string>;
  /** alias → version number. */
  aliases: Record<string, number>;
  versions: MlrunsVersion[];
}

function stageOf(v: unknown): ModelVersionStage | null {
  const s = text(v).toLowerCase();
  return ALL_STAGES.find((x) => x.toLowerCase() === s) ?? (s === '' ? 'None' : null);
}

async function readVersion(dir: string): Promise<MlrunsVersion | null> {
  const meta = await readMeta(dir);
  if (!meta) throw new MalformedMlruns(dir, 'no meta.yaml');
  const stage = stageOf(meta.current_stage);
  if (stage === null) return null; // Deleted_Internal: MLflow keeps deleted versions on disk
  const version = num(meta.version, NaN);
  if (!Number.isSafeInteger(version) || version < 1) throw new MalformedMlruns(join(dir, 'meta.yaml'), 'version must be a positive integer');
  const created = num(meta.creation_timestamp, Date.now());
  return {
    version,
    stage,
    source: text(meta.source),
    runId: text(meta.run_id),
    runLink: text(meta.run_link),
    description: text(meta.description),
    userId: text(meta.user_id),
    creationTimestamp: created,
    lastUpdatedTimestamp: num(meta.last_updated_timestamp, created),
    tags: await keyValueFolder(join(dir, 'tags')),
  };
}

async function readAliases(dir: string, meta: Meta): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  const files = await keyedFiles(join(dir, 'aliases'));
  if (files.length === 0 && meta.aliases && typeof meta.aliases === 'object') {
    for (const [alias, v] of Object.entries(meta.aliases as Meta)) out[alias] = num(v, NaN);
  }
  for (const { key, path } of files) out[key] = num((await readFile(path, 'utf8')).trim(), NaN);
  for (const [alias, v] of Object.entries(out)) if (!Number.isSafeInteger(v)) delete out[alias];
  return out;
}

async function readModel(dir: string, problems: string[]): Promise<MlrunsModel> {
  const meta = await readMeta(dir);
  if (!meta) throw new MalformedMlruns(dir, 'no meta.yaml');
  const name = text(meta.name);
  if (name === '') throw new MalformedMlruns(join(dir, 'meta.yaml'), 'name is required');
  const versions: MlrunsVersion[] = [];
  for (const e of await entries(dir)) {
    if (!e.isDirectory() || !/^version-\d+$/.test(e.name)) continue;
    try {
      const v = await readVersion(join(dir, e.name));
      if (v) versions.push(v);
    } catch (err) {
      if (!(err instanceof MalformedMlruns)) throw err;
      problems.push(err.message);
    }
  }
  const created = num(meta.creation_timestamp, Date.now());
  return {
    name,
    description: text(meta.description),
    userId: text(meta.user_id),
    creationTimestamp: created,
    lastUpdatedTimestamp: num(meta.last_updated_timestamp, created),
    tags: await keyValueFolder(join(dir, 'tags')),
    aliases: await readAliases(dir, meta),
    versions: versions.sort((a, b) => a.version - b.version),
  };
}

/**
 * Reads every registered model under `models/`. A model or version that cannot be read is
 * reported in `problems` and left out.
 */
export async function readRegistry(modelsDir: string, problems: string[]): Promise<MlrunsModel[]> {
  const out: MlrunsModel[] = [];
  for (const e of await entries(modelsDir)) {
    if (!e.isDirectory()) continue;
    try {
      out.push(await readModel(join(modelsDir, e.name), problems));
    } catch (err) {
      if (!(err instanceof MalformedMlruns)) throw err;
      problems.push(err.message);
    }
  }
  return out;
}
