import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { FakeDiscord } from "../fakes/discord/index.js";
import { FakeModel } from "../fakes/model/index.js";
import { FakeSlack, type SlackMessage, type SlackTypedText } from "../fakes/slack/index.js";
import { waitForRuntimeRequest } from "./runtime.js";
import { buttonsOf, visible } from "./slack-message.js";
import { waitForCardRecord } from "./store-file.js";

export { type ButtonInfo, buttonsOf, cardRequestId, visible } from "./slack-message.js";

const root = resolve(import.meta.dirname, "../..");

/** The command `npm start` runs, read from package.json so the tests start the bridge as users do. */
function startCommand(): string[] {
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { scripts: { start: string } };
  return pkg.scripts.start.split(/\s+/);
}

export interface BridgeHarnessOptions {
  env?: Record<string, string>;
  /** Which platforms the bridge serves (default: Slack only). */
  platforms?: ("slack" | "discord")[];
  /** Roles that exist in the fake Discord guild. */
  discordRoles?: string[];
  /** Slack HTTP mode instead of Socket Mode. */
  http?: boolean;
  /**
   * Launch without `COPILOT_PROVIDER_TYPE/BASE_URL/API_KEY`: no bring-your-own-key provider, so the
   * runtime's model is the Copilot API its GitHub sign-in points at (`COPILOT_MODEL` stays `fake-model`).
   */
  noProvider?: boolean;
  /** Runs once the harness's fakes exist (`h.model` included), before the bridge's first launch. */
  beforeLaunch?: (h: BridgeHarness) => void | Promise<void>;
}

/** A bridge process against a fake Slack and a scripted model, with the real Copilot runtime between. */
export class BridgeHarness {
  readonly dir = mkdtempSync(join(tmpdir(), "ccb-e2e-"));
  readonly workdir = join(this.dir, "work");
  readonly output: string[] = [];
  private child: ChildProcess | undefined;
  private exited: Promise<number | null> = Promise.resolve(null);
  private httpPort = 0;
  /** Set by `setEnv`: the environment of later launches. */
  private laterEnv: Record<string, string> = {};

  private constructor(
    readonly slack: FakeSlack,
    private readonly fakeDiscord: FakeDiscord | undefined,
    readonly model: FakeModel,
    private readonly options: BridgeHarnessOptions,
  ) {}

  static async start(options: BridgeHarnessOptions = {}): Promise<BridgeHarness> {
    const slack = await FakeSlack.start();
    const discord = options.platforms?.includes("discord")
      ? await FakeDiscord.start({ ownerRoleIds: options.discordRoles ?? [] })
      : undefined;
    const model = await FakeModel.start();
    const h = new BridgeHarness(slack, discord, model, options);
    mkdirSync(h.workdir, { recursive: true });
    if (options.http) {
      h.httpPort = await freePort();
      slack.httpTarget = `http://127.0.0.1:${h.httpPort}/slack/events`;
    }
    try {
      await options.beforeLaunch?.(h);
      await h.launch();
    } catch (error) {
      await h.stop();
      throw error;
    }
    return h;
  }

  get discord(): FakeDiscord {
    if (!this.fakeDiscord) throw new Error("this harness does not serve Discord");
    return this.fakeDiscord;
  }

  private serves(platform: "slack" | "discord"): boolean {
    return (this.options.platforms ?? ["slack"]).includes(platform);
  }

  env(): Record<string, string> {
    return {
      PATH: process.env.PATH ?? "",
      HOME: this.dir,
      ...(this.serves("slack")
        ? {
            SLACK_BOT_TOKEN: this.slack.botToken,
            SLACK_APP_TOKEN: this.slack.appToken,
            SLACK_API_URL: this.slack.apiUrl,
          }
        : {}),
      ...(this.fakeDiscord
        ? {
            DISCORD_BOT_TOKEN: this.fakeDiscord.token,
            DISCORD_API_URL: this.fakeDiscord.apiUrl,
            DISCORD_COMMAND_GUILDS: this.fakeDiscord.guildId,
          }
        : {}),
      ...(this.options.noProvider
        ? {}
        : {
            COPILOT_PROVIDER_TYPE: "openai",
            COPILOT_PROVIDER_BASE_URL: this.model.baseUrl,
            COPILOT_PROVIDER_API_KEY: "test-key",
          }),
      COPILOT_MODEL: "fake-model",
      COPILOT_HOME: join(this.dir, "copilot-home"),
      BRIDGE_WORKDIR: this.workdir,
      BRIDGE_STORE_URL: `sqlite://${join(this.dir, "bridge.sqlite")}`,
      BRIDGE_DATA_DIR: join(this.dir, "data"),
      BRIDGE_STREAM_INTERVAL_MS: "150",
      // Tests put every session in one channel, where Slack's documented 1 post/s would pace them
      // all; slack-rate-limits.test.ts runs with the budget on against a fake enforcing the limits.
      BRIDGE_RATE_LIMITS: "off",
      LOG_LEVEL: "debug",
      ...(this.options.http
        ? {
            SLACK_MODE: "http",
            SLACK_SIGNING_SECRET: this.slack.signingSecret,
            SLACK_PORT: String(this.httpPort),
          }
        : {}),
      ...this.options.env,
      ...this.laterEnv,
    };
  }

