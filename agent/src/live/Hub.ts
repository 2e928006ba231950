/**
 * The live hub: hands every change of the store's feed (numbered by the feed, in commit order)
 * to the subscriptions whose scope it falls in, and keeps the recent ones in a ring for
 * subscribers that resume. It only reads the feed; it never reaches into routes.
 */
import type { Scope } from '@lablog/schema';
import type { ChangeFeed } from '../store/ChangeFeed.js';
import type { ScopeState } from '../store/TrackingStore.js';
import { EventRing, type NumberedEvent } from './EventRing.js';
import { routeEvent } from './liveEvents.js';
import { snapshotJson, type ScopeSnapshot } from './snapshotJson.js';

/** A receiver of numbered events (one subscription of one connection). */
export interface Subscriber {
  readonly scope: Scope;
  /** Only events of these kinds; null for all. */
  readonly kinds: ReadonlySet<string> | null;
  /** On a server with users: whether events of an experiment (null: of none; then `model` names a registry event's model) may reach this subscriber. */
  readonly mayRead?: ((experimentId: string | null, model?: string | null) => boolean) | undefined;
  deliver(e: NumberedEvent): void;
}

/** What `Hub.attach` did for a subscriber that asked to resume or for a snapshot. */
export type AttachResult =
  | { kind: 'live'; seq: number }
  | { kind: 'snapshot'; snapshot: ScopeSnapshot }
  | { kind: 'resync'; reason: 'too-old' | 'epoch' };

/** True when an event belongs to a scope. */
export function inScope(scope: Scope, e: { runId: string | null; experimentId: string | null }): boolean {
  switch (scope.kind) {
    case 'all':
      return true;
    case 'experiment':
      return e.experimentId === scope.experiment_id;
    case 'run':
      return e.runId === scope.run_id;
  }
}

/** True when a subscriber wants an event: in its scope and of a kind it asked for. */
export function wants(sub: Subscriber, e: { kind: string; runId: string | null; experimentId: string | null; model?: string | null | undefined }): boolean {
  return inScope(sub.scope, e) && (sub.kinds === null || sub.kinds.has(e.kind)) && (sub.mayRead?.(e.experimentId, e.model) ?? true);
}

/** A scope's state without what a subscriber may not read. */
function readableState(state: ScopeState, mayRead: Subscriber['mayRead']): ScopeState {
  if (!mayRead) return state;
  return { seq: state.seq, experiments: state.experiments.filter((e) => mayRead(e.experiment_id)), runs: state.runs.filter((r) => mayRead(r.info.experiment_id)) };
}

/** Bytes of snapshots on their way out to subscribers, over every connection. */
export class SnapshotBudget {
  private out = 0;
  /** @param max bytes past which further snapshots wait */
  constructor(private readonly max: number) {}
  /** True when no further snapshot may start. */
  get spent(): boolean {
    return this.out >= this.max;
  }
  /** Counts a snapshot of `bytes` as on its way out. */
  take(bytes: number): void {
    this.out += bytes;
  }
  /** A snapshot of `bytes` left its socket's buffer (or its socket closed). */
  release(bytes: number): void {
    this.out -= bytes;
  }
}

/** A subscriber attached while its snapshot or replay is read: what the feed delivers meanwhile waits. */
interface Held {
  /** Events delivered meanwhile, in order. */
  buffer: NumberedEvent[];
  /** Events up to this seq are already in the snapshot or replay. */
  upTo: number;
}

/** The live hub. */
export class Hub {
  private readonly ring: EventRing;
  private readonly subscribers = new Set<Subscriber>();
  private readonly held = new Map<Subscriber, Held>();
  /** Events up to this seq are in a subscriber's snapshot or replay already. */
  private readonly seen = new WeakMap<Subscriber, number>();
  private readonly unsubscribeFeed: () => void;
  private last: number;
  /** Snapshots on their way out, over every connection. */
  readonly snapshotBudget: SnapshotBudget;

