/**
 * Streaming under the platforms' documented rate limits: the fake Slack enforces Slack's tiers
 * (chat.update 50/min, chat.postMessage 1/s per channel and 300/min per workspace, 429 +
 * Retry-After) while `sessions` sessions are started at once, each streaming a reply of `deltas`
 * deltas over `streamMs`. Measured: 429s the bridge received, platform calls per reply, and the lag
 * between the model's final chunk and the thread showing the whole reply.
 */
import { streamText } from "../test/fakes/model/rules.js";
import { cpuDelta } from "./bridge-process.js";
import { tagOf } from "./model-proxy.js";
import { round, wallNow } from "./proc.js";
import { Rig } from "./rig.js";
import { SlackSessions } from "./slack-sessions.js";
import { type Summary, summarize } from "./stats.js";

export interface StreamingOptions {
  sessions?: number;
  /** Channels the sessions are spread over (Slack limits posts per channel). */
  channels?: number;
  deltas?: number;
  streamMs?: number;
}

export interface StreamingResult {
  platform: "slack" | "discord";
  sessions: number;
  channels: number;
  deltas: number;
  streamMs: number;
  completed: number;
  seconds: number;
  rateLimited: Record<string, number>;
  calls: Record<string, number>;
  callsPerReply: number;
  /** Model's final chunk → the thread shows the whole reply. */
  finalLagMs: Summary;
  /** `/copilot` sent → the reply's final text shown. */
  turnSeconds: Summary;
  bridgeCpuS: number;
}

export async function measureSlackStreaming(options: StreamingOptions = {}): Promise<StreamingResult> {
  const sessions = options.sessions ?? 100;
  const channels = options.channels ?? 20;
  const deltas = options.deltas ?? 40;
  const streamMs = options.streamMs ?? 8000;
  const lastWord = streamText(deltas).split(" ").at(-1) ?? "";
  const rig = await Rig.start();
  try {
    const { bridge } = await rig.startBridge();
    const slack = new SlackSessions(rig.slack);
    // Warm-up without limits: runtime start and JIT, not measured.
    const warm = [tagOf(9001), tagOf(9002)];
    const warmShown = warm.map((tag) => slack.expect(tag, (c) => c.includes("w0005"), 60_000));
    await slack.start(warm, (tag) => `STREAM: 5 200 ${tag}`, { channels: 1, batch: 2 });
    await Promise.all(warmShown);
    await new Promise((r) => setTimeout(r, 2000));

    rig.slack.setRateLimits(true);
    rig.slack.resetRateLimitStats();
    const tags = Array.from({ length: sessions }, (_, i) => tagOf(i + 1));
    const calls0 = slack.threadCalls;
    const u0 = bridge.usage();
    const t0 = wallNow();
    const shown = tags.map((tag) => slack.expect(tag, (c) => c.includes(lastWord), 300_000));
    await slack.start(tags, (tag) => `STREAM: ${deltas} ${streamMs} ${tag}`, { channels, batch: sessions });
    const at = await Promise.all(shown);
    const result = streamingResult({
      platform: "slack",
      options: { sessions, channels, deltas, streamMs },
      t0,
      at,
      finalOf: (i) => rig.proxy.finalAfter(tags[i] ?? "", t0),
      stats: rig.slack.rateLimitStats(),
      threadCalls: slack.threadCalls - calls0,
      bridgeCpuS: cpuDelta(u0, bridge.usage()).bridge,
    });
    await bridge.stop(30_000);
    return result;
  } finally {
    await rig.stop();
  }
}

/** One streaming round's result, from when each session's reply was shown and its model's final chunk. */
export function streamingResult(m: {
  platform: StreamingResult["platform"];
  options: Required<StreamingOptions>;
  t0: number;
  at: (number | undefined)[];
  finalOf: (i: number) => number | undefined;
  stats: { limited: Record<string, number>; calls: Record<string, number> };
  threadCalls: number;
  bridgeCpuS: number;
}): StreamingResult {
  const lags: number[] = [];
  const turns: number[] = [];
  m.at.forEach((seen, i) => {
    const final = m.finalOf(i);
    if (seen !== undefined) turns.push((seen - m.t0) / 1000);
    if (seen !== undefined && final !== undefined) lags.push(seen - final);
  });
  return {
    platform: m.platform,
    ...m.options,
    completed: turns.length,
    seconds: round((wallNow() - m.t0) / 1000, 1),
    rateLimited: m.stats.limited,
    calls: m.stats.calls,
    callsPerReply: round(m.threadCalls / m.options.sessions, 2),
    finalLagMs: summarize(lags),
    turnSeconds: summarize(turns),
    bridgeCpuS: m.bridgeCpuS,
  };
}

export function printStreaming(r: StreamingResult): void {
  const limited = Object.values(r.rateLimited).reduce((a, b) => a + b, 0);
  console.log(
    `\nStreaming on ${r.platform} under its documented rate limits: ${r.sessions} sessions at once in ` +
      `${r.channels} channels, ${r.deltas} deltas over ${r.streamMs} ms each`,
  );
  console.table({
    "429s received": limited,
    "replies completed": `${r.completed}/${r.sessions}`,
    "thread posts+edits per reply": r.callsPerReply,
    "final lag p50 (ms)": r.finalLagMs.p50,
    "final lag p95 (ms)": r.finalLagMs.p95,
    "final lag max (ms)": r.finalLagMs.max,
    "command → reply shown p50 (s)": r.turnSeconds.p50,
    "command → reply shown max (s)": r.turnSeconds.max,
    "bridge CPU (s)": r.bridgeCpuS,
  });
}
