/**
 * Runs tasks one at a time, in the order they were queued, each after the previous one settled
 * (a failed task does not stop the ones after it). The store's read-check-write changes of one
 * document go through one, so each is checked against what the previous one wrote.
 */
export class SerialQueue {
  private last: Promise<void> = Promise.resolve();

  /** Queues `task`; resolves or rejects as it does. */
  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.last.then(task);
    this.last = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  /** Resolves once every task queued so far has settled. */
  idle(): Promise<void> {
    return this.last;
  }
}
