/**
 * The id mapper of transcript replays: which ids the real server made (in the recording) stand
 * for which ids the agent made (in the replay), and rewriting recorded values into the agent's.
 *
 * Ids are learned from responses as they arrive (`learn`), first binding wins, one to one.
 * - Experiment ids are small integers ("1", "2"), so they are only rewritten where the field says
 *   they are one (`experiment_id`, `experiment_ids`) or where a path structure does
 *   (`mlflow-artifacts:/<exp>…`, `…/<exp>/<32-hex run id>/…`); never as a bare substring.
 * - Run ids (32 hex), logged-model ids and generated run names are distinctive, so they are
 *   rewritten wherever they occur: paths, query values, filter strings such as
 *   `tags.mlflow.parentRunId = '<id>'`, tag values, JSON kept in strings (`model_json`).
 * - Derived values are mapped through their structure: an `artifact_uri`
 *   `mlflow-artifacts:/<exp>/<run>/artifacts` or an artifact path `<exp>/<run>/artifacts/x`
 *   becomes the same with the agent's ids (the scheme lablog uses too; if the agent used another,
 *   the comparer reports the artifact_uri itself as a mismatch).
 * - Page tokens are opaque: a recorded `next_page_token` stands for the agent's whole token.
 * - Model version numbers are per registered model: `(name, version)` → the agent's version.
 */
import { isObject, type Json, type JsonObject } from './transcriptExchange.js';

/** Response fields whose values are ids the real server made, and so get learned. */
export const ID_FIELDS: ReadonlySet<string> = new Set(['experiment_id', 'run_id', 'run_uuid', 'model_id', 'version', 'next_page_token']);

/** A one-to-one map, first binding wins. */
class Bijection {
  private readonly forward = new Map<string, string>();
  private readonly taken = new Set<string>();

  get(from: string): string | undefined {
    return this.forward.get(from);
  }

  /** Binds `from` → `to` unless either side is bound already; returns whether it bound. */
  bind(from: string, to: string): boolean {
    if (this.forward.has(from) || this.taken.has(to)) return false;
    this.forward.set(from, to);
    this.taken.add(to);
    return true;
  }

  keys(): string[] {
    return [...this.forward.keys()];
  }
}

// `mlflow-artifacts:/<exp>`, or a path segment `<exp>` right before a 32-hex run id segment or
// before `models/m-<32 hex>` (a logged model's folder, MLflow 3).
const EXPERIMENT_IN_PATH = /(mlflow-artifacts:\/)([\w-]+)(?=\/|$)|(^|\/)([\w-]+)(?=\/(?:models\/m-)?[0-9a-f]{32}(?:\/|$))/g;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const versionKey = (model: string, version: string): string => `${model}\u0000${version}`;

/** Recorded ids ↔ agent ids of one scenario replay. */
export class IdMap {
  private readonly experiments = new Bijection();
  private readonly opaque = new Bijection();
  private readonly tokens = new Bijection();
  private readonly versions = new Bijection();
  private opaquePattern: RegExp | null = null;

  /**
   * Learns the ids of a response: walks the recorded and the agent's response side by side and
   * binds the values of id fields found at the same place in both. Never rebinds.
   */
  learn(recorded: Json | undefined, agent: Json | undefined, field?: string, recordedParent?: JsonObject): void {
    if (typeof recorded === 'string' && typeof agent === 'string' && field !== undefined) {
      this.learnField(field, recorded, agent, recordedParent);
    } else if (Array.isArray(recorded) && Array.isArray(agent) && recorded.length === agent.length) {
      recorded.forEach((r, i) => this.learn(r, agent[i], field, recordedParent));
    } else if (isObject(recorded) && isObject(agent)) {
      for (const [k, r] of Object.entries(recorded)) this.learn(r, agent[k], k, recorded);
    }
  }

  private learnField(field: string, recorded: string, agent: string, parent: JsonObject | undefined): void {
    if (field === 'experiment_id') this.experiments.bind(recorded, agent);
    else if (field === 'run_id' || field === 'run_uuid' || field === 'model_id') this.bindOpaque(recorded, agent);
    else if (field === 'next_page_token') this.tokens.bind(recorded, agent);
    else if (field === 'version' && typeof parent?.name === 'string') this.versions.bind(versionKey(parent.name, recorded), agent);
  }