  /** Changes the environment of the next launches (a restart on another store file, say). */
  setEnv(vars: Record<string, string>): void {
    this.laterEnv = { ...this.laterEnv, ...vars };
  }

  /** Starts the bridge and waits until it serves (Socket Mode connected, or the HTTP port answering). */
  async launch(): Promise<void> {
    const [cmd, ...args] = startCommand();
    const before = this.slack.socketConnections;
    const from = this.output.length;
    const env = this.env();
    if (this.options.http) delete env.SLACK_APP_TOKEN;
    const child = spawn(cmd ?? "node", args, { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
    this.child = child;
    const collect = (chunk: Buffer) =>
      this.output.push(...chunk.toString("utf8").split("\n").filter(Boolean));
    child.stdout?.on("data", collect);
    child.stderr?.on("data", collect);
    this.exited = new Promise((done) => child.on("exit", (code) => done(code)));
    const identified = this.fakeDiscord?.identifies ?? 0;
    const ready: Promise<unknown>[] = [];
    if (this.options.http) {
      ready.push(
        this.slack.waitFor(
          () => this.output.slice(from).some((l) => l.includes("copilot-chat-bridge is serving")),
          {
            timeoutMs: 20_000,
            what: "the bridge to serve HTTP",
          },
        ),
      );
    } else if (this.serves("slack")) {
      ready.push(
        this.slack.waitFor(() => this.slack.socketConnections > before, {
          timeoutMs: 20_000,
          what: "the bridge to connect over Socket Mode",
        }),
      );
    }
    const discord = this.fakeDiscord;
    if (discord) {
      ready.push(
        discord.waitFor(() => discord.identifies > identified, {
          timeoutMs: 20_000,
          what: "the bridge to identify",
        }),
        this.slack.waitFor(
          () => this.output.slice(from).some((l) => l.includes("copilot-chat-bridge is serving")),
          {
            timeoutMs: 20_000,
            what: "the bridge to serve",
          },
        ),
      );
    }
    const died = this.exited.then((code) => {
      throw new Error(`bridge exited (${code}) before serving:\n${this.output.join("\n")}`);
    });
    await Promise.race([Promise.all(ready), died]);
    if (this.serves("slack") && !this.options.http) await this.slack.whenSocketConnected();
    if (discord) await discord.whenReady();
  }

  /** Kills the bridge with SIGKILL (nothing gets to clean up) and starts it again. */
  async crashAndRestart(): Promise<void> {
    await this.crashAndRestartWith(() => undefined);
  }

  /** Like `crashAndRestart`, doing `meanwhile` while the bridge is down (e.g. losing the runtime's state). */
  async crashAndRestartWith(meanwhile: () => void): Promise<void> {
    this.child?.kill("SIGKILL");
    await this.exited;
    this.slack.dropSockets();
    meanwhile();
    await this.launch();
  }

  /** Kills the bridge's Copilot runtime with SIGKILL (the bridge itself lives on and must reconnect). */
  killRuntime(): number {
    const rows = execFileSync("ps", ["-eo", "pid=,ppid=,args="], { encoding: "utf8" })
      .split("\n")
      .map((line) => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => ({ pid: Number(m[1]), ppid: Number(m[2]), args: m[3] ?? "" }));
    const ours = new Set([this.child?.pid ?? -1]);
    for (let grew = true; grew; ) {
      grew = false;
      for (const row of rows) {
        if (ours.has(row.ppid) && !ours.has(row.pid)) {
          ours.add(row.pid);
          grew = true;
        }
      }
    }
    const runtime = rows.find((r) => ours.has(r.pid) && /copilot-runtime|copilot-sdk/.test(r.args));
    if (!runtime) throw new Error("the bridge has no Copilot runtime process");
    process.kill(runtime.pid, "SIGKILL");
    return runtime.pid;
  }

  async stop(): Promise<void> {
    if (this.child && this.child.exitCode === null) {
      this.child.kill("SIGTERM");
      const timer = setTimeout(() => this.child?.kill("SIGKILL"), 5000);
      await this.exited;
      clearTimeout(timer);
    }
    await this.slack.stop();
    await this.fakeDiscord?.stop();
    await this.model.stop();
    // A runtime killed with its bridge may still be closing files: retry briefly.
    rmSync(this.dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  }

  /** Runs `/copilot <text>` as `user` and returns the header message that opened the thread. */
  async startSession(user: string, text: string, channel = "C0001"): Promise<SlackMessage> {
    const before = this.slack.messages.length;
    await this.slack.sendSlashCommand({ user_id: user, channel_id: channel, text });
    return this.slack.waitFor(
      () => this.slack.messages.slice(before).find((m) => m.channel === channel && !m.thread_ts),
      { what: "the session header" },
    );
  }

  /** Replies in the thread, waiting for a reply whose text matches. */
  waitForReply(
    header: SlackMessage,
    match: RegExp,
    what = `a reply matching ${match}`,
  ): Promise<SlackMessage> {
    return this.slack.waitFor(
      () => this.slack.thread(header.channel, header.ts).find((m) => match.test(visible(m))),
      {
        what,
        timeoutMs: 20_000,
      },
    );
  }

  /** `user` writes `text` in the thread under `header`. */
  /** `text` is what the user typed; entities (mentions, links) as `slackEntity` parts. */
  say(header: SlackMessage, user: string, text: SlackTypedText): Promise<unknown> {
    return this.slack.sendEvent({
      type: "message",
      channel: header.channel,
      user,
      text,
      ts: this.slack.nextTs(),
      thread_ts: header.ts,
    });
  }

  /**
   * A barrier in the thread under `header`: `user` says `text` and this resolves once the model's
   * answer to it shows. The bridge takes a thread's messages in order and posts in order, so what
   * earlier events did there (an edit, a post, a model request) is done by then. `posts` are the
   * thread's messages for `text`: its answer and, if a turn was still ending, its queue notice.
   */
  async barrier(
    header: SlackMessage,
    user: string,
    text: string,
  ): Promise<{ answer: SlackMessage; posts: SlackMessage[] }> {
    const from = this.slack.thread(header.channel, header.ts).length;
    await this.say(header, user, text);
    const answer = await this.waitForReply(header, new RegExp(`You said: ${escapeRegExp(text)}`));
    const posts = this.slack
      .thread(header.channel, header.ts)
      .slice(from)
      .filter((m) => m === answer || /^(⏳|📨) .*queued/.test(visible(m)));
    return { answer, posts };
  }

  /** Waits for a message in the thread with a button labelled `label` (other than `except`). */
  waitForButton(header: SlackMessage, label: string, except?: SlackMessage): Promise<SlackMessage> {
    return this.slack.waitFor(
      () =>
        this.slack
          .thread(header.channel, header.ts)
          .find((m) => m.ts !== except?.ts && buttonsOf(m).some((b) => b.text === label)),
      { what: `a message with a "${label}" button`, timeoutMs: 20_000 },
    );
  }

  /** Waits for the permission card in the thread (a message with buttons). */
  waitForCard(header: SlackMessage, nth = 0): Promise<SlackMessage> {
    return this.slack.waitFor(
      () =>
        this.slack
          .thread(header.channel, header.ts)
          .filter((m) => buttonsOf(m).length > 0 || /🔐/.test(visible(m)))[nth],
      { what: `permission card #${nth + 1}`, timeoutMs: 20_000 },
    );
  }

  async click(user: string, card: SlackMessage, action: string): Promise<void> {
    const button = buttonsOf(card).find((b) => b.action_id === action);
    if (!button) throw new Error(`no ${action} button on the card: ${visible(card)}`);
    await this.slack.sendBlockAction({
      user_id: user,
      channel_id: card.channel,
      message_ts: card.ts,
      ...(card.thread_ts ? { thread_ts: card.thread_ts } : {}),
      action_id: action,
      value: button.value,
    });
  }

  logs(): string {
    return this.output.join("\n");
  }

  /**
   * Resolves once the card for `requestId` is recorded by the bridge (in its store, with the message
   * it was posted as) and, for a permission, by its bundled runtime (in the session's event log; a
   * question, a plan or a form dies with the runtime): a crash from then on finds what survives. Both
   * are written just after the card shows: a crash before the bridge's may post the card again, one
   * before the runtime's finds no session to resume.
   */
  async cardSaved(requestId: string): Promise<void> {
    const card = await waitForCardRecord(this, requestId);
    const home = join(this.dir, "copilot-home");
    if (card.prompt.kind === "permission") await waitForRuntimeRequest(home, requestId);
    // A question, plan or form dies with the runtime, but its session must be on disk to be resumed:
    // the tool call that asked is written once the session is.
    else if (card.toolCallId) await waitForRuntimeRequest(home, card.toolCallId, "toolCallId");
  }

  /** Waits for a line of the bridge's log (from the `from`-th on) matching `match`: an event it reports. */
  waitForLog(
    match: RegExp,
    opts: { from?: number; what?: string; timeoutMs?: number } = {},
  ): Promise<string> {
    const { from = 0, timeoutMs = 20_000 } = opts;
    const what = opts.what ?? `a log line matching ${match}`;
    return this.slack
      .waitFor(() => this.output.slice(from).find((l) => match.test(l)), { what, timeoutMs })
      .catch((error: unknown) => {
        const tail = this.output.slice(from).slice(-25).join("\n");
        throw new Error(`no log line matching ${match} (${what}); the log since:\n${tail}`, { cause: error });
      });
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => done(typeof address === "object" && address ? address.port : 0));
    });
  });
}
