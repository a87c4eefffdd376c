import { RateDeferred } from "./errors.js";
import type { SendOptions } from "./ports/chat.js";
import type { Message } from "./types.js";
import type { MessageRef } from "./vocabulary/refs.js";

export interface LiveMessageDeps {
  post(message: Message, options: SendOptions): Promise<MessageRef>;
  edit(ref: MessageRef, message: Message, options: SendOptions): Promise<void>;
  /** Runs a flush in the thread's serial queue, so posts keep their order. */
  schedule(task: () => Promise<void>): void;
  /** Shortest time between two updates of the same message. */
  intervalMs: number;
  now(): number;
}

/** When the final update of a message fails even after the platform's retries. */
const finalRetryDelaysMs = [1000, 5000, 15000, 60000];

/**
 * A message (possibly several, when the content outgrows one) that follows changing content.
 * Updates are coalesced: at most one post/edit per `intervalMs`, always ending with the latest content.
 * Updates before the final one are interim: when the adapter defers one (rate budget short), the
 * message tries again when told, with whatever the content is by then.
 */
export class LiveMessage {
  private refs: MessageRef[] = [];
  private shown: string[] = [];
  private timer: NodeJS.Timeout | undefined;
  private queued = false;
  private lastFlush = Number.NEGATIVE_INFINITY;
  private done = false;
  private failures = 0;

  constructor(
    private readonly deps: LiveMessageDeps,
    private readonly render: () => Message[],
  ) {}

  /** The content changed: show it soon. */
  changed(): void {
    if (this.done || this.timer || this.queued) return;
    const wait = Math.max(0, this.lastFlush + this.deps.intervalMs - this.deps.now());
    if (wait === 0) this.enqueue();
    else
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.enqueue();
      }, wait);
  }

  /** The content is final: show it now (after anything already queued in the thread). */
  complete(): void {
    this.done = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.queued) this.enqueue();
  }

  get posted(): boolean {
    return this.refs.length > 0;
  }

  private enqueue(): void {
    this.queued = true;
    this.deps.schedule(async () => {
      this.queued = false;
      this.lastFlush = this.deps.now();
      try {
        await this.flush(!this.done);
        this.failures = 0;
      } catch (error) {
        if (error instanceof RateDeferred) {
          // Nothing was sent. A final update (complete()) is queued already if the content is done.
          if (!this.done && !this.timer) {
            this.timer = setTimeout(() => {
              this.timer = undefined;
              this.enqueue();
            }, error.retryInMs);
          }
          return;
        }
        // The platform's own retries gave up. Final content must not be lost: try again later.
        if (this.done && this.failures < finalRetryDelaysMs.length) {
          const delay = finalRetryDelaysMs[this.failures++] ?? 0;
          this.queued = true;
          setTimeout(() => {
            this.queued = false;
            this.enqueue();
          }, delay).unref();
        }
        throw error;
      }
    });
  }

  private async flush(interim: boolean): Promise<void> {
    const messages = this.render();
    const options: SendOptions = interim ? { interim } : {};
    for (let i = 0; i < messages.length; i++) {
      const message = messages[i] as Message;
      const key = JSON.stringify(message.blocks);
      const ref = this.refs[i];
      if (ref === undefined) {
        this.refs.push(await this.deps.post(message, options));
        this.shown.push(key);
      } else if (this.shown[i] !== key) {
        await this.deps.edit(ref, message, options);
        this.shown[i] = key;
      }
    }
  }
}
