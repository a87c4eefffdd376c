/**
 * The end-to-end tests' one set-up. `useBridge(options)` registers node:test hooks on the current
 * describe (or file): `before` starts what the tests need (a fake GitHub, a shared or a scripted
 * Copilot runtime, the MCP form server) and then the bridge itself (BridgeHarness: fake Slack and
 * Discord, the scripted model, the real `npm start`); `after` stops it all, whatever started.
 *
 *   const { h, drv } = useBridge({ discordOwner: OWNER, env: { BRIDGE_APPROVERS: "…" } });
 *
 * The fields it returns stand in for the harness (`h`), the Discord driver (`drv`), the fake GitHub
 * (`gh`), the shared runtime (`rt`) and its terminal client (`terminal`), and the scripted runtime
 * (`fakeRuntime`): they may be captured at once and are usable from the hooks and tests that run
 * after `before`. Used earlier, or for a part the options did not ask for, they throw saying so.
 * `Bridge.start(options)` is the same without hooks, for a test that needs a bridge of its own.
 *
 * `{ github: true, copilotApi: true }`: the model is reached as GitHub Copilot users reach it, not
 * through a bring-your-own-key provider. The fake GitHub serves its Copilot API over the harness's
 * FakeModel (`gh.serveCopilotApi(h.model)`, then `gh.copilotApi`), and the bridge is launched without
 * `COPILOT_PROVIDER_*`: its runtime asks api.github.com's `/copilot_internal/user` with its token
 * (`GITHUB_TOKEN` = `gh.gitHubToken`, login `octocat`, or a session's own) and sends every model turn
 * to that API with it.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before } from "node:test";
import type { CopilotClient } from "@github/copilot-sdk";
import { FakeGitHub } from "../fakes/github/index.js";
import { formMcpServer } from "../fakes/model/index.js";
import { FakeRuntime, type TurnScript } from "../fakes/runtime/index.js";
import { DiscordDriver } from "./discord-driver.js";
import { gitHubEnv } from "./github.js";
import { BridgeHarness, type BridgeHarnessOptions } from "./harness.js";
import { type SharedRuntime, startSharedRuntime } from "./runtime.js";

export interface BridgeOptions extends BridgeHarnessOptions {
  /** Serve Discord (only Discord, unless `platforms` says otherwise); `drv` acts as this user. */
  discordOwner?: string;
  /** A fake GitHub (`gh`): the bridge gets its proxy, CA, Mission Control and a token. */
  github?: boolean;
  /**
   * With `github`: model turns go through the fake GitHub's Copilot API (`gh.copilotApi`, over `h.model`)
   * as the runtime's GitHub token, and the bridge has no provider (see above).
   */
  copilotApi?: boolean;
  /** A shared headless Copilot runtime (`rt`) the bridge connects to instead of its own. */
  sharedRuntime?: boolean;
  /** A terminal client on the shared runtime (`terminal`; implies `sharedRuntime`), not started. */
  terminal?: boolean;
  /** The scripted runtime (`fakeRuntime`) instead of the real one, running this script for every turn. */
  fakeRuntime?: TurnScript;
  /** The MCP server with the form tool, as COPILOT_MCP_CONFIG. */
  formMcp?: boolean;
  /** Runs once the bridge serves (guild members, rate limits, a checkout…), still in `before`. */
  ready?: (bridge: Bridge) => void | Promise<void>;
}

interface Parts {
  h?: BridgeHarness;
  drv?: DiscordDriver;
  gh?: FakeGitHub;
  rt?: SharedRuntime;
  terminal?: CopilotClient;
  fakeRuntime?: FakeRuntime;
  /** Holds the MCP config file. */
  dir?: string;
}

/** A running bridge and what it was started with. */
export class Bridge {
  private constructor(private readonly parts: Parts) {}

