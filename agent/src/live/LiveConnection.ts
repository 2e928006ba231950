/**
 * One WebSocket on `/ws`: its subscriptions, its logged batches, and its backpressure.
 * Every incoming message is validated against the schema; a bad one gets an error reply and
 * the connection stays usable.
 *
 * Memory stays bounded whatever the client does:
 * - a viewer that reads too slowly is not waited for: past the high-water mark its
 *   subscriptions stop receiving, and once its socket drains it is told to resync, so ingest
 *   never slows down;
 * - every reply (snapshots included) counts against the same mark: while the socket holds
 *   more than it, or while a snapshot is still on its way out, the connection reads no more
 *   messages (TCP holds the client back), so a client that sends requests without reading the
 *   answers gets no more answers queued than one message's worth;
 * - a log message is limited as a REST log-batch body (`maxLogBytes`, refused for that message);
 * - a connection holds at most `maxSubscriptions` subscriptions and `maxLogsInFlight` batches
 *   waiting for their commit; a snapshot larger than `maxSnapshotBytes` is refused, and the
 *   snapshots of all connections on their way out together stay within the hub's budget (a
 *   subscription that asks for one past it waits its turn).
 */
import type { WebSocket } from 'ws';
import { ClientMessage, LIVE_PROTOCOL_VERSION, type Scope, type ServerMessage, type SubscribeMessage } from '@lablog/schema';
import { MlflowError } from '../errors.js';
import { errorReply, type ErrorContext } from '../http/errorReply.js';
import { toBatch } from '../mlflow/batchInput.js';
import { bodyValidator, toMlflowError } from '../http/validation.js';
import type { TrackingStore } from '../store/TrackingStore.js';
import type { NumberedEvent } from './EventRing.js';
import type { Hub, Subscriber } from './Hub.js';
import type { LiveAccess } from './LiveAccess.js';

/** Backpressure limits of one connection. */
export interface FlowLimits {
  /** Bytes buffered for the socket past which its subscriptions stop receiving and its messages are no longer read. */
  highWaterBytes: number;
  /** Bytes below which a stalled connection is told to resync, and reading resumes. */
  lowWaterBytes: number;
  /** A connection stalled (or not reading its replies) this long is closed. */
  stallTimeoutMs: number;
  /** Subscriptions one connection may hold at once. */
  maxSubscriptions: number;
  /** Largest snapshot sent (JSON bytes); a larger scope is refused with RESOURCE_EXHAUSTED. */
  maxSnapshotBytes: number;
  /** Logged batches of one connection waiting for their commit at once; further messages wait. */
  maxLogsInFlight: number;
  /** Largest log message (bytes), as a REST log-batch body; a larger one is refused, the connection goes on. */
  maxLogBytes: number;
}

/** Messages received but not yet handled, past which the connection is closed (a client ignoring TCP flow control). */
const MAX_INBOX_BYTES = 8 * 1024 * 1024;
/** How often a paused connection looks at its socket's buffer. */
const POLL_MS = 50;

const validate = bodyValidator(ClientMessage);

class Subscription implements Subscriber {
  lastSeq = 0;
  readonly mayRead: ((experimentId: string | null, model?: string | null) => boolean) | undefined;
  constructor(
    readonly id: string,
    readonly scope: Scope,
    readonly kinds: ReadonlySet<string> | null,
    private readonly conn: LiveConnection,
    access: LiveAccess | undefined,
  ) {
    this.mayRead = access ? (experimentId, model) => access.mayRead(experimentId, model) : undefined;
  }
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
  /** Messages received, not yet handled (texts; null for a binary frame). */
  private readonly inbox: Array<string | null> = [];
  private inboxBytes = 0;
  /** Since when reading is paused (the client is not reading its replies), or null. */
  private pausedSince: number | null = null;
  private pauseTimer: NodeJS.Timeout | null = null;
  /** Bytes of the snapshot sent and not yet out of the socket's buffer (counted in the hub's budget too), or 0. */
  private snapshotBytes = 0;
  /** The next message asks for a snapshot, and the agent's snapshot budget is spent. */
  private awaitingBudget = false;
  private logsInFlight = 0;
  /** A subscribe is being handled (its scope checked, its snapshot or replay read): later messages wait. */
  private subscribing = false;

