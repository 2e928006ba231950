/**
 * The live channel (`/ws`) protocol, version 1. Every message is a JSON object keyed on
 * `type`. Client messages are validated by the agent against the schemas below; server
 * messages are described by the TypeScript types.
 *
 * Sequence numbers: the agent numbers every committed change (`seq`, increasing by one per
 * change across the whole agent). A subscription receives the changes in its scope, in seq
 * order, each exactly once. `epoch` names one agent lifetime: seq numbers are only comparable
 * within one epoch. A subscriber that reconnects sends `since` (the last seq it saw) with the
 * `epoch`; it then receives exactly what it missed, or `resync` when that is no longer kept.
 */
import { Type, type Static } from 'typebox';
import { DatasetInput, Metric, type WireExperiment, type WireMetric, type WireRun, type WireRunInfo } from '../mlflow/entities.js';
import { KeyValue } from '../mlflow/scalars.js';

/** The protocol version this schema describes. */
export const LIVE_PROTOCOL_VERSION = 1;

/** What a subscription covers. */
export const Scope = Type.Union([
  Type.Object({ kind: Type.Literal('run'), run_id: Type.String({ minLength: 1 }) }),
  Type.Object({ kind: Type.Literal('experiment'), experiment_id: Type.String({ minLength: 1 }) }),
  Type.Object({ kind: Type.Literal('all') }),
]);
export type Scope = Static<typeof Scope>;

/** The kinds of live events (the `kind` of a LiveEvent). */
export const LiveEventKind = Type.Union(
  ['experiment', 'run', 'params', 'tags', 'metrics', 'inputs', 'artifact', 'registry'].map((k) => Type.Literal(k)),
);
export type LiveEventKind = LiveEvent['kind'];

/** Start receiving changes in `scope`. `id` names the subscription in the replies. */
export const SubscribeMessage = Type.Object({
  type: Type.Literal('subscribe'),
  id: Type.String({ minLength: 1, maxLength: 200 }),
  scope: Scope,
  /** Resume after this seq (the last one seen) of `epoch`. */
  since: Type.Optional(Type.Integer({ minimum: 0 })),
  epoch: Type.Optional(Type.String()),
  /** Send the current state first (`snapshot`), then the changes after it. */
  snapshot: Type.Optional(Type.Boolean()),
  /**
   * Only events of these kinds (default: all). A viewer of run states or of the registry
   * watching everything then does not receive every metric point of every run.
   */
  kinds: Type.Optional(Type.Array(LiveEventKind, { minItems: 1, maxItems: 8 })),
});
export type SubscribeMessage = Static<typeof SubscribeMessage>;

/** Stop a subscription. */
export const UnsubscribeMessage = Type.Object({ type: Type.Literal('unsubscribe'), id: Type.String() });
export type UnsubscribeMessage = Static<typeof UnsubscribeMessage>;

/** Log a batch to a run; answered by `ack` once durable, or by `error` for this batch only. */
export const LogMessage = Type.Object({
  type: Type.Literal('log'),
  id: Type.String({ minLength: 1, maxLength: 200 }),
  run_id: Type.String(),
  metrics: Type.Optional(Type.Array(Metric)),
  params: Type.Optional(Type.Array(KeyValue)),
  tags: Type.Optional(Type.Array(KeyValue)),
  /**
   * Makes a resent batch harmless: batches of one `client` to one run carry increasing `seq`;
   * a batch whose seq is not above the last one committed for that client is acknowledged
   * without being stored again.
   */
  batch: Type.Optional(
    Type.Object({ client: Type.String({ pattern: '^[A-Za-z0-9_.-]{1,100}$' }), seq: Type.Integer({ minimum: 0 }) }),
  ),
});
export type LogMessage = Static<typeof LogMessage>;

/** Any message a client may send. */
export const ClientMessage = Type.Union([SubscribeMessage, UnsubscribeMessage, LogMessage], { $id: 'lablog.live.ClientMessage' });
export type ClientMessage = Static<typeof ClientMessage>;

/** A committed change, as viewers receive it. */
export type LiveEvent =
  | { kind: 'experiment'; experiment: WireExperiment }
  | { kind: 'run'; experiment_id: string; run_id: string; info: WireRunInfo; tags?: KeyValue[] }
  | { kind: 'params'; experiment_id: string; run_id: string; params: KeyValue[] }
  | { kind: 'tags'; experiment_id: string; run_id: string; tags: KeyValue[]; deleted?: string[] }
  | { kind: 'metrics'; experiment_id: string; run_id: string; metrics: WireMetric[] }
  | { kind: 'inputs'; experiment_id: string; run_id: string; inputs: DatasetInput[] }
  | { kind: 'artifact'; experiment_id: string; run_id: string; path: string; file_size: number; deleted?: boolean }
  | { kind: 'registry'; name: string; version?: string; change: string };

/** Sent once on connect. */
export interface WelcomeMessage {
  type: 'welcome';
  v: number;
  epoch: string;
  /** The last seq committed so far. */
  seq: number;
}

/** The state of a scope at `seq`; changes after it follow as `event`s. */
export interface SnapshotMessage {
  type: 'snapshot';
  sub: string;
  epoch: string;
  seq: number;
  experiments: WireExperiment[];
  runs: WireRun[];
}

/** One change for one subscription. */
export interface EventMessage {
  type: 'event';
  sub: string;
  seq: number;
  event: LiveEvent;
}

/** The subscription fell behind or asked for what is no longer kept: subscribe again (with `snapshot`). */
export interface ResyncMessage {
  type: 'resync';
  sub: string;
  /** The last seq delivered to this subscription. */
  seq: number;
  reason: 'slow' | 'too-old' | 'epoch';
}

/** A subscription is active (after its snapshot or replay, live events follow). */
export interface SubscribedMessage {
  type: 'subscribed';
  sub: string;
  epoch: string;
  /** Events with seq greater than this follow. */
  seq: number;
}

/** A logged batch is durable. */
export interface AckMessage {
  type: 'ack';
  id: string;
}

/** A refused message; `id` names the request when the message had one. */
export interface ErrorMessage {
  type: 'error';
  id?: string;
  error_code: string;
  message: string;
}

/** Any message the agent sends. */
export type ServerMessage = WelcomeMessage | SnapshotMessage | EventMessage | ResyncMessage | SubscribedMessage | AckMessage | ErrorMessage;
