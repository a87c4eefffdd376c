/**
 * Fills a rig's store with sessions without going through Slack, whose post budget (about 5 new
 * messages a second per workspace, which the bridge respects) would make 200 sessions take well over
 * a minute: each session is created in the runtime by an SDK client on the bridge's runtime home and
 * answers its first prompt (`ECHO: ok <tag>`), then gets the thread record the bridge writes for a
 * session started with `/copilot`. A bridge started on the store resumes them all.
 */

import { CopilotClient, type CopilotSession } from "@github/copilot-sdk";
import { slackThread } from "../adapters/slack/inbound.js";
import { silentLogger } from "../src/core/log.js";
import type { CardRecord, ThreadRecord } from "../src/core/vocabulary/records.js";
import { KeyvBridgeStore } from "../src/store/keyv-store.js";
import type { Rig } from "./rig.js";
import { BENCH_USER } from "./slack-sessions.js";

export interface SeededSession {
  tag: string;
  sessionId: string;
  channel: string;
  /** The thread's (header message's) ts. */
  ts: string;
}

/** Creates one runtime session per tag (25 at a time), each having answered `ECHO: ok <tag>`. */
export async function seedSessions(
  rig: Rig,
  tags: readonly string[],
  channels: number,
): Promise<SeededSession[]> {
  const client = new CopilotClient({
    baseDirectory: rig.runtimeHome,
    workingDirectory: rig.workdir,
    logLevel: "error",
    useLoggedInUser: false,
  });
  await client.start();
  const opened: CopilotSession[] = [];
  const seeded: SeededSession[] = [];
  try {
    for (let i = 0; i < tags.length; i += 25) {
      await Promise.all(
        tags.slice(i, i + 25).map(async (tag, j) => {
          const session = await client.createSession({
            model: "fake-model",
            provider: { type: "openai", baseUrl: rig.proxy.baseUrl, apiKey: "fake-model-key" },
            streaming: true,
            workingDirectory: rig.workdir,
            onPermissionRequest: () => ({ kind: "no-result" }),
          });
          opened.push(session);
          await session.sendAndWait({ prompt: `ECHO: ok ${tag}` }, 60_000);
          seeded[i + j] = { tag, sessionId: session.sessionId, channel: `CB${(i + j) % channels}`, ts: "" };
        }),
      );
    }
  } finally {
    // The SDK's stop() detaches sessions one by one (~0.1 s each): detach them together first.
    await Promise.all(
      opened.map((s) =>
        s.disconnect().catch(() => {
          // The seed is written; a connection that will not close changes nothing.
        }),
      ),
    );
    await client.stop();
  }
  for (const s of seeded) s.ts = rig.slack.nextTs();
  return seeded;
}

/** Writes the thread records of `sessions` into the rig's store (the bridge must not be running). */
export async function writeRecords(rig: Rig, sessions: readonly SeededSession[]): Promise<void> {
  const store = KeyvBridgeStore.open(rig.storeUrl, silentLogger);
  const team = rig.slack.teamId;
  try {
    for (const s of sessions) {
      const record: ThreadRecord = {
        thread: slackThread(team, s.channel, s.ts),
        origin: { platform: "slack", channel: s.channel, workspace: team },
        title: `ECHO: ok ${s.tag}`,
        sessionId: s.sessionId,
        owner: { platform: "slack", id: BENCH_USER },
        header: { channel: s.channel, id: s.ts },
        workingDirectory: rig.workdir,
        mode: "interactive",
        state: "active",
        createdAt: Date.now(),
        queue: [],
      };
      await store.putThread(record);
    }
  } finally {
    await store.close();
  }
}

/**
 * Writes `count` sessions that have ended (thread records and one decided card each, as a month of
 * use leaves them) into the rig's store (the bridge must not be running). None needs the runtime.
 */
export async function writeEndedRecords(rig: Rig, count: number): Promise<void> {
  const store = KeyvBridgeStore.open(rig.storeUrl, silentLogger);
  const team = rig.slack.teamId;
  const at = Date.now() - 20 * 24 * 3600 * 1000;
  const one = async (i: number) => {
    const channel = `CE${i % 50}`;
    const ts = `1600000000.${String(i).padStart(6, "0")}`;
    const thread = slackThread(team, channel, ts);
    const record: ThreadRecord = {
      thread,
      origin: { platform: "slack", channel, workspace: team },
      title: `ended session ${i}`,
      sessionId: `ended-${i}`,
      owner: { platform: "slack", id: BENCH_USER },
      header: { channel, id: ts },
      workingDirectory: rig.workdir,
      mode: "interactive",
      state: "ended",
      createdAt: at,
      queue: [],
    };
    await store.putThread(record);
    const card: CardRecord = {
      requestId: `ended-request-${i}`,
      threadKey: thread.key,
      message: { channel, id: `${ts}1` },
      prompt: {
        kind: "permission",
        view: {
          kind: "shell",
          rawKind: "shell",
          title: "Run a shell command",
          command: "ls",
          canApproveForSession: false,
        },
      },
      state: {
        status: "decided",
        outcome: { kind: "permission", outcome: "approved" },
        surface: "thread",
        at,
      },
      createdAt: at,
    };
    await store.putCard(card);
  };
  try {
    for (let i = 0; i < count; i += 250) {
      await Promise.all(Array.from({ length: Math.min(250, count - i) }, (_, j) => one(i + j)));
    }
  } finally {
    await store.close();
  }
}
