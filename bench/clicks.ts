/**
 * What a person feels when they click a card's button: the real bridge process and runtime, the
 * fake Discord and Slack, the scripted model. `cards` sessions per platform (plus `warmup` not
 * counted) each ask to run `touch <file>`; once every card shows, the owner clicks "Approve once" on
 * them one after another, each after the previous session's turn ended.
 *  - Discord: click → the interaction's initial callback reaching the fake (and its type: 7 the card
 *    itself updated in that call, 6 a bare acknowledgement), click → the card showing "Approved once"
 *    without buttons, and REST calls per decision (edits of that card, callbacks and webhook calls
 *    of that click).
 *  - Slack: click → Bolt's ack, click → the card replaced without buttons, and per decision the
 *    rate-limited chat.update calls on that card and the response_url posts.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { type DiscordMessage, FakeDiscord, messageText } from "../test/fakes/discord/index.js";
import { FakeModel } from "../test/fakes/model/index.js";
import type { SlackMessage } from "../test/fakes/slack/index.js";
import { BridgeProcess } from "./bridge-process.js";
import { round, wallNow } from "./proc.js";
import { benchBridgeEnv, Rig } from "./rig.js";
import { type Summary, summarize } from "./stats.js";

export interface ClicksOptions {
  /** Cards measured per platform (default 50). */
  cards?: number;
  /** Cards clicked first and not counted (default 3). */
  warmup?: number;
  /** Sessions started at once while the cards are set up (default 10). */
  batch?: number;
  /** Default both. */
  platforms?: ("discord" | "slack")[];
}

export interface DiscordClicks {
  cards: number;
  /** Click → the interaction's initial callback at the fake. */
  callbackMs: Summary;
  /** Initial callback types seen (7 update, 6 deferred update…), with their counts. */
  callbackTypes: Record<string, number>;
  /** Click → the card shows "Approved once" without buttons. */
  decidedMs: Summary;
  /** PATCHes of the card + callbacks and webhook calls of the click, per decision. */
  restCallsPerDecision: Summary;
  restCalls: { cardEdits: number; callbacks: number; webhooks: number };
  /** Clicks whose card never showed its decision, or whose session's turn never ended, in time. */
  missed: { callback: number; decided: number; turnEnd: number };
  loadavg: { before: number[]; after: number[] };
  seconds: number;
}

export interface SlackClicks {
  cards: number;
  /** Click delivered → Bolt's ack back at the fake. */
  ackMs: Summary;
  /** Click delivered → the card replaced (its buttons gone). */
  replacedMs: Summary;
  /** chat.update calls on the card (Tier 3, rate-limited), per decision. */
  chatUpdatesPerDecision: Summary;
  /** response_url posts (not rate-limited), per decision. */
  responseUrlPostsPerDecision: Summary;
  calls: { chatUpdates: number; responseUrlPosts: number };
  /**
   * chat.update calls on any message while the counted clicks ran: what else draws on the Tier 3
   * budget (50/min) the bridge paces chat.update to.
   */
  chatUpdatesDuringClicks: number;
  missed: { replaced: number; turnEnd: number };
  loadavg: { before: number[]; after: number[] };
  seconds: number;
}

export interface ClicksResult {
  options: { cards: number; warmup: number };
  discord?: DiscordClicks;
  slack?: SlackClicks;
}

const DISCORD_USER = "200000000000000042";
const SLACK_USER = "UBENCH";
/** The scripted model's answer once the command ran: the session's turn is over. */
const TURN_END = "Tool bash result";

const load = (): number[] => loadavg().map((v) => round(v, 2));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Button {
  custom_id: string;
  label: string;
}

/** Every button of a Discord message, in action rows or nested in containers and sections. */
function discordButtons(m: DiscordMessage): Button[] {
  const out: Button[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === "object") {
      const o = node as Record<string, unknown>;
      if (o.type === 2 && typeof o.custom_id === "string")
        out.push({ custom_id: o.custom_id, label: String(o.label ?? "") });
      for (const v of Object.values(o)) if (typeof v === "object") walk(v);
    }
  };
  walk(m.components ?? []);
  return out;
}

