/**
 * `npm run bench`: measures the bridge against the fakes with the real Copilot runtime and prints a
 * table plus JSON (bench/results/latest.json). Not part of the test suite.
 *   BENCH_PROMPTS=N  number of permission prompts (default 60)
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { measurePromptLatency } from "./prompt-latency.js";
import { summarize } from "./stats.js";

const prompts = Number(process.env.BENCH_PROMPTS ?? 60);
const started = Date.now();
// Warm-up: the first sessions pay for runtime start and JIT.
await measurePromptLatency(3);
const samples = await measurePromptLatency(prompts);
const results = {
  at: new Date().toISOString(),
  node: process.version,
  prompts,
  latencyMs: {
    "permission.requested → card posted": summarize(samples.card),
    "click → permission.completed": summarize(samples.click),
    "permission.completed → card finalised": summarize(samples.final),
  },
  durationSeconds: Math.round((Date.now() - started) / 100) / 10,
};
console.log(`\nPrompt latency over ${prompts} prompts (ms)\n`);
console.table(results.latencyMs);
const dir = join(import.meta.dirname, "results");
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, "latest.json"), `${JSON.stringify(results, null, 2)}\n`);
console.log(`\nwritten to bench/results/latest.json in ${results.durationSeconds} s`);
process.exit(0);
