/**
 * Performing operations over the MLflow REST API, with request bodies shaped like those of
 * MLflow's Python client (the same fields, the same types): runs/create, runs/log-batch,
 * runs/update, runs/log-inputs, experiments/get-by-name + experiments/create, and artifact
 * uploads through the proxied artifact API.
 */
import type { KeyValue, WireRun } from '@lablog/schema';
import type { ArtifactOp, CreateOp, InputsOp, LogOp, Op, UpdateOp } from './ops.js';
import { RequestError, type RestClient } from './RestClient.js';
import type { RunDirectory } from './RunDirectory.js';
import { hasNodeModules } from './runtime.js';

const TEXT_EXTENSIONS = /\.(txt|log|md|csv|tsv|json|yaml|yml|py|ts|js|html|xml|ini|cfg|toml)$/i;

/** The content type MLflow's client would send for a file name. */
export function contentTypeOf(name: string): string {
  return TEXT_EXTENSIONS.test(name) ? 'text/plain' : 'application/octet-stream';
}

/** `<experiment>/<run>/artifacts` from a run's `mlflow-artifacts:` URI, or null for any other store. */
export function proxiedArtifactRoot(uri: string): string | null {
  const m = /^mlflow-artifacts:(?:\/\/[^/]*)?\/*(.*)$/.exec(uri);
  return m ? m[1]!.replace(/\/+$/, '') : null;
}

function joinPath(...parts: string[]): string {
  return parts
    .flatMap((p) => p.split('/'))
    .filter((p) => p !== '' && p !== '.')
    .join('/');
}

/** Runs operations against the REST API. */
export class RestOps {
  private readonly experiments = new Map<string, string>();

  /**
   * @param clientRunIds whether `runs/create` carries the client's run id (a lablog agent)
   */
  constructor(
    private readonly rest: RestClient,
    private readonly runs: RunDirectory,
    private readonly clientRunIds: () => boolean,
  ) {}

  /**
   * Performs one operation; resolves once the server stored it.
   * @throws RequestError (transient ones are worth retrying)
   */
  perform(op: Op): Promise<void> {
    switch (op.k) {
      case 'create':
        return this.create(op);
      case 'log':
        return this.logBatch(op);
      case 'update':
        return this.update(op);
      case 'inputs':
        return this.inputs(op);
      case 'artifact':
        return this.artifact(op);
    }
  }

  /** The id of an experiment given by name, created when missing (like `mlflow.set_experiment`). */
  async experimentId(name: string): Promise<string> {
    const known = this.experiments.get(name);
    if (known) return known;
    let id: string;
    try {
      id = (await this.rest.call<{ experiment: { experiment_id: string } }>('experiments/get-by-name', null, 'GET', { experiment_name: name })).experiment.experiment_id;
    } catch (err) {
      if (!(err instanceof RequestError) || err.code !== 'RESOURCE_DOES_NOT_EXIST') throw err;
      try {
        id = (await this.rest.call<{ experiment_id: string }>('experiments/create', { name })).experiment_id;
      } catch (err2) {
        // created meanwhile by someone else
        if (!(err2 instanceof RequestError) || err2.code !== 'RESOURCE_ALREADY_EXISTS') throw err2;
        id = (await this.rest.call<{ experiment: { experiment_id: string } }>('experiments/get-by-name', null, 'GET', { experiment_name: name })).experiment.experiment_id;
      }
    }
    this.experiments.set(name, id);
    return id;
  }

  private async create(op: CreateOp): Promise<void> {
    const experimentId = op.exp === null ? '0' : 'id' in op.exp ? op.exp.id : await this.experimentId(op.exp.name);
    const tags: KeyValue[] = [...op.tags];
    if (op.parent) tags.push({ key: 'mlflow.parentRunId', value: this.runs.remoteId(op.parent) });
    if (op.name) tags.push({ key: 'mlflow.runName', value: op.name });
    const body: Record<string, unknown> = { experiment_id: experimentId, user_id: op.user };
    if (op.name) body.run_name = op.name;
    body.start_time = op.start;
    body.tags = tags;
    if (this.clientRunIds()) body.run_id = op.run;
    const res = await this.rest.call<{ run: WireRun }>('runs/create', body);
    const info = res.run.info;
    this.runs.created(op.run, info.run_id, info.experiment_id, info.artifact_uri);
  }

  /** The REST body of a log batch: the run id, then the batch's lists. */
  static logBatchBody(runId: string, body: string): string {
    return `{"run_id":${JSON.stringify(runId)},${body.slice(1)}`;
  }

  private async logBatch(op: LogOp): Promise<void> {
    await this.rest.call('runs/log-batch', RestOps.logBatchBody(this.runs.remoteId(op.run), op.body));
  }

  private async update(op: UpdateOp): Promise<void> {
    const id = this.runs.remoteId(op.run);
    await this.rest.call('runs/update', { run_uuid: id, status: op.status, end_time: op.end, run_id: id });
  }

  private async inputs(op: InputsOp): Promise<void> {
    await this.rest.call('runs/log-inputs', { run_id: this.runs.remoteId(op.run), datasets: op.datasets });
  }

  private async artifactRoot(run: string): Promise<string> {
    let uri = this.runs.artifactUri(run);
    if (uri === undefined) {
      const res = await this.rest.call<{ run: WireRun }>('runs/get', null, 'GET', { run_id: this.runs.remoteId(run) });
      uri = res.run.info.artifact_uri;
      this.runs.setArtifactUri(run, uri, res.run.info.experiment_id);
    }
    const root = proxiedArtifactRoot(uri);
    if (root === null) throw new RequestError(400, 'INVALID_PARAMETER_VALUE', `The run's artifacts live at ${uri}, which the server does not serve through its artifact API (mlflow-artifacts:); start the MLflow server with --serve-artifacts.`);
    return root;
  }

  private async artifact(op: ArtifactOp): Promise<void> {
    const root = await this.artifactRoot(op.run);
    if (op.bytes !== undefined) {
      const name = op.name ?? 'artifact';
      await this.rest.putArtifact(joinPath(root, op.dest, name), base64ToBytes(op.bytes), contentTypeOf(name));
      return;
    }
    if (op.file === undefined || !hasNodeModules) throw new RequestError(400, 'INVALID_PARAMETER_VALUE', 'An artifact needs bytes, or a file path where files can be read (Node, Deno).');
    const { artifactFiles, readArtifact } = await import(/* webpackIgnore: true */ './node/artifactFiles.js');
    let files;
    try {
      files = await artifactFiles(op.file);
    } catch (err) {
      throw new RequestError(400, 'INVALID_PARAMETER_VALUE', `Cannot read artifact ${op.file}: ${(err as Error).message}`);
    }
    for (const f of files) await this.rest.putArtifact(joinPath(root, op.dest, f.rel), await readArtifact(f.abs), contentTypeOf(f.rel));
  }
}

/** Bytes as base64 (for keeping an artifact's bytes in an op). */
export function bytesToBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/** Base64 back to bytes. */
export function base64ToBytes(b64: string): Uint8Array {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}
