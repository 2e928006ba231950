/**
 * What `flush()`, `endRun()` and `close()` resolve with.
 */
import type { ClientError } from './errors.js';
import type { PendingCounts } from './Outbox.js';

/**
 * The outcome of waiting for logged data to be stored.
 * - `durable`: true when every operation made before the call was stored by the server
 *   (acknowledged after its commit) or refused (then it is in `errors`); false when the wait
 *   ended first (server unreachable or slow).
 * - `pending`: what the server has not stored yet, at the time of the report (all of the
 *   client's operations, not only those before the call).
 * - `spoolFile`: the file holding pending operations (Node), or null when they are only in
 *   memory (or there are none). A spool file left when the process ends is replayed by the
 *   next client for the same URL started with the same `spoolDir`.
 * - `errors`: problems found since the previous report: invalid values left out of a batch,
 *   batches or operations the server refused.
 */
export interface FlushReport {
  durable: boolean;
  pending: PendingCounts;
  spoolFile: string | null;
  errors: ClientError[];
}

export type { ClientError, PendingCounts };
