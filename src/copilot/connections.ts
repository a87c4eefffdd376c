import { createHash } from "node:crypto";
import { CopilotClient, type CopilotSession } from "@github/copilot-sdk";
import { BridgeError, errorText } from "../core/errors.js";
import type { RunAs } from "../core/ports/gateway.js";
import { clientOptions, type SdkGatewayOptions } from "./runtime-config.js";

/**
 * The runtime connections the gateway holds: the bridge's own, and one per person whose sessions run
 * as them. The runtime sends Mission Control and cloud requests with the token its client was started
 * with, whatever token a session carries (docs/copilot-runtime.md), so a person's remote and cloud
 * sessions need a runtime signed in as that person. Each person's runtime shares the bridge's runtime
 * home, so any connection can resume a session another one created.
 */

/** How long a person's runtime stays up after their last session leaves it. */
export const personalIdleMs = 60_000;

/** One client of the runtime, the sessions opened on it, and whether its connection is gone. */
export class Connection {
  readonly sessions = new Set<CopilotSession>();
  private idleTimer: NodeJS.Timeout | undefined;
  /** Stopped for lack of sessions: a session asking for it now gets a new one. */
  retired = false;

  constructor(
    readonly client: CopilotClient,
    /** `host/login` of the person it runs as; undefined for the bridge's own. */
    readonly person: string | undefined,
    /** The gateway's key for a person's runtime (`tokenTag`). */
    readonly tag?: string,
  ) {}

  /** The SDK marks a closed connection only in its private state. */
  readonly lost = (): boolean => Reflect.get(this.client, "state") === "disconnected";

  /** Calls `idle` once the connection has had no session for `ms`; a new session cancels it. */
  whenIdle(ms: number, idle: () => void): void {
    clearTimeout(this.idleTimer);
    if (this.sessions.size > 0) return;
    this.idleTimer = setTimeout(() => {
      if (this.sessions.size === 0) idle();
    }, ms);
    this.idleTimer.unref();
  }

  busy(): void {
    clearTimeout(this.idleTimer);
  }

  async stop(): Promise<void> {
    clearTimeout(this.idleTimer);
    await this.client.stop().catch(() => undefined);
  }
}

/** Starts a client of the runtime signed in with `token` (the configured identity when undefined). */
export async function connect(
  options: SdkGatewayOptions,
  token: string | undefined,
  person: string | undefined,
  tag?: string,
): Promise<Connection> {
  const settings = token === undefined ? options : { ...options, gitHubToken: token };
  const client = new CopilotClient(clientOptions(settings));
  try {
    await client.start();
  } catch (error) {
    await client.stop().catch(() => undefined);
    const whose = person ? ` for ${person}` : "";
    throw new BridgeError("RUNTIME", `could not start the Copilot runtime${whose}: ${errorText(error)}`, {
      cause: error,
    });
  }
  return new Connection(client, person, tag);
}

/** A short, one-way name for a token: a new token for the same person gets a new runtime. */
export function tokenTag(runAs: RunAs): string {
  const digest = createHash("sha256").update(runAs.token).digest("hex").slice(0, 16);
  return `${runAs.key}#${digest}`;
}