  /**
   * @param feed the store's change feed
   * @param state reads a scope's state at a feed position (the store's `scopeState`)
   * @param ringBytes how much recent history (event JSON) is kept for resuming subscribers
   * @param snapshotBudgetBytes how many bytes of snapshots may be on their way out at once
   */
  constructor(
    private readonly feed: ChangeFeed,
    private readonly state: (scope: Scope) => Promise<ScopeState>,
    ringBytes: number,
    snapshotBudgetBytes = Infinity,
  ) {
    this.snapshotBudget = new SnapshotBudget(snapshotBudgetBytes);
    this.last = feed.seq;
    this.ring = new EventRing(ringBytes, feed.seq);
    this.unsubscribeFeed = feed.subscribe(({ seq, event }) => {
      const numbered: NumberedEvent = { seq, ...routeEvent(event) };
      this.last = seq;
      this.ring.push(numbered);
      for (const [s, h] of this.held) if (wants(s, numbered)) h.buffer.push(numbered);
      for (const s of this.subscribers) if (wants(s, numbered) && numbered.seq > (this.seen.get(s) ?? 0)) s.deliver(numbered);
    });
  }

  /** Names the feed's sequence; seqs compare only within one epoch. */
  get epoch(): string {
    return this.feed.epoch;
  }

  /** The last seq delivered. */
  get seq(): number {
    return this.last;
  }

  /**
   * Adds a subscriber:
   * - `since` (with this `epoch`): replays what came after it (from the ring, or from the feed's
   *   own history when the ring no longer has it), then live;
   * - `snapshot`: the scope's current state, then live (also the fallback when `since` is too old);
   *   a snapshot past `maxSnapshotBytes` throws RESOURCE_EXHAUSTED and nothing is attached;
   * - neither: live from now.
   * A snapshot subscriber is held until `release`: the caller sends the snapshot first, then
   * the events committed since, with no gap and no duplicate.
   */
  async attach(sub: Subscriber, opts: { since?: number | undefined; epoch?: string | undefined; snapshot?: boolean | undefined; maxSnapshotBytes: number }): Promise<AttachResult> {
    const resumable = opts.since !== undefined && opts.epoch === this.epoch && opts.since <= this.last;
    if (resumable && this.ring.covers(opts.since!)) {
      for (const e of this.ring.after(opts.since!)) if (wants(sub, e)) sub.deliver(e);
      this.subscribers.add(sub);
      return { kind: 'live', seq: this.last };
    }
    if (resumable || opts.snapshot) {
      const held: Held = { buffer: [], upTo: 0 };
      this.held.set(sub, held);
      try {
        if (resumable) {
          const replay = await this.feed.replay(opts.since!);
          if (replay) {
            held.upTo = replay.at(-1)?.seq ?? opts.since!;
            for (const { seq, event } of replay) {
              const e: NumberedEvent = { seq, ...routeEvent(event) };
              if (wants(sub, e)) sub.deliver(e);
            }
            this.release(sub);
            return { kind: 'live', seq: Math.max(held.upTo, this.last) };
          }
        }
        if (opts.snapshot) {
          const state = readableState(await this.state(sub.scope), sub.mayRead);
          held.upTo = state.seq;
          return { kind: 'snapshot', snapshot: snapshotJson(state, sub.scope, opts.maxSnapshotBytes) };
        }
      } catch (err) {
        this.held.delete(sub);
        throw err;
      }
      this.held.delete(sub);
      return { kind: 'resync', reason: 'too-old' };
    }
    if (opts.since !== undefined) return { kind: 'resync', reason: opts.epoch === this.epoch ? 'too-old' : 'epoch' };
    this.subscribers.add(sub);
    return { kind: 'live', seq: this.last };
  }

  /** Makes a held subscriber live: the events committed after its snapshot or replay go out now. */
  release(sub: Subscriber): void {
    const h = this.held.get(sub);
    if (!h) return;
    this.held.delete(sub);
    for (const e of h.buffer) if (e.seq > h.upTo) sub.deliver(e);
    this.seen.set(sub, h.upTo);
    this.subscribers.add(sub);
  }

  /** Removes a subscriber. */
  detach(sub: Subscriber): void {
    this.subscribers.delete(sub);
    this.held.delete(sub);
  }

  /** Stops listening to the feed. */
  close(): void {
    this.unsubscribeFeed();
    this.subscribers.clear();
    this.held.clear();
  }
}
