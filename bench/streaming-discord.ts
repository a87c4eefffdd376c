/**
 * Streaming on Discord under its documented rate limits: the fake Discord enforces the global 50
 * requests/s and per-channel route buckets (announced in X-RateLimit-* headers, 429 + retry_after
 * beyond them) while `sessions` sessions are started at once by mentions spread over `channels` text
 * channels, each streaming a reply. Same measures as the Slack scenario.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type DiscordMessage, FakeDiscord, type RestCall } from "../test/fakes/discord/index.js";
import { FakeModel } from "../test/fakes/model/index.js";
import { streamText } from "../test/fakes/model/rules.js";
import { BridgeProcess, cpuDelta } from "./bridge-process.js";
import { ModelProxy, tagOf } from "./model-proxy.js";
import { wallNow } from "./proc.js";
import { benchBridgeEnv } from "./rig.js";
import { type StreamingOptions, type StreamingResult, streamingResult } from "./streaming.js";

const USER = "200000000000000042";

/** Follows the sessions' threads in the fake Discord: which tag a thread belongs to, what it shows. */
class DiscordSessions {
  private readonly anchorTag = new Map<string, string>();
  private readonly threadTag = new Map<string, string>();
  private readonly waits = new Map<string, { match: (c: string) => boolean; done: (at: number) => void }>();
  threadCalls = 0;

  constructor(private readonly discord: FakeDiscord) {
    discord.onCall((call) => this.onCall(call));
  }

  private onCall(call: RestCall): void {
    if (call.status >= 300 || typeof call.body?.content !== "string") return;
    const m = /^\/channels\/(\d+)\/messages(?:\/\d+)?$/.exec(call.path);
    if (!m || (call.method !== "POST" && call.method !== "PATCH")) return;
    const tag = this.tagOfThread(m[1] ?? "");
    if (tag === undefined) return;
    this.threadCalls++;
    const wait = this.waits.get(tag);
    if (wait?.match(call.body.content)) {
      this.waits.delete(tag);
      wait.done(wallNow());
    }
  }

  private tagOfThread(channel: string): string | undefined {
    const known = this.threadTag.get(channel);
    if (known !== undefined) return known;
    const anchor = this.discord.threads.find((t) => t.id === channel)?.message_id;
    const tag = anchor === undefined ? undefined : this.anchorTag.get(anchor);
    if (tag !== undefined) this.threadTag.set(channel, tag);
    return tag;
  }

  expect(tag: string, match: (c: string) => boolean, timeoutMs: number): Promise<number | undefined> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waits.delete(tag);
        resolve(undefined);
      }, timeoutMs);
      this.waits.set(tag, {
        match,
        done: (at) => {
          clearTimeout(timer);
          resolve(at);
        },
      });
    });
  }

  async start(tag: string, prompt: string, channel: string): Promise<DiscordMessage> {
    const m = await this.discord.sendMessage({
      author_id: USER,
      channel_id: channel,
      content: prompt,
      mention_bot: true,
    });
    this.anchorTag.set(m.id, tag);
    return m;
  }
}

export async function measureDiscordStreaming(options: StreamingOptions = {}): Promise<StreamingResult> {
  const sessions = options.sessions ?? 100;
  const channels = options.channels ?? 20;
  const deltas = options.deltas ?? 40;
  const streamMs = options.streamMs ?? 8000;
  const lastWord = streamText(deltas).split(" ").at(-1) ?? "";
  const dir = mkdtempSync(join(tmpdir(), "ccb-bench-discord-"));
  const discord = await FakeDiscord.start({ textChannels: channels });
  const model = await FakeModel.start();
  const proxy = await ModelProxy.start(model.baseUrl);
  const bridge = BridgeProcess.start(
    benchBridgeEnv(dir, proxy.baseUrl, {
      DISCORD_BOT_TOKEN: discord.token,
      DISCORD_API_URL: discord.apiUrl,
      DISCORD_COMMAND_GUILDS: discord.guildId,
    }),
    join(dir, "probe.jsonl"),
  );
  try {
    await discord.waitFor(() => discord.identifies > 0, {
      timeoutMs: 30_000,
      what: "the bridge to identify",
    });
    await discord.whenReady();
    const threads = new DiscordSessions(discord);
    const ids = discord.channelIds;
    // Warm-up without limits: runtime start and JIT, not measured.
    const warm = [tagOf(9001), tagOf(9002)];
    const warmShown = warm.map((tag) => threads.expect(tag, (c) => c.includes("w0005"), 60_000));
    for (const tag of warm) await threads.start(tag, `STREAM: 5 200 ${tag}`, discord.channelId);
    await Promise.all(warmShown);
    await new Promise((r) => setTimeout(r, 2000));

    discord.setRateLimits(true);
    discord.resetRateLimitStats();
    const tags = Array.from({ length: sessions }, (_, i) => tagOf(i + 1));
    const calls0 = threads.threadCalls;
    const u0 = bridge.usage();
    const t0 = wallNow();
    const shown = tags.map((tag) => threads.expect(tag, (c) => c.includes(lastWord), 300_000));
    await Promise.all(
      tags.map((tag, i) =>
        threads.start(tag, `STREAM: ${deltas} ${streamMs} ${tag}`, ids[i % ids.length] ?? ""),
      ),
    );
    const at = await Promise.all(shown);
    return streamingResult({
      platform: "discord",
      options: { sessions, channels, deltas, streamMs },
      t0,
      at,
      finalOf: (i) => proxy.finalAfter(tags[i] ?? "", t0),
      stats: discord.rateLimitStats(),
      threadCalls: threads.threadCalls - calls0,
      bridgeCpuS: cpuDelta(u0, bridge.usage()).bridge,
    });
  } finally {
    await bridge.stop(30_000).catch(() => {
      // Tearing down after the measurement: a failure here changes no number.
    });
    await proxy.stop();
    await model.stop();
    await discord.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
