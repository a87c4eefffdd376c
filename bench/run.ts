/**
 * `npm run bench`: measures the bridge against the fakes with the real Copilot runtime and prints a
 * table per scenario plus JSON (bench/results/latest.json). Not part of the test suite.
 *   BENCH_ONLY=latency,streaming,scale,overhead,restart,store,worktree,clicks   scenarios to run (default: all)
 *   BENCH_PROMPTS=N                                        permission prompts (default 500)
 * One scenario alone, with options: node --import tsx bench/run-one.ts <scenario> '<json>'.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { measureClicks, printClicks } from "./clicks.js";
import { measureOverhead, printOverhead } from "./overhead.js";
import { measurePromptLatency } from "./prompt-latency.js";
import { measureRestart, printRestart } from "./restart.js";
import { measureScale } from "./scale.js";
import { printScale } from "./scale-print.js";
import { summarize } from "./stats.js";
import { measureStoreGrowth, printStoreGrowth } from "./store-growth.js";
import { measureSlackStreaming, printStreaming } from "./streaming.js";
import { measureDiscordStreaming } from "./streaming-discord.js";
import { measureWorktree, printWorktree } from "./worktree.js";

const only = new Set(
  (process.env.BENCH_ONLY ?? "latency,streaming,scale,overhead,restart,store,worktree,clicks").split(","),
);
const prompts = Number(process.env.BENCH_PROMPTS ?? 500);
const started = Date.now();
const results: Record<string, unknown> = { at: new Date().toISOString(), node: process.version };

async function scenario(name: string, run: () => Promise<unknown>): Promise<void> {
  if (!only.has(name)) return;
  const t0 = Date.now();
  results[name] = await run();
  console.log(`(${name}: ${Math.round((Date.now() - t0) / 1000)} s)`);
}

await scenario("latency", async () => {
  await measurePromptLatency(3); // warm-up: runtime start and JIT
  const samples = await measurePromptLatency(prompts);
  const latencyMs = {
    "permission.requested → card posted": summarize(samples.card),
    "click sent → answer RPC called": summarize(samples.answer),
    "click handed to the core → answer RPC called": summarize(samples.core),
    "click sent → permission.completed": summarize(samples.click),
    "permission.completed → card finalised": summarize(samples.final),
  };
  console.log(`\nPrompt latency over ${prompts} prompts (ms)\n`);
  console.table(latencyMs);
  return { prompts, latencyMs };
});

await scenario("streaming", async () => {
  const slack = await measureSlackStreaming();
  printStreaming(slack);
  // Fewer sessions at once, for contrast: Slack's post budget (30 at once, then 5/s) keeps up.
  const slack24 = await measureSlackStreaming({ sessions: 24, channels: 24 });
  printStreaming(slack24);
  const discord = await measureDiscordStreaming();
  printStreaming(discord);
  return { slack, slack24, discord };
});

await scenario("scale", async () => {
  const r = await measureScale();
  printScale(r);
  return r;
});

await scenario("overhead", async () => {
  const r = await measureOverhead();
  printOverhead(r);
  return r;
});

await scenario("restart", async () => {
  const r = await measureRestart();
  printRestart(r);
  return r;
});

await scenario("store", async () => {
  const r = await measureStoreGrowth();
  printStoreGrowth(r);
  return r;
});

await scenario("worktree", async () => {
  const r = await measureWorktree();
  printWorktree(r);
  return r;
});

await scenario("clicks", async () => {
  const r = await measureClicks();
  printClicks(r);
  return r;
});

results.durationSeconds = Math.round((Date.now() - started) / 100) / 10;
const dir = join(import.meta.dirname, "results");
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, "latest.json"), `${JSON.stringify(results, null, 2)}\n`);
console.log(`\nwritten to bench/results/latest.json in ${results.durationSeconds} s`);
process.exit(0);
