/**
 * The recent past of the live channel: committed events in seq order, kept up to a byte
 * budget, so a subscriber that reconnects can be sent exactly what it missed.
 */

import type { RoutedEvent } from './liveEvents.js';

/** One numbered event, serialised once (on first use) for every subscriber. */
export interface NumberedEvent extends RoutedEvent {
  seq: number;
}

/** A FIFO of events bounded by the total size of their JSON. */
export class EventRing {
  private items: NumberedEvent[] = [];
  private head = 0;
  private bytes = 0;
  /** Seq of the newest event dropped to stay within budget (0: nothing dropped yet). */
  private droppedUpTo = 0;

  /**
   * @param maxBytes budget for the kept events' JSON
   * @param start the seq the feed stood at when the ring began (nothing before it is kept)
   */
  constructor(
    private readonly maxBytes: number,
    start = 0,
  ) {
    this.droppedUpTo = start;
  }

  /** Adds the newest event and drops the oldest ones past the budget. */
  push(e: NumberedEvent): void {
    this.items.push(e);
    this.bytes += e.size;
    while (this.bytes > this.maxBytes && this.head < this.items.length - 1) {
      const old = this.items[this.head++]!;
      this.bytes -= old.size;
      this.droppedUpTo = old.seq;
    }
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }

  /** True when every event after `since` is still kept. */
  covers(since: number): boolean {
    return since >= this.droppedUpTo;
  }

  /** The kept events with seq greater than `since`, oldest first. */
  *after(since: number): Iterable<NumberedEvent> {
    // seqs are consecutive, so the start index follows from the first kept seq
    const first = this.items[this.head];
    if (!first) return;
    for (let i = this.head + Math.max(0, since - first.seq + 1); i < this.items.length; i++) yield this.items[i]!;
  }
}
