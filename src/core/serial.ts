/** Runs tasks one after another, in the order they were queued; a failing task does not stop the queue. */
export class SerialQueue {
  private tail: Promise<void> = Promise.resolve();
  private pending = 0;

  constructor(private readonly onError: (error: unknown) => void) {}

  /** Queues `task`; the returned promise settles with it. */
  run<T>(task: () => Promise<T>): Promise<T> {
    this.pending++;
    const result = this.tail.then(task);
    this.tail = result.then(
      () => {
        this.pending--;
      },
      (error: unknown) => {
        this.pending--;
        this.onError(error);
      },
    );
    return result;
  }

  /** Queues `task` and does not wait for it; errors go to `onError`. */
  push(task: () => Promise<unknown>): void {
    this.run(task).catch(() => {});
  }

  get size(): number {
    return this.pending;
  }

  /** Resolves once everything queued so far has run. */
  idle(): Promise<void> {
    return this.tail;
  }
}
