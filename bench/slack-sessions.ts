/**
 * Drives many bridge sessions through the fake Slack and timestamps what the bridge shows in their
 * threads. Each session is known by a tag (`bt0001`…) in its first prompt, hence in its header; its
 * thread's posts and edits are matched with O(1) work per Web API call, however many sessions exist.
 */
import type { ApiCall, FakeSlack } from "../test/fakes/slack/index.js";
import { TAG } from "./model-proxy.js";
import { wallNow } from "./proc.js";

/** The Slack user who starts (and so owns) every benchmark session. */
export const BENCH_USER = "UBENCH";

interface Expectation {
  match: (content: string) => boolean;
  done: (at: number) => void;
}

export class SlackSessions {
  /** Tag → header message (the thread's root). */
  readonly headers = new Map<string, { channel: string; ts: string }>();
  private readonly threadTag = new Map<string, string>();
  private readonly messageTag = new Map<string, string>();
  private readonly waits = new Map<string, Expectation[]>();
  /** chat.postMessage / chat.update calls the bridge made in session threads. */
  threadCalls = 0;
  /** Web API calls the fake refused (an injected fault, or 429 when its rate limits are on). */
  refusedCalls = 0;

  /** Stops following the fake's calls. */
  readonly close: () => void;

  constructor(private readonly slack: FakeSlack) {
    const off = slack.onCall((call) => this.onCall(call));
    this.close = () => {
      off();
    };
  }

  private onCall(call: ApiCall): void {
    if (call.fault || call.rateLimited !== undefined) {
      this.refusedCalls++;
      return;
    }
    const args = call.args;
    if (call.method === "chat.postMessage") {
      // Calls are recorded after their handler ran: the message just posted is the last one.
      const posted = this.slack.messages.at(-1);
      if (!posted || posted.channel !== args.channel) return;
      const threadTs = typeof args.thread_ts === "string" ? args.thread_ts : undefined;
      if (threadTs === undefined) {
        const tag = TAG.exec(`${String(args.text)} ${JSON.stringify(args.blocks ?? [])}`)?.[0];
        if (tag && !this.headers.has(tag)) {
          this.headers.set(tag, { channel: posted.channel, ts: posted.ts });
          this.threadTag.set(posted.ts, tag);
        }
        return;
      }
      const tag = this.threadTag.get(threadTs);
      if (tag === undefined) return;
      this.messageTag.set(posted.ts, tag);
      this.shown(tag, args);
    } else if (call.method === "chat.update") {
      const tag = this.messageTag.get(String(args.ts));
      if (tag !== undefined) this.shown(tag, args);
    }
  }

  /** A thread that exists without this tracker having seen its header posted (a seeded session). */
  adopt(tag: string, channel: string, ts: string): void {
    this.headers.set(tag, { channel, ts });
    this.threadTag.set(ts, tag);
  }

  private shown(tag: string, args: Record<string, unknown>): void {
    this.threadCalls++;
    const list = this.waits.get(tag);
    if (!list?.length) return;
    const at = wallNow();
    const content = `${String(args.text)}\n${JSON.stringify(args.blocks ?? [])}`;
    for (const w of [...list]) {
      if (!w.match(content)) continue;
      list.splice(list.indexOf(w), 1);
      w.done(at);
    }
  }

  /**
   * Resolves with the wall time of the first thread post/edit of `tag`'s session, made from now on,
   * whose text or blocks satisfy `match`; with `undefined` after `timeoutMs`.
   */
  expect(tag: string, match: (content: string) => boolean, timeoutMs: number): Promise<number | undefined> {
    return new Promise((resolve) => {
      const w: Expectation = {
        match,
        done: (at) => {
          clearTimeout(timer);
          resolve(at);
        },
      };
      const timer = setTimeout(() => {
        const list = this.waits.get(tag);
        list?.splice(list.indexOf(w), 1);
        resolve(undefined);
      }, timeoutMs);
      const list = this.waits.get(tag);
      if (list) list.push(w);
      else this.waits.set(tag, [w]);
    });
  }

  /** `/copilot <prompt(tag)>` for every tag, `batch` at a time (each batch waits for its acks). */
  async start(
    tags: readonly string[],
    prompt: (tag: string) => string,
    opts: { channels: number; batch: number },
  ): Promise<void> {
    for (let i = 0; i < tags.length; i += opts.batch) {
      await Promise.all(
        tags
          .slice(i, i + opts.batch)
          .map((tag, j) =>
            this.slack.sendSlashCommand(
              { user_id: BENCH_USER, channel_id: `CB${(i + j) % opts.channels}`, text: prompt(tag) },
              { ackTimeoutMs: 30_000 },
            ),
          ),
      );
    }
  }

  /** The session owner writes `text` in `tag`'s thread (forwarded to Copilot without a mention). */
  async say(tag: string, text: string): Promise<void> {
    const header = this.headers.get(tag);
    if (!header) throw new Error(`no thread for ${tag}`);
    await this.slack.sendEvent(
      {
        type: "message",
        channel: header.channel,
        user: BENCH_USER,
        text,
        ts: this.slack.nextTs(),
        thread_ts: header.ts,
      },
      { ackTimeoutMs: 30_000 },
    );
  }
}

/** The echo reply to `ECHO: ok <tag>`: a thread message whose text is exactly `ok <tag>`. */
export const echoed =
  (tag: string) =>
  (content: string): boolean =>
    content.startsWith(`ok ${tag}\n`);