  constructor(
    private readonly ws: WebSocket,
    private readonly hub: Hub,
    private readonly store: TrackingStore,
    private readonly limits: FlowLimits,
    /** On a server with users, the socket's user's permissions (none: everything, as on a local agent). */
    private readonly access?: LiveAccess,
  ) {
    this.send({ type: 'welcome', v: LIVE_PROTOCOL_VERSION, epoch: hub.epoch, seq: hub.seq });
    ws.on('message', (data, isBinary) => this.receive(isBinary ? null : data.toString()));
    ws.on('close', () => this.dispose());
    ws.on('error', () => this.dispose());
  }

  private send(msg: ServerMessage): void {
    this.sendText(JSON.stringify(msg));
  }

  /** The one way out for replies: they are never dropped, but count against the high-water mark (see `blocked`). */
  private sendText(text: string): void {
    if (!this.closed) this.ws.send(text);
  }

  private fail(id: string | undefined, err: unknown, ctx?: ErrorContext): void {
    const { body } = errorReply(err, ctx);
    this.send({ type: 'error', ...(id ? { id } : {}), ...body });
  }

  /** @internal Sends one event to one subscription, unless the socket is backed up. */
  sendEvent(sub: Subscription, e: NumberedEvent): void {
    if (this.closed || this.stalledSince !== null) return;
    if (this.ws.bufferedAmount > this.limits.highWaterBytes) {
      this.stall();
      return;
    }
    this.sendText(`{"type":"event","sub":${JSON.stringify(sub.id)},"seq":${e.seq},"event":${e.json()}}`);
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
        this.work();
      } else if (Date.now() - this.stalledSince! > this.limits.stallTimeoutMs) {
        this.ws.terminate();
      }
    }, POLL_MS);
  }

  /** True while no further message may be handled: replies are piling up, a snapshot is on its way, or enough batches are committing. */
  private blocked(): boolean {
    const buffered = this.ws.bufferedAmount;
    if (this.snapshotBytes > 0 && buffered <= this.limits.lowWaterBytes) this.snapshotSent();
    if (this.awaitingBudget && !this.hub.snapshotBudget.spent) this.awaitingBudget = false;
    return buffered > this.limits.highWaterBytes || this.snapshotBytes > 0 || this.awaitingBudget || this.subscribing || this.logsInFlight >= this.limits.maxLogsInFlight;
  }

  /** The snapshot in flight has left the socket's buffer: its bytes go back to the hub's budget. */
  private snapshotSent(): void {
    this.hub.snapshotBudget.release(this.snapshotBytes);
    this.snapshotBytes = 0;
  }

  private receive(text: string | null): void {
    if (this.closed) return;
    this.inbox.push(text);
    this.inboxBytes += text?.length ?? 0;
    if (this.inboxBytes > MAX_INBOX_BYTES) {
      this.ws.close(1008, 'too many messages unanswered');
      this.dispose();
      return;
    }
    this.work();
  }

  /** Handles waiting messages until none is left or the connection is blocked; then stops reading until it is not. */
  private work(): void {
    while (!this.closed && this.inbox.length > 0 && !this.blocked()) {
      const text = this.inbox.shift()!;
      this.inboxBytes -= text?.length ?? 0;
      this.onMessage(text);
      if (this.awaitingBudget && text !== null) {
        // handled again once the agent has snapshot budget to spare
        this.inbox.unshift(text);
        this.inboxBytes += text.length;
      }
    }
    if (this.closed) return;
    if (this.blocked()) this.pauseReading();
    else this.resumeReading();
  }

  private pauseReading(): void {
    if (this.pausedSince !== null) return;
    this.pausedSince = Date.now();
    this.ws.pause();
    this.pauseTimer = setInterval(() => {
      if (!this.blocked()) return this.work();
      // replies that do not drain: the client stopped reading (a commit never takes this long)
      if (this.ws.bufferedAmount > this.limits.lowWaterBytes && Date.now() - this.pausedSince! > this.limits.stallTimeoutMs) this.ws.terminate();
    }, POLL_MS);
  }

  private resumeReading(): void {
    if (this.pausedSince === null) return;
    this.pausedSince = null;
    clearInterval(this.pauseTimer!);
    this.pauseTimer = null;
    this.ws.resume();
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
        if (Buffer.byteLength(text!) > this.limits.maxLogBytes) {
          // the same refusal as a REST log-batch body over its limit
          return this.fail(m.id, Object.assign(new Error('log message too large'), { code: 'FST_ERR_CTP_BODY_TOO_LARGE' }), { route: 'a live log message', bodyLimit: this.limits.maxLogBytes });
        }
        let batch;
        try {
          batch = toBatch(m);
        } catch (err) {
          return this.fail(m.id, err);
        }
        this.logsInFlight++;
        (this.access ? this.access.checkLog(m.run_id) : Promise.resolve())
          .then(() => this.store.logBatch(m.run_id, batch, m.batch))
          .then(
            () => this.send({ type: 'ack', id: m.id }),
            (err: unknown) => this.fail(m.id, err),
          )
          .finally(() => {
            this.logsInFlight--;
            this.work();
          });
        return;
      }
    }
  }

  private subscribe(m: SubscribeMessage): void {
    if (!this.subs.has(m.id) && this.subs.size >= this.limits.maxSubscriptions) {
      return this.fail(m.id, new MlflowError('RESOURCE_EXHAUSTED', `A connection may hold ${this.limits.maxSubscriptions} subscriptions at once; unsubscribe from one first.`));
    }
    // snapshots of every connection together stay within the hub's budget: this one waits its turn
    if (m.snapshot && this.hub.snapshotBudget.spent) {
      this.awaitingBudget = true;
      return;
    }
    // the scope is checked and its snapshot read asynchronously; the messages after it wait
    this.subscribing = true;
    void this.subscribeNow(m).finally(() => {
      this.subscribing = false;
      this.work();
    });
  }

  private async subscribeNow(m: SubscribeMessage): Promise<void> {
    try {
      if (m.scope.kind === 'run') await this.store.getRun(m.scope.run_id);
      if (m.scope.kind === 'experiment') await this.store.getExperiment(m.scope.experiment_id);
      await this.access?.checkScope(m.scope, async (runId) => (await this.store.getRun(runId)).info.experiment_id);
    } catch (err) {
      return this.fail(m.id, err);
    }
    if (this.closed) return;
    const old = this.subs.get(m.id);
    if (old) this.hub.detach(old);
    const sub = new Subscription(m.id, m.scope, m.kinds ? new Set(m.kinds) : null, this, this.access);
    // a resumed subscription has seen everything up to `since`; replay moves lastSeq on
    if (m.since !== undefined) sub.lastSeq = m.since;
    // Events replayed by attach() go out before the snapshot/subscribed reply; the client
    // orders by seq, and a snapshot always comes alone (no replay), so nothing is ambiguous.
    let res;
    try {
      res = await this.hub.attach(sub, { since: m.since, epoch: m.epoch, snapshot: m.snapshot, maxSnapshotBytes: this.limits.maxSnapshotBytes });
    } catch (err) {
      this.subs.delete(m.id);
      return this.fail(m.id, err);
    }
    if (this.closed) {
      this.hub.detach(sub);
      return;
    }
    if (res.kind === 'resync') {
      this.subs.delete(m.id);
      this.send({ type: 'resync', sub: m.id, seq: m.since ?? 0, reason: res.reason });
      return;
    }
    this.subs.set(m.id, sub);
    if (res.kind === 'snapshot') {
      const s = res.snapshot;
      sub.lastSeq = s.seq;
      this.sendText(`{"type":"snapshot","sub":${JSON.stringify(m.id)},"epoch":${JSON.stringify(this.hub.epoch)},"seq":${s.seq},"experiments":${s.experiments},"runs":${s.runs}}`);
      this.snapshotBytes = s.size + 1;
      this.hub.snapshotBudget.take(this.snapshotBytes);
    } else if (this.stalledSince === null) {
      // everything up to res.seq in this scope was delivered (a stalled replay stops short)
      sub.lastSeq = Math.max(sub.lastSeq, res.seq);
    }
    this.send({ type: 'subscribed', sub: m.id, epoch: this.hub.epoch, seq: sub.lastSeq });
    // events committed while the snapshot was read go out after it
    this.hub.release(sub);
  }

  /** Detaches every subscription; safe to call twice. */
  dispose(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.drainTimer) clearInterval(this.drainTimer);
    if (this.pauseTimer) clearInterval(this.pauseTimer);
    if (this.snapshotBytes > 0) this.snapshotSent();
    this.access?.dispose();
    for (const s of this.subs.values()) this.hub.detach(s);
    this.subs.clear();
    this.inbox.length = 0;
  }
}
