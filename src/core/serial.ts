/** Runs tasks one after another, in the order they were queued; a failing task does not stop the queue. */
export class SerialQueue {
  private tail: Promise<void> = Promise.resolve();
  private pending = 0;
  private readonly lanes: SerialQueue[] = [];

  constructor(private readonly onError: (error: unknown) => void) {}

  /**
   * A queue beside this one: its tasks keep their own order but never wait behind this queue's
   * (a control's answer is not held up by a thread's backlog). `idle()` waits for both.
   */
  lane(): SerialQueue {
    const lane = new SerialQueue(this.onError);
    this.lanes.push(lane);
    return lane;
  }

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
    this.run(task).catch(() => {
      // `run` reports the task's failure to its caller; the queue itself goes on.
    });
  }

  /** Tasks queued and not yet finished (lanes not counted). */
  get size(): number {
    return this.pending;
  }

  /** Resolves once everything queued so far (here and in its lanes) has run. */
  async idle(): Promise<void> {
    await Promise.all([this.tail, ...this.lanes.map((lane) => lane.idle())]);
  }
}
