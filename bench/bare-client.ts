/**
 * A bare Copilot SDK client with no chat behind it, forked by bench/overhead.ts so that its CPU is its
 * own: the same sessions and turns the bridge runs, doing nothing but count events and timestamp
 * them (wall ms, comparable with the parent's). It says {op: "ready"} once its runtime runs; then
 * parent → child messages:
 *   {op: "create", tags}   a session per tag, each answering `ECHO: ok <tag>` once → {op: "created"}
 *   {op: "turn", prompt}   `prompt` in every session at once → {op: "turned", turns: {tag: Turn}}
 *   {op: "stop"}           stops the client and exits
 * Environment: BENCH_HOME (runtime home), BENCH_WORKDIR, BENCH_MODEL_URL (BYOK base URL).
 */
import { CopilotClient, type CopilotSession } from "@github/copilot-sdk";
import { wallNow } from "./proc.js";

export interface BareTurn {
  /** Events delivered to onEvent during the turn (ephemeral ones included). */
  events: number;
  /** `assistant.message` (the whole reply) and `session.idle`, wall ms. */
  messageAt?: number;
  idleAt?: number;
}

export type ParentMessage =
  | { op: "create"; tags: string[] }
  | { op: "turn"; prompt: string }
  | { op: "stop" };
export type ChildMessage =
  | { op: "ready" }
  | { op: "created" }
  | { op: "turned"; turns: Record<string, BareTurn> };

interface Live {
  session?: CopilotSession;
  turn: BareTurn;
  idle?: () => void;
}

const env = process.env;
const client = new CopilotClient({
  baseDirectory: env.BENCH_HOME ?? "",
  workingDirectory: env.BENCH_WORKDIR ?? process.cwd(),
  logLevel: "error",
  useLoggedInUser: false,
});
const live = new Map<string, Live>();

async function open(tag: string): Promise<void> {
  const entry: Live = { turn: { events: 0 } };
  entry.session = await client.createSession({
    model: "fake-model",
    provider: { type: "openai", baseUrl: env.BENCH_MODEL_URL ?? "", apiKey: "fake-model-key" },
    streaming: true,
    workingDirectory: env.BENCH_WORKDIR ?? process.cwd(),
    onPermissionRequest: () => ({ kind: "no-result" }),
    onEvent: (event) => {
      entry.turn.events++;
      if (event.type === "assistant.message") entry.turn.messageAt = wallNow();
      if (event.type === "session.idle") {
        entry.turn.idleAt = wallNow();
        entry.idle?.();
      }
    },
  });
  live.set(tag, entry);
  await turn(entry, `ECHO: ok ${tag}`);
}

async function turn(entry: Live, prompt: string): Promise<BareTurn> {
  entry.turn = { events: 0 };
  const idle = new Promise<void>((done) => {
    entry.idle = done;
  });
  await entry.session?.send({ prompt });
  await idle;
  return entry.turn;
}

const reply = (message: ChildMessage) => process.send?.(message);

process.on("message", (raw) => {
  const message = raw as ParentMessage;
  void (async () => {
    if (message.op === "create") {
      for (let i = 0; i < message.tags.length; i += 25) {
        await Promise.all(message.tags.slice(i, i + 25).map(open));
      }
      reply({ op: "created" });
    } else if (message.op === "turn") {
      const entries = [...live.entries()];
      const done = await Promise.all(entries.map(([, entry]) => turn(entry, message.prompt)));
      reply({
        op: "turned",
        turns: Object.fromEntries(entries.map(([tag], i) => [tag, done[i] as BareTurn])),
      });
    } else {
      await client.stop().catch(() => {
        // Tearing down after the measurement: a failure here changes no number.
      });
      process.exit(0);
    }
  })();
});

await client.start();
reply({ op: "ready" });