function slackButtons(m: SlackMessage): { action_id: string; value: string }[] {
  const out: { action_id: string; value: string }[] = [];
  for (const block of (m.blocks ?? []) as { type?: string; elements?: unknown[] }[]) {
    if (block.type !== "actions") continue;
    for (const el of (block.elements ?? []) as { type?: string; action_id?: string; value?: string }[])
      if (el.type === "button") out.push({ action_id: el.action_id ?? "", value: el.value ?? "" });
  }
  return out;
}

export async function measureClicks(options: ClicksOptions = {}): Promise<ClicksResult> {
  const cards = options.cards ?? 50;
  const warmup = options.warmup ?? 3;
  const batch = options.batch ?? 10;
  const platforms = options.platforms ?? ["discord", "slack"];
  const result: ClicksResult = { options: { cards, warmup } };
  if (platforms.includes("discord")) result.discord = await measureDiscordClicks(cards, warmup, batch);
  if (platforms.includes("slack")) result.slack = await measureSlackClicks(cards, warmup, batch);
  return result;
}

async function measureDiscordClicks(cards: number, warmup: number, batch: number): Promise<DiscordClicks> {
  const total = cards + warmup;
  const dir = mkdtempSync(join(tmpdir(), "ccb-bench-clicks-"));
  const discord = await FakeDiscord.start({ textChannels: 5 });
  const model = await FakeModel.start();
  const bridge = BridgeProcess.start(
    benchBridgeEnv(dir, model.baseUrl, {
      DISCORD_BOT_TOKEN: discord.token,
      DISCORD_API_URL: discord.apiUrl,
      DISCORD_COMMAND_GUILDS: discord.guildId,
    }),
    join(dir, "probe.jsonl"),
  );
  // Every REST call, stamped when the fake has handled it, on the bench's clock (the path decoded:
  // an interaction token's `:` arrives as %3A).
  const calls: { method: string; path: string; at: number }[] = [];
  const off = discord.onCall((c) => {
    calls.push({ method: c.method, path: decodeURIComponent(c.path), at: wallNow() });
  });
  try {
    await discord.waitFor(() => discord.identifies > 0, {
      timeoutMs: 30_000,
      what: "the bridge to identify",
    });
    await discord.whenReady();
    const ids = discord.channelIds;
    // One session per card: a mention opens a thread (its id is the mention's) with the card in it.
    const threads: string[] = [];
    for (let i = 0; i < total; i += batch) {
      const started = await Promise.all(
        Array.from({ length: Math.min(batch, total - i) }, (_, j) =>
          discord.sendMessage({
            author_id: DISCORD_USER,
            channel_id: ids[(i + j) % ids.length] ?? "",
            content: `RUN: touch click-d${i + j}`,
            mention_bot: true,
          }),
        ),
      );
      threads.push(...started.map((m) => m.id));
      await Promise.all(started.map((m) => discordCard(discord, m.id)));
    }
    const shown = await Promise.all(threads.map((t) => discordCard(discord, t)));
    await sleep(1000);

    const t0 = wallNow();
    const before = load();
    const callbackMs: number[] = [];
    const decidedMs: number[] = [];
    const perDecision: number[] = [];
    const types: Record<string, number> = {};
    const totals = { cardEdits: 0, callbacks: 0, webhooks: 0 };
    const missed = { callback: 0, decided: 0, turnEnd: 0 };
    for (const [n, card] of shown.entries()) {
      const custom_id = discordButtons(card).find((b) => b.label === "Approve once")?.custom_id;
      if (custom_id === undefined) throw new Error(`no "Approve once" button on card ${card.id}`);
      const from = calls.length;
      const clickAt = wallNow();
      const handle = await discord.clickButton({ user_id: DISCORD_USER, message_id: card.id, custom_id });
      const callbackPath = `/interactions/${handle.interactionId}/${handle.token}/callback`;
      const callbackAt = discord
        .waitFor(() => calls.slice(from).find((c) => c.path === callbackPath)?.at, {
          timeoutMs: 10_000,
          what: "the click's callback",
        })
        .catch(() => undefined);
      const decidedAt = discord
        .waitFor(
          () => discordButtons(card).length === 0 && /Approved once/.test(messageText(card)) && wallNow(),
          {
            timeoutMs: 20_000,
            what: "the card to show its decision",
          },
        )
        .catch(() => undefined);
      const [cb, decided] = await Promise.all([callbackAt, decidedAt]);
      const ended = await discord
        .waitFor(
          () =>
            discord
              .channelMessages(card.channel_id)
              .some((m) => m.author.bot && messageText(m).includes(TURN_END)),
          { timeoutMs: 20_000, what: "the turn to end" },
        )
        .catch(() => false);
      await sleep(100);
      if (n < warmup) continue;
      if (cb !== undefined) callbackMs.push(cb - clickAt);
      else missed.callback++;
      if (decided !== undefined) decidedMs.push(decided - clickAt);
      else missed.decided++;
      if (!ended) missed.turnEnd++;
      const reply = discord.interactionReplies.find((r) => r.interactionId === handle.interactionId);
      const type = String(reply?.type ?? "none");
      types[type] = (types[type] ?? 0) + 1;
      // Calls since the click (the previous session's turn is over): the card's edits, the click's
      // callback, and webhook calls with its token (follow-ups, edits of the original response).
      const mine = calls.slice(from);
      const cardEdits = mine.filter(
        (c) => c.method === "PATCH" && c.path === `/channels/${card.channel_id}/messages/${card.id}`,
      ).length;
      const callbacks = mine.filter((c) => c.path === callbackPath).length;
      const webhooks = mine.filter(
        (c) => c.path.startsWith("/webhooks/") && c.path.includes(handle.token),
      ).length;
      totals.cardEdits += cardEdits;
      totals.callbacks += callbacks;
      totals.webhooks += webhooks;
      perDecision.push(cardEdits + callbacks + webhooks);
    }
    return {
      cards,
      callbackMs: summarize(callbackMs),
      callbackTypes: types,
      decidedMs: summarize(decidedMs),
      restCallsPerDecision: summarize(perDecision),
      restCalls: totals,
      missed,
      loadavg: { before, after: load() },
      seconds: round((wallNow() - t0) / 1000, 1),
    };
  } finally {
    off();
    await bridge.stop(30_000).catch(() => {
      // Tearing down after the measurement: a failure here changes no number.
    });
    await model.stop();
    await discord.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The card in a session's thread: a bot message with an "Approve once" button. */
function discordCard(discord: FakeDiscord, thread: string): Promise<DiscordMessage> {
  return discord.waitFor(
    () =>
      discord
        .channelMessages(thread)
        .find((m) => m.author.bot && discordButtons(m).some((b) => b.label === "Approve once")),
    { timeoutMs: 120_000, what: `the card in thread ${thread}` },
  );
}

async function measureSlackClicks(cards: number, warmup: number, batch: number): Promise<SlackClicks> {
  const total = cards + warmup;
  const rig = await Rig.start();
  const slack = rig.slack;
  const updates: { ts: string; at: number }[] = [];
  const off = slack.onCall((c) => {
    if (c.method === "chat.update") updates.push({ ts: String(c.args.ts), at: wallNow() });
  });
  try {
    await rig.startBridge();
    const isCard = (m: SlackMessage) => slackButtons(m).some((b) => b.action_id === "perm.once");
    const channels = 10;
    for (let i = 0; i < total; i += batch) {
      const size = Math.min(batch, total - i);
      await Promise.all(
        Array.from({ length: size }, (_, j) =>
          slack.sendSlashCommand(
            {
              user_id: SLACK_USER,
              channel_id: `CK${(i + j) % channels}`,
              text: `RUN: touch click-s${i + j}`,
            },
            { ackTimeoutMs: 30_000 },
          ),
        ),
      );
      await slack.waitFor(() => slack.messages.filter(isCard).length >= i + size, {
        timeoutMs: 120_000,
        what: `${i + size} cards`,
      });
    }
    const shown = slack.messages.filter(isCard);
    await sleep(1000);

    const t0 = wallNow();
    const before = load();
    const ackMs: number[] = [];
    const replacedMs: number[] = [];
    const updatesPer: number[] = [];
    const responsesPer: number[] = [];
    const totals = { chatUpdates: 0, responseUrlPosts: 0 };
    const missed = { replaced: 0, turnEnd: 0 };
    let updatesFrom = updates.length;
    for (const [n, card] of shown.entries()) {
      if (n === warmup) updatesFrom = updates.length;
      const button = slackButtons(card).find((b) => b.action_id === "perm.once");
      if (button === undefined) throw new Error(`no perm.once button on card ${card.ts}`);
      const fromUpdates = updates.length;
      const fromResponses = slack.responses.length;
      const clickAt = wallNow();
      const replacedAt = slack
        .waitFor(() => slackButtons(card).length === 0 && wallNow(), {
          timeoutMs: 20_000,
          what: "the card to be replaced",
        })
        .catch(() => undefined);
      const acked = slack
        .sendBlockAction(
          {
            user_id: SLACK_USER,
            channel_id: card.channel,
            message_ts: card.ts,
            ...(card.thread_ts ? { thread_ts: card.thread_ts } : {}),
            action_id: button.action_id,
            value: button.value,
          },
          { ackTimeoutMs: 10_000 },
        )
        .then(() => wallNow());
      const [ackAt, replaced] = await Promise.all([acked, replacedAt]);
      const thread = card.thread_ts ?? card.ts;
      const ended = await slack
        .waitFor(
          () =>
            slack
              .thread(card.channel, thread)
              .some((m) => m !== card && JSON.stringify(m).includes(TURN_END)),
          { timeoutMs: 20_000, what: "the turn to end" },
        )
        .catch(() => false);
      await sleep(100);
      if (n < warmup) continue;
      ackMs.push(ackAt - clickAt);
      if (replaced !== undefined) replacedMs.push(replaced - clickAt);
      else missed.replaced++;
      if (!ended) missed.turnEnd++;
      const chatUpdates = updates.slice(fromUpdates).filter((u) => u.ts === card.ts).length;
      const posts = slack.responses.length - fromResponses;
      totals.chatUpdates += chatUpdates;
      totals.responseUrlPosts += posts;
      updatesPer.push(chatUpdates);
      responsesPer.push(posts);
    }
    return {
      cards,
      ackMs: summarize(ackMs),
      replacedMs: summarize(replacedMs),
      chatUpdatesPerDecision: summarize(updatesPer),
      responseUrlPostsPerDecision: summarize(responsesPer),
      calls: totals,
      chatUpdatesDuringClicks: updates.length - updatesFrom,
      missed,
      loadavg: { before, after: load() },
      seconds: round((wallNow() - t0) / 1000, 1),
    };
  } finally {
    off();
    await rig.stop();
  }
}

const row = (s: Summary) => ({ n: s.n, p50: s.p50, p95: s.p95, max: s.max });

export function printClicks(r: ClicksResult): void {
  const { cards, warmup } = r.options;
  if (r.discord) {
    const d = r.discord;
    console.log(
      `\nClicks on Discord: "Approve once" on ${cards} cards one after another (${warmup} warm-up clicks ` +
        `not counted); load ${d.loadavg.before.join(" ")} → ${d.loadavg.after.join(" ")}`,
    );
    console.table({
      "click → initial callback (ms)": row(d.callbackMs),
      "click → card shows decision (ms)": row(d.decidedMs),
      "REST calls per decision": row(d.restCallsPerDecision),
    });
    const types = Object.entries(d.callbackTypes)
      .map(([t, n]) => `type ${t} ×${n}`)
      .join(", ");
    console.log(
      `callbacks: ${types}; calls: ${d.restCalls.cardEdits} card edits, ${d.restCalls.callbacks} callbacks, ` +
        `${d.restCalls.webhooks} webhook calls; missed: ${d.missed.callback} callbacks, ${d.missed.decided} decisions, ` +
        `${d.missed.turnEnd} turn ends`,
    );
  }
  if (r.slack) {
    const s = r.slack;
    console.log(
      `\nClicks on Slack: "Approve once" on ${cards} cards one after another (${warmup} warm-up clicks ` +
        `not counted); load ${s.loadavg.before.join(" ")} → ${s.loadavg.after.join(" ")}`,
    );
    console.table({
      "click → Bolt's ack (ms)": row(s.ackMs),
      "click → card replaced (ms)": row(s.replacedMs),
      "chat.update per decision (rate-limited)": row(s.chatUpdatesPerDecision),
      "response_url posts per decision": row(s.responseUrlPostsPerDecision),
    });
    console.log(
      `calls: ${s.calls.chatUpdates} chat.update on the cards (${s.chatUpdatesDuringClicks} on any message ` +
        `during the clicks), ${s.calls.responseUrlPosts} response_url posts; ` +
        `missed: ${s.missed.replaced} replacements, ${s.missed.turnEnd} turn ends`,
    );
  }
}
