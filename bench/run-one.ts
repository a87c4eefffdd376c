/**
 * Runs one benchmark scenario on its own and prints its table and JSON (for trying a scenario
 * without the whole `npm run bench`):
 *   node --import tsx bench/run-one.ts scale|overhead|restart|store|streaming|streaming-discord|worktree|clicks ['{"levels":[20,40]}']
 * The optional second argument is the scenario's options as JSON. To profile the bridge processes:
 *   BENCH_BRIDGE_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" node --import tsx bench/run-one.ts overhead
 */
import { measureClicks, printClicks } from "./clicks.js";
import { measureOverhead, printOverhead } from "./overhead.js";
import { measureRestart, printRestart } from "./restart.js";
import { measureScale, printScale } from "./scale.js";
import { measureStoreGrowth, printStoreGrowth } from "./store-growth.js";
import { measureSlackStreaming, printStreaming } from "./streaming.js";
import { measureDiscordStreaming } from "./streaming-discord.js";
import { measureWorktree, printWorktree } from "./worktree.js";

const [name = "", raw = "{}"] = process.argv.slice(2);
const options = JSON.parse(raw) as Record<string, never>;
const scenarios: Record<string, () => Promise<unknown>> = {
  scale: async () => {
    const r = await measureScale(options);
    printScale(r);
    return r;
  },
  overhead: async () => {
    const r = await measureOverhead(options);
    printOverhead(r);
    return r;
  },
  streaming: async () => {
    const r = await measureSlackStreaming(options);
    printStreaming(r);
    return r;
  },
  "streaming-discord": async () => {
    const r = await measureDiscordStreaming(options);
    printStreaming(r);
    return r;
  },
  restart: async () => {
    const r = await measureRestart(options);
    printRestart(r);
    return r;
  },
  store: async () => {
    const r = await measureStoreGrowth(options);
    printStoreGrowth(r);
    return r;
  },
  worktree: async () => {
    const r = await measureWorktree(options);
    printWorktree(r);
    return r;
  },
  clicks: async () => {
    const r = await measureClicks(options);
    printClicks(r);
    return r;
  },
};
const run = scenarios[name];
if (!run) {
  console.error(
    `usage: node --import tsx bench/run-one.ts ${Object.keys(scenarios).join("|")} [options-json]`,
  );
  process.exit(2);
}
const result = await run();
console.log(`\n${JSON.stringify(result, null, 2)}`);
process.exit(0);