  /** Binds a run name the real server generated to the one the agent generated. */
  bindGeneratedName(recorded: string, agent: string): void {
    if (recorded !== '') this.bindOpaque(recorded, agent);
  }

  private bindOpaque(recorded: string, agent: string): void {
    if (this.opaque.bind(recorded, agent)) this.opaquePattern = null;
  }

  /**
   * A recorded string in the agent's terms.
   * @param value the recorded value
   * @param field the JSON field or query name it sits in, which decides how ids are found
   * @param siblings the object it sits in (model versions are looked up with their `name`)
   */
  toAgent(value: string, field?: string, siblings?: JsonObject): string {
    if (field === 'experiment_id' || field === 'experiment_ids') return this.experiments.get(value) ?? value;
    if (field === 'version' && typeof siblings?.name === 'string') {
      return this.versions.get(versionKey(siblings.name, value)) ?? value;
    }
    const token = this.tokens.get(value);
    if (token !== undefined) return token;
    const out = value.replace(EXPERIMENT_IN_PATH, (_m, scheme?: string, e1?: string, lead?: string, e2?: string) =>
      scheme !== undefined && e1 !== undefined
        ? `${scheme}${this.experiments.get(e1) ?? e1}`
        : `${lead ?? ''}${this.experiments.get(e2 ?? '') ?? e2 ?? ''}`,
    );
    return this.replaceOpaque(out);
  }

  private replaceOpaque(value: string): string {
    const keys = this.opaque.keys();
    if (keys.length === 0) return value;
    // Longest first, so that a name is never replaced by a shorter one it starts with.
    this.opaquePattern ??= new RegExp(keys.sort((a, b) => b.length - a.length).map(escapeRegExp).join('|'), 'g');
    return value.replace(this.opaquePattern, (m) => this.opaque.get(m) ?? m);
  }

  /** A recorded JSON value (a request body) with every recorded id rewritten to the agent's. */
  toAgentJson(value: Json, field?: string, siblings?: JsonObject): Json {
    if (typeof value === 'string') return this.toAgent(value, field, siblings);
    if (Array.isArray(value)) return value.map((v) => this.toAgentJson(v, field, siblings));
    if (isObject(value)) {
      const out: JsonObject = {};
      for (const [k, v] of Object.entries(value)) out[k] = this.toAgentJson(v, k, value);
      return out;
    }
    return value;
  }

  /** Recorded query pairs with every recorded id rewritten to the agent's. */
  toAgentQuery(pairs: ReadonlyArray<[string, string]>): Array<[string, string]> {
    const siblings: JsonObject = Object.fromEntries(pairs);
    return pairs.map(([k, v]) => [k, this.toAgent(v, k, siblings)]);
  }
}

// Request fields that carry the same kind of id as a response field.
const ID_ALIASES: Readonly<Record<string, string>> = { experiment_ids: 'experiment_id', run_uuid: 'run_id', page_token: 'next_page_token' };

/**
 * The ids a recorded JSON value (request or response) carries in id fields, as
 * `<kind>=<value>` strings: kinds are `ID_FIELDS` with `run_uuid` counted as `run_id`,
 * `experiment_ids` as `experiment_id` and `page_token` as `next_page_token`; model versions
 * come as `version=<name>@<version>`.
 */
export function recordedIds(value: Json | undefined, field?: string, parent?: JsonObject): string[] {
  const kind = field === undefined ? undefined : (ID_ALIASES[field] ?? field);
  if (typeof value === 'string' && kind !== undefined && ID_FIELDS.has(kind)) {
    if (kind !== 'version') return [`${kind}=${value}`];
    return typeof parent?.name === 'string' ? [`${kind}=${parent.name}@${value}`] : [];
  }
  if (Array.isArray(value)) return value.flatMap((v) => recordedIds(v, field, parent));
  if (isObject(value)) return Object.entries(value).flatMap(([k, v]) => recordedIds(v, k, value));
  return [];
}