  static async start(options: BridgeOptions = {}): Promise<Bridge> {
    const {
      discordOwner,
      github,
      copilotApi,
      sharedRuntime,
      terminal,
      fakeRuntime,
      formMcp,
      ready,
      ...harness
    } = options;
    if ((sharedRuntime || terminal) && fakeRuntime)
      throw new Error("useBridge: a shared runtime and the scripted runtime exclude each other");
    if (copilotApi && !github) throw new Error("useBridge: `copilotApi` needs the `github` option");
    const bridge = new Bridge({});
    const parts = bridge.parts;
    try {
      const env: Record<string, string> = {};
      if (github) {
        parts.gh = await FakeGitHub.start();
        Object.assign(env, gitHubEnv(parts.gh));
      }
      if (sharedRuntime || terminal) {
        parts.rt = await startSharedRuntime();
        Object.assign(env, parts.rt.env);
        if (terminal) parts.terminal = parts.rt.terminal();
      }
      if (fakeRuntime) {
        parts.fakeRuntime = await FakeRuntime.start();
        parts.fakeRuntime.onTurn = fakeRuntime;
        Object.assign(env, parts.fakeRuntime.env);
      }
      if (formMcp) {
        parts.dir = mkdtempSync(join(tmpdir(), "ccb-e2e-mcp-"));
        const config = join(parts.dir, "mcp.json");
        writeFileSync(config, JSON.stringify({ mcpServers: formMcpServer() }));
        env.COPILOT_MCP_CONFIG = config;
      }
      const platforms = harness.platforms ?? (discordOwner === undefined ? undefined : ["discord" as const]);
      const gh = parts.gh;
      parts.h = await BridgeHarness.start({
        ...harness,
        ...(platforms ? { platforms } : {}),
        env: { ...env, ...harness.env },
        ...(copilotApi && gh
          ? {
              noProvider: true,
              // The API forwards to the harness's FakeModel, which exists only once the harness does.
              beforeLaunch: async (h: BridgeHarness) => {
                await gh.serveCopilotApi(h.model);
                await harness.beforeLaunch?.(h);
              },
            }
          : {}),
      });
      if (discordOwner !== undefined) parts.drv = new DiscordDriver(parts.h, discordOwner);
      await ready?.(bridge);
    } catch (error) {
      await bridge.stop();
      throw error;
    }
    return bridge;
  }

  get h(): BridgeHarness {
    return need(this.parts.h, "h", "a started bridge");
  }
  get drv(): DiscordDriver {
    return need(this.parts.drv, "drv", "the `discordOwner` option");
  }
  get gh(): FakeGitHub {
    return need(this.parts.gh, "gh", "the `github` option");
  }
  get rt(): SharedRuntime {
    return need(this.parts.rt, "rt", "the `sharedRuntime` option");
  }
  get terminal(): CopilotClient {
    return need(this.parts.terminal, "terminal", "the `terminal` option");
  }
  get fakeRuntime(): FakeRuntime {
    return need(this.parts.fakeRuntime, "fakeRuntime", "the `fakeRuntime` option");
  }

  /** Stops what was started, the bridge before what it was connected to. */
  async stop(): Promise<void> {
    const { h, gh, rt, terminal, fakeRuntime, dir } = this.parts;
    await terminal?.stop().catch(() => {
      // Cleanup only: a terminal client that fails to stop goes with the runtime below.
    });
    // A call the scripted runtime holds back would keep the bridge from shutting down promptly.
    for (const held of [...(fakeRuntime?.stalled ?? [])]) held.release();
    await h?.stop();
    await gh?.stop();
    await rt?.stop();
    await fakeRuntime?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

/** What `useBridge` hands out: stand-ins for the parts of the bridge its `before` hook starts. */
export type BridgeHandle = Pick<Bridge, "h" | "drv" | "gh" | "rt" | "terminal" | "fakeRuntime">;

/** Starts a bridge before the tests of the current describe (or file) and stops it after them. */
export function useBridge(options: BridgeOptions = {}): BridgeHandle {
  let bridge: Bridge | undefined;
  before(async () => {
    bridge = await Bridge.start(options);
  });
  after(async () => {
    await bridge?.stop();
  });
  const started = (): Bridge => {
    if (!bridge) throw new Error("useBridge: the bridge is not started (used before its `before` hook ran?)");
    return bridge;
  };
  return {
    h: lateBound(() => started().h),
    drv: lateBound(() => started().drv),
    gh: lateBound(() => started().gh),
    rt: lateBound(() => started().rt),
    terminal: lateBound(() => started().terminal),
    fakeRuntime: lateBound(() => started().fakeRuntime),
  };
}

function need<T>(part: T | undefined, name: string, needs: string): T {
  if (part === undefined) throw new Error(`useBridge: \`${name}\` needs ${needs}`);
  return part;
}

/**
 * An object that stands for `resolve()`'s result, resolved at each use: property reads (methods
 * bound to the real object), writes and `in` go to it. Lets a test file capture the harness while
 * its describe is being defined, before the `before` hook has started it.
 */
function lateBound<T extends object>(resolve: () => T): T {
  return new Proxy(Object.create(null), {
    get: (_, key) => {
      const target = resolve();
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
    set: (_, key, value) => Reflect.set(resolve(), key, value),
    has: (_, key) => Reflect.has(resolve(), key),
    getPrototypeOf: () => Reflect.getPrototypeOf(resolve()),
  });
}
