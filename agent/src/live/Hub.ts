/**
 * The live hub: numbers every change the store commits (one seq for the whole agent, in
 * commit order), keeps the recent ones in a ring, and hands each to the subscriptions whose
 * scope it falls in. It only listens to the store; it never reaches into routes.
 */
import { randomUUID } from 'node:crypto';
import type { Scope } from '@lablog/schema';
import type { FileStore } from '../store/FileStore.js';
import { EventRing, type NumberedEvent } from './EventRing.js';
import { routeEvent } from './liveEvents.js';
import { snapshotJson, type ScopeSnapshot } from './snapshotJson.js';

/** A receiver of numbered events (one subscription of one connection). */
export interface Subscriber {
  readonly scope: Scope;
  /** Only events of these kinds; null for all. */
  readonly kinds: ReadonlySet<string> | null;
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
export function wants(sub: Subscriber, e: { kind: string; runId: string | null; experimentId: string | null }): boolean {
  return inScope(sub.scope, e) && (sub.kinds === null || sub.kinds.has(e.kind));
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

/** The live hub. */
export class Hub {
  /** Names this agent lifetime; seqs compare only within one epoch. */
  readonly epoch = randomUUID();
  private seqNo = 0;
  private readonly ring: EventRing;
  private readonly subscribers = new Set<Subscriber>();
  private readonly unsubscribeStore: () => void;
  /** Snapshots on their way out, over every connection. */
  readonly snapshotBudget: SnapshotBudget;

  /**
   * @param ringBytes how much recent history (event JSON) is kept for resuming subscribers
   * @param snapshotBudgetBytes how many bytes of snapshots may be on their way out at once
   */
  constructor(
    private readonly store: FileStore,
    ringBytes: number,
    snapshotBudgetBytes = Infinity,
  ) {
    this.snapshotBudget = new SnapshotBudget(snapshotBudgetBytes);
    this.ring = new EventRing(ringBytes);
    this.unsubscribeStore = store.subscribe((e) => {
      const numbered: NumberedEvent = { seq: ++this.seqNo, ...routeEvent(e) };
      this.ring.push(numbered);
      for (const s of this.subscribers) if (wants(s, numbered)) s.deliver(numbered);
    });
  }

  /** The last seq committed. */
  get seq(): number {
    return this.seqNo;
  }

  /**
   * Adds a subscriber. Runs synchronously, so nothing can be committed between the replay or
   * snapshot and the first live event: no gap, no duplicate.
   * - `since` (with this `epoch`): replays what came after it, then live;
   * - `snapshot`: the scope's current state, then live (also the fallback when `since` is too old);
   *   a snapshot past `maxSnapshotBytes` throws RESOURCE_EXHAUSTED and nothing is attached;
   * - neither: live from now.
   */
  attach(sub: Subscriber, opts: { since?: number | undefined; epoch?: string | undefined; snapshot?: boolean | undefined; maxSnapshotBytes: number }): AttachResult {
    let result: AttachResult;
    if (opts.since !== undefined && opts.epoch === this.epoch && opts.since <= this.seqNo && this.ring.covers(opts.since)) {
      for (const e of this.ring.after(opts.since)) if (wants(sub, e)) sub.deliver(e);
      result = { kind: 'live', seq: this.seqNo };
    } else if (opts.snapshot) {
      result = { kind: 'snapshot', snapshot: snapshotJson(this.store, sub.scope, this.seqNo, opts.maxSnapshotBytes) };
    } else if (opts.since !== undefined) {
      return { kind: 'resync', reason: opts.epoch === this.epoch ? 'too-old' : 'epoch' };
    } else {
      result = { kind: 'live', seq: this.seqNo };
    }
    this.subscribers.add(sub);
    return result;
  }

  /** Removes a subscriber. */
  detach(sub: Subscriber): void {
    this.subscribers.delete(sub);
  }

  /** Stops listening to the store. */
  close(): void {
    this.unsubscribeStore();
    this.subscribers.clear();
  }
}
