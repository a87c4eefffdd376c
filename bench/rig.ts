/**
 * What every scenario runs against: the fake Slack, the scripted model behind a timestamping proxy,
 * and a temp directory holding the bridge's store and runtime home (kept across bridge restarts).
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FakeModel } from "../test/fakes/model/index.js";
import { FakeSlack } from "../test/fakes/slack/index.js";
import { BridgeProcess, type Loader } from "./bridge-process.js";
import { ModelProxy } from "./model-proxy.js";
import { wallNow } from "./proc.js";

/**
 * A bridge's environment for a bench: `platform` (its tokens and URLs), the BYOK provider at
 * `modelUrl`, and its store, runtime home and working directory under `dir` (as Rig lays them out).
 */
export function benchBridgeEnv(
  dir: string,
  modelUrl: string,
  platform: Record<string, string>,
): Record<string, string> {
  const workdir = join(dir, "work");
  mkdirSync(workdir, { recursive: true });
  return {
    PATH: process.env.PATH ?? "",
    HOME: dir,
    ...platform,
    COPILOT_PROVIDER_TYPE: "openai",
    COPILOT_PROVIDER_BASE_URL: modelUrl,
    COPILOT_PROVIDER_API_KEY: "fake-model-key",
    COPILOT_MODEL: "fake-model",
    COPILOT_HOME: join(dir, "copilot-home"),
    BRIDGE_WORKDIR: workdir,
    BRIDGE_STORE_URL: `sqlite://${join(dir, "bridge.sqlite")}`,
    BRIDGE_DATA_DIR: join(dir, "data"),
    LOG_LEVEL: "info",
  };
}

export class Rig {
  readonly workdir: string;
  /** The bridge's runtime home (COPILOT_HOME) and store, kept across bridge restarts. */
  readonly runtimeHome: string;
  readonly storeUrl: string;
  private launches = 0;
  private bridges: BridgeProcess[] = [];

  private constructor(
    readonly dir: string,
    readonly slack: FakeSlack,
    readonly model: FakeModel,
    readonly proxy: ModelProxy,
  ) {
    this.workdir = join(dir, "work");
    this.runtimeHome = join(dir, "copilot-home");
    this.storeUrl = `sqlite://${join(dir, "bridge.sqlite")}`;
    mkdirSync(this.workdir, { recursive: true });
  }

  static async start(): Promise<Rig> {
    const dir = mkdtempSync(join(tmpdir(), "ccb-bench-"));
    const slack = await FakeSlack.start();
    const model = await FakeModel.start();
    const proxy = await ModelProxy.start(model.baseUrl);
    return new Rig(dir, slack, model, proxy);
  }

  /** The environment the bridge gets: fake Slack, BYOK provider through the proxy, this rig's dirs. */
  bridgeEnv(): Record<string, string> {
    return benchBridgeEnv(this.dir, this.proxy.baseUrl, {
      SLACK_BOT_TOKEN: this.slack.botToken,
      SLACK_APP_TOKEN: this.slack.appToken,
      SLACK_API_URL: this.slack.apiUrl,
    });
  }

  /**
   * Starts a bridge process on this rig's store and waits until it serves (Socket Mode `hello`).
   * Returns the process and the wall time the fake Slack accepted its socket.
   */
  async startBridge(
    timeoutMs = 30_000,
    loader: Loader = "compiled",
  ): Promise<{ bridge: BridgeProcess; helloAt: number }> {
    const before = this.slack.socketConnections;
    const bridge = BridgeProcess.start(
      this.bridgeEnv(),
      join(this.dir, `probe-${this.launches++}.jsonl`),
      loader,
    );
    this.bridges.push(bridge);
    const died = bridge.exited.then((code) => {
      throw new Error(`the bridge exited (${code}) before serving:\n${bridge.tail()}`);
    });
    // Checked on every change the fake reports: the socket is counted right before `hello` is sent.
    const helloAt = await Promise.race([
      this.slack.waitFor(() => this.slack.socketConnections > before && wallNow(), {
        timeoutMs,
        what: "the bridge to connect over Socket Mode",
      }),
      died,
    ]);
    await this.slack.whenSocketConnected();
    return { bridge, helloAt };
  }

  async stop(): Promise<void> {
    for (const bridge of this.bridges)
      await bridge.stop().catch(() => {
        // Tearing down after the measurement: a failure here changes no number.
      });
    await this.slack.stop();
    await this.proxy.stop();
    await this.model.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
