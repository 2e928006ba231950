/**
 * Registry records to MLflow wire entities: versions as strings, empty lists left out as
 * protobuf JSON does, aliases listed on the model and on each version.
 */
import type { WireModelVersion, WireRegisteredModel } from '@lablog/schema';
import type { ModelVersionRecord, RegisteredModelRecord } from '../registry/registryRecords.js';
import { aliasesOf, latestVersions } from '../registry/versionViews.js';
import { keyValueList } from './wire.js';

/** A ModelVersion on the wire. */
export function wireModelVersion(model: RegisteredModelRecord, v: ModelVersionRecord): WireModelVersion {
  const out: WireModelVersion = {
    name: model.name,
    version: String(v.version),
    creation_timestamp: v.creation_timestamp,
    last_updated_timestamp: v.last_updated_timestamp,
    current_stage: v.current_stage,
    description: v.description,
    source: v.source,
    run_id: v.run_id,
    status: v.status,
    run_link: v.run_link,
  };
  if (v.user_id) out.user_id = v.user_id;
  if (v.status_message) out.status_message = v.status_message;
  const tags = keyValueList(v.tags);
  if (tags.length > 0) out.tags = tags;
  const aliases = aliasesOf(model, v.version);
  if (aliases.length > 0) out.aliases = aliases;
  return out;
}

/** A RegisteredModel on the wire, with the latest version of each stage. */
export function wireRegisteredModel(model: RegisteredModelRecord): WireRegisteredModel {
  const out: WireRegisteredModel = {
    name: model.name,
    creation_timestamp: model.creation_timestamp,
    last_updated_timestamp: model.last_updated_timestamp,
  };
  if (model.user_id) out.user_id = model.user_id;
  if (model.description) out.description = model.description;
  const latest = latestVersions(model);
  if (latest.length > 0) out.latest_versions = latest.map((v) => wireModelVersion(model, v));
  const tags = keyValueList(model.tags);
  if (tags.length > 0) out.tags = tags;
  const aliases = Object.entries(model.aliases).map(([alias, version]) => ({ alias, version: String(version) }));
  if (aliases.length > 0) out.aliases = aliases;
  return out;
}
