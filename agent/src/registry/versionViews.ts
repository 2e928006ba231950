/**
 * Views of a registered model's versions that MLflow derives rather than stores: one version,
 * the latest version of each stage, and the aliases pointing at a version.
 */
import type { ModelVersionStage } from '@lablog/schema';
import type { ModelVersionRecord, RegisteredModelRecord, VersionOf } from './registryRecords.js';
import { ALL_STAGES, canonicalStage, versionNotFound } from './registryRules.js';

/**
 * The latest version of each stage (highest number wins), stages in the order their first
 * version appears, as MLflow lists `latest_versions`.
 * @param stages only these stages (any case); empty or absent: all
 * @throws INVALID_PARAMETER_VALUE for an unknown stage
 */
export function latestVersions(model: RegisteredModelRecord, stages: readonly string[] = []): ModelVersionRecord[] {
  const wanted = new Set(stages.length === 0 ? ALL_STAGES : stages.map(canonicalStage));
  const latest = new Map<ModelVersionStage, ModelVersionRecord>();
  for (const v of model.versions) {
    const cur = latest.get(v.current_stage);
    if (!cur || cur.version < v.version) latest.set(v.current_stage, v);
  }
  return [...latest.values()].filter((v) => wanted.has(v.current_stage));
}

/** The aliases pointing at a version, in the order they were set. */
export function aliasesOf(model: RegisteredModelRecord, version: number): string[] {
  return Object.entries(model.aliases)
    .filter(([, n]) => n === version)
    .map(([alias]) => alias);
}

/** A version of `model` with the model. @throws RESOURCE_DOES_NOT_EXIST when it has no such version */
export function versionOf(model: RegisteredModelRecord, version: number): VersionOf {
  const v = model.versions.find((x) => x.version === version);
  if (!v) throw versionNotFound(model.name, version);
  return { model, version: v };
}
