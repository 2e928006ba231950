/**
 * Operations waiting to reach the server, in the order they were made: a run's creation,
 * batches of logged values, dataset inputs, artifacts, the run's end. They are plain data so
 * they can be written to the spool file and read back (one line each) by this process or,
 * after it died, by the next one.
 */
import type { DatasetInput, KeyValue, RunStatus } from '@lablog/schema';

/** Fields every operation has. */
interface OpBase {
  /** Position in this process's order (numbers grow; re-numbered when another process's spool is adopted). */
  n: number;
  /** The client's id of the run (see `Run.id`). */
  run: string;
  /** @internal byte offset of the op's line in the spool file, when it was written there */
  offset?: number;
  /** @internal true once acknowledged or refused */
  done?: boolean;
}

/** Create a run (lablog: with the client's run id; idempotent). */
export interface CreateOp extends OpBase {
  k: 'create';
  /** Experiment by name (created if missing) or by id; null = the server's default experiment "0". */
  exp: { name: string } | { id: string } | null;
  name?: string;
  start: number;
  user: string;
  tags: KeyValue[];
  /** Parent run (client id), for `mlflow.parentRunId`. */
  parent?: string;
}

/** A batch of metrics, params and tags for one run. */
export interface LogOp extends OpBase {
  k: 'log';
  /** Client id and per-client sequence number: the agent stores a batch resent after a reconnect once. */
  client: string;
  seq: number;
  /** Metric points in the batch. */
  points: number;
  /** The batch as a JSON object text: `{"metrics":[...],"params":[...],"tags":[...]}` (empty lists left out). */
  body: string;
}

/** End (or otherwise change the status of) a run. */
export interface UpdateOp extends OpBase {
  k: 'update';
  status: RunStatus;
  end: number;
}

/** Dataset inputs of a run. */
export interface InputsOp extends OpBase {
  k: 'inputs';
  datasets: DatasetInput[];
}

/** An artifact: a local file or folder (read when sent) or bytes, under `dest` in the run's artifacts. */
export interface ArtifactOp extends OpBase {
  k: 'artifact';
  /** Folder inside the run's artifacts ('' = the root). */
  dest: string;
  /** Local file or folder (Node). */
  file?: string;
  /** Content as base64, with the artifact's file name. */
  bytes?: string;
  name?: string;
}

/** Any operation. */
export type Op = CreateOp | LogOp | UpdateOp | InputsOp | ArtifactOp;

/** Approximate memory an op holds, for bounding the in-memory queue. */
export function opSize(op: Op): number {
  switch (op.k) {
    case 'log':
      return op.body.length + 100;
    case 'artifact':
      return (op.bytes?.length ?? 0) + 200;
    case 'inputs':
      return JSON.stringify(op.datasets).length + 100;
    default:
      return 300;
  }
}

/** Metric points an op carries. */
export function opPoints(op: Op): number {
  return op.k === 'log' ? op.points : 0;
}

/**
 * One spool line (with its newline). A log op's body follows its header after a tab, as is:
 * JSON text never holds a raw tab or newline, and the body is sent without being parsed again.
 */
export function opToLine(op: Op): string {
  if (op.k === 'log') {
    return `${JSON.stringify({ k: op.k, n: op.n, run: op.run, client: op.client, seq: op.seq, points: op.points })}\t${op.body}\n`;
  }
  const { offset: _o, done: _d, ...plain } = op;
  return `${JSON.stringify(plain)}\n`;
}

/**
 * Parses a spool line (without its newline).
 * @throws SyntaxError for a line that is not an op (a torn last line after a crash)
 */
export function opFromLine(line: string): Op {
  const tab = line.indexOf('\t');
  if (tab >= 0) {
    const head = JSON.parse(line.slice(0, tab)) as Omit<LogOp, 'body'>;
    const body = line.slice(tab + 1);
    if (head.k !== 'log' || !body.startsWith('{') || !body.endsWith('}')) throw new SyntaxError('not a log op line');
    return { ...head, body };
  }
  const op = JSON.parse(line) as Op;
  if (typeof op !== 'object' || op === null || typeof op.k !== 'string' || typeof op.run !== 'string') throw new SyntaxError('not an op line');
  return op;
}
