/**
 * The one post-commit stream of a store: every change the store committed, numbered in commit
 * order, delivered to every consumer (the live hub, the chart column cache, notebook hooks).
 * Consumers only read it; none of them writes back into the store while a route waits.
 *
 * The file store numbers changes in the agent's memory (`LocalChangeFeed`, a new epoch each time
 * the agent starts); the PostgreSQL store takes the numbers from the database (an events table
 * with a sequence), so every agent on one database sees one sequence and it outlives restarts.
 */
import { randomUUID } from 'node:crypto';
import type { StoreEvent } from './records.js';

/** A committed change and its place in the feed. */
export interface FeedEvent {
  /** Position in the feed: strictly increasing, in commit order, within one epoch. */
  readonly seq: number;
  readonly event: StoreEvent;
}

/** Receives every committed change, in seq order; must not throw. */
export type FeedListener = (e: FeedEvent) => void;

/** The post-commit change stream of a store. */
export interface ChangeFeed {
  /** Names the sequence: seqs compare only within one epoch. */
  readonly epoch: string;
  /** The seq of the last change delivered to listeners (0 before any). */
  readonly seq: number;
  /** Adds a listener of every change delivered from now on; returns the function that removes it. */
  subscribe(listener: FeedListener): () => void;
  /**
   * The changes after `since`, in order, when the feed still has them (the database's events
   * table), or null when it does not (then the caller sends a snapshot instead).
   */
  replay(since: number): Promise<FeedEvent[] | null>;
}

/** A feed numbered in this process: one epoch per agent lifetime, nothing kept for replay. */
export class LocalChangeFeed implements ChangeFeed {
  readonly epoch = randomUUID();
  private last = 0;
  private readonly listeners = new Set<FeedListener>();

  get seq(): number {
    return this.last;
  }

  subscribe(listener: FeedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Numbers a committed change and hands it to every listener, synchronously. */
  publish(event: StoreEvent): void {
    const e: FeedEvent = { seq: ++this.last, event };
    for (const l of this.listeners) l(e);
  }

  replay(): Promise<FeedEvent[] | null> {
    return Promise.resolve(null);
  }
}
