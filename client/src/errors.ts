/**
 * What went wrong with logged data. The client never throws at the caller for data it
 * cannot store: each problem is recorded here, handed to `onError`, and returned by the next
 * `flush()` / `endRun()` report.
 */

/** One problem with logged data: invalid input found by the client, or an operation the server refused. */
export interface ClientError {
  /** The run concerned (its id as `Run.id` gives it), or null for problems not tied to a run. */
  run: string | null;
  /** What failed: a batch of logged values, a run's creation or update, a dataset input, an artifact, or one value refused before sending. */
  op: 'log' | 'create' | 'update' | 'inputs' | 'artifact' | 'metric' | 'param' | 'tag' | 'watch';
  /** MLflow error code: the server's (`INVALID_PARAMETER_VALUE`, `RESOURCE_DOES_NOT_EXIST`, ...) or the client's own (`INVALID_PARAMETER_VALUE`, `QUEUE_FULL`). */
  error_code: string;
  /** Human-readable explanation. */
  message: string;
  /** Metric points lost with it (0 for anything else). */
  points: number;
}

/** Default `onError`: a warning on the console, the first 20 only. */
export function warnOnConsole(): (e: ClientError) => void {
  let shown = 0;
  return (e) => {
    shown++;
    if (shown <= 20) console.warn(`lablog: ${e.op} ${e.run ?? ''} refused (${e.error_code}): ${e.message}`);
    if (shown === 20) console.warn('lablog: further errors are not shown; flush() reports them all');
  };
}

/** Collects errors between two reports; keeps the first 1 000 of each period and counts the rest. */
export class ErrorLog {
  private list: ClientError[] = [];
  private dropped = 0;

  constructor(private readonly onError: ((e: ClientError) => void) | null) {}

  /** Records an error. */
  add(e: ClientError): void {
    if (this.list.length < 1000) this.list.push(e);
    else this.dropped++;
    try {
      this.onError?.(e);
    } catch {
      // a throwing callback must not break logging
    }
  }

  /** The errors since the last call (with a summary entry for those not kept). */
  take(): ClientError[] {
    const out = this.list;
    if (this.dropped > 0) {
      out.push({ run: null, op: 'log', error_code: 'TOO_MANY_ERRORS', message: `${this.dropped} more errors were not kept`, points: 0 });
    }
    this.list = [];
    this.dropped = 0;
    return out;
  }
}
