/**
 * A gate to wait at, with a time limit: it opens once something is ready (a session connected to
 * Copilot) and can close again (the connection was lost) until the next opening.
 */
export class Gate {
  private opened: () => void = () => undefined;
  private passage: Promise<void> = this.shut();

  /** Lets every waiter through, and those that come until the gate is closed again. */
  open(): void {
    this.opened();
  }

  /** Waiters from now on wait for the next `open`. */
  close(): void {
    this.passage = this.shut();
  }

  /** Resolves once the gate is open, or after `timeoutMs` at most. */
  async pass(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.passage, new Promise((done) => (timer = setTimeout(done, timeoutMs)))]);
    clearTimeout(timer);
  }

  private shut(): Promise<void> {
    return new Promise((done) => {
      this.opened = done;
    });
  }
}
