/**
 * One WebSocket on `/ws`: its subscriptions, its logged batches, and its backpressure.
 * Every incoming message is validated against the schema; a bad one gets an error reply and
 * the connection stays usable. A viewer that reads too slowly is not waited for: past the
 * high-water mark its subscriptions stop receiving, and once its socket drains it is told to
 * resync, so ingest never slows down and the agent's memory stays bounded.
 */
import type { WebSocket } from 'ws';
import { ClientMessage, LIVE_PROTOCOL_VERSION, type Scope, type ServerMessage, type SubscribeMessage } from '@lablog/schema';
import { MlflowError } from '../errors.js';
import { toBatch } from '../mlflow/batchInput.js';
import { errorReply } from '../http/errorReply.js';
import { bodyValidator, toMlflowError } from '../http/validation.js';
import type { FileStore } from '../store/FileStore.js';
import type { NumberedEvent } from './EventRing.js';
import type { Hub, Subscriber } from './Hub.js';

/** Backpressure limits of one connection. */
export interface FlowLimits {
  /** Bytes buffered for the socket past which its subscriptions stop receiving. */
  highWaterBytes: number;
  /** Bytes below which a stalled connection is told to resync. */
  lowWaterBytes: number;
  /** A connection stalled this long is closed. */
  stallTimeoutMs: number;
}

const validate = bodyValidator(ClientMessage);

class Subscription implements Subscriber {
  lastSeq = 0;
  constructor(
    readonly id: string,
    readonly scope: Scope,
    readonly kinds: ReadonlySet<string> | null,
    private readonly conn: LiveConnection,
  ) {}
  deliver(e: NumberedEvent): void {
    this.conn.sendEvent(this, e);
  }
}

/** A live-channel connection. */
export class LiveConnection {
  private readonly subs = new Map<string, Subscription>();
  private stalledSince: number | null = null;
  private drainTimer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly ws: WebSocket,
    private readonly hub: Hub,
    private readonly store: FileStore,
    private readonly limits: FlowLimits,
  ) {
    this.send({ type: 'welcome', v: LIVE_PROTOCOL_VERSION, epoch: hub.epoch, seq: hub.seq });
    ws.on('message', (data, isBinary) => this.onMessage(isBinary ? null : data.toString()));
    ws.on('close', () => this.dispose());
    ws.on('error', () => this.dispose());
  }

  private send(msg: ServerMessage): void {
    if (!this.closed) this.ws.send(JSON.stringify(msg));
  }

  private fail(id: string | undefined, err: unknown): void {
    const { body } = errorReply(err);
    this.send({ type: 'error', ...(id ? { id } : {}), ...body });
  }

  /** @internal Sends one event to one subscription, unless the socket is backed up. */
  sendEvent(sub: Subscription, e: NumberedEvent): void {
    if (this.closed || this.stalledSince !== null) return;
    if (this.ws.bufferedAmount > this.limits.highWaterBytes) {
      this.stall();
      return;
    }
    this.ws.send(`{"type":"event","sub":${JSON.stringify(sub.id)},"seq":${e.seq},"event":${e.json()}}`);
    sub.lastSeq = e.seq;
  }

  /** Stops delivery; when the socket drains, every subscription is told to resync. */
  private stall(): void {
    this.stalledSince = Date.now();
    for (const s of this.subs.values()) this.hub.detach(s);
    this.drainTimer = setInterval(() => {
      if (this.ws.bufferedAmount <= this.limits.lowWaterBytes) {
        clearInterval(this.drainTimer!);
        this.drainTimer = null;
        this.stalledSince = null;
        const stalled = [...this.subs.values()];
        this.subs.clear();
        for (const s of stalled) this.hub.detach(s);
        for (const s of stalled) this.send({ type: 'resync', sub: s.id, seq: s.lastSeq, reason: 'slow' });
      } else if (Date.now() - this.stalledSince! > this.limits.stallTimeoutMs) {
        this.ws.terminate();
      }
    }, 50);
  }

  private onMessage(text: string | null): void {
    let msg: unknown;
    try {
      if (text === null) throw new Error('binary frames are not part of the protocol');
      msg = JSON.parse(text);
    } catch (err) {
      this.fail(undefined, new MlflowError('BAD_REQUEST', `Malformed message: ${(err as Error).message}`));
      return;
    }
    if (!validate(msg)) {
      const id = typeof (msg as { id?: unknown })?.id === 'string' ? (msg as { id: string }).id : undefined;
      const type = (msg as { type?: unknown })?.type;
      const known = type === 'subscribe' || type === 'unsubscribe' || type === 'log';
      this.fail(id, known ? toMlflowError(validate.errors ?? []) : new MlflowError('INVALID_PARAMETER_VALUE', `Unknown message type ${JSON.stringify(type)}; expected subscribe, unsubscribe or log.`));
      return;
    }
    const m = msg as ClientMessage;
    switch (m.type) {
      case 'subscribe':
        return this.subscribe(m);
      case 'unsubscribe': {
        const s = this.subs.get(m.id);
        if (s) this.hub.detach(s);
        this.subs.delete(m.id);
        return;
      }
      case 'log': {
        let batch;
        try {
          batch = toBatch(m);
        } catch (err) {
          return this.fail(m.id, err);
        }
        this.store.logBatch(m.run_id, batch, m.batch).then(
          () => this.send({ type: 'ack', id: m.id }),
          (err: unknown) => this.fail(m.id, err),
        );
        return;
      }
    }
  }

  private subscribe(m: SubscribeMessage): void {
    try {
      if (m.scope.kind === 'run') this.store.getRun(m.scope.run_id);
      if (m.scope.kind === 'experiment') this.store.experiments.get(m.scope.experiment_id);
    } catch (err) {
      return this.fail(m.id, err);
    }
    const old = this.subs.get(m.id);
    if (old) this.hub.detach(old);
    const sub = new Subscription(m.id, m.scope, m.kinds ? new Set(m.kinds) : null, this);
    // a resumed subscription has seen everything up to `since`; replay moves lastSeq on
    if (m.since !== undefined) sub.lastSeq = m.since;
    // Events replayed by attach() go out before the snapshot/subscribed reply; the client
    // orders by seq, and a snapshot always comes alone (no replay), so nothing is ambiguous.
    const res = this.hub.attach(sub, { since: m.since, epoch: m.epoch, snapshot: m.snapshot });
    if (res.kind === 'resync') {
      this.send({ type: 'resync', sub: m.id, seq: m.since ?? 0, reason: res.reason });
      return;
    }
    this.subs.set(m.id, sub);
    if (res.kind === 'snapshot') {
      const s = res.snapshot;
      sub.lastSeq = s.seq;
      this.send({ type: 'snapshot', sub: m.id, epoch: this.hub.epoch, seq: s.seq, experiments: s.experiments, runs: s.runs });
    } else if (this.stalledSince === null) {
      // everything up to res.seq in this scope was delivered (a stalled replay stops short)
      sub.lastSeq = Math.max(sub.lastSeq, res.seq);
    }
    this.send({ type: 'subscribed', sub: m.id, epoch: this.hub.epoch, seq: sub.lastSeq });
  }

  /** Detaches every subscription; safe to call twice. */
  dispose(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.drainTimer) clearInterval(this.drainTimer);
    for (const s of this.subs.values()) this.hub.detach(s);
    this.subs.clear();
  }
}

