/**
 * `loopback`: a chat platform that lives in this process, as a plug-in. It is the example of what
 * adding a platform takes — this folder and one line in the plug-in list — and the contract suite
 * runs on it exactly as the bridge creates it (loopback.test.ts).
 *
 * Its "servers" are in-memory workspaces (the core's FakeChat, calling itself `loopback`), each
 * reached with its token as a real platform is: `openWorkspace(token)` stands one up, and an
 * adapter created with `LOOPBACK_TOKEN=<token>` connects to it.
 */
import { z } from "zod";
import { BridgeError } from "../../../src/core/errors.js";
import type { ChatAdapter } from "../../../src/core/ports/chat.js";
import type { AdapterDeps, AdapterPlugin, Environment } from "../../../src/core/ports/plugin.js";
import { defaultLimits, FakeChat } from "../../fakes/chat.js";

export interface LoopbackConfig {
  /** Which workspace to connect to, and the credential for it. */
  token: string;
}

const workspaces = new Map<string, FakeChat>();

/** Stands up a loopback workspace reachable with `token`; the returned fake is its wire. */
export function openWorkspace(token: string): FakeChat {
  const chat = new FakeChat(defaultLimits, { platform: "loopback", workspace: "L0001" });
  workspaces.set(token, chat);
  return chat;
}

export function closeWorkspace(token: string): void {
  workspaces.delete(token);
}

const settings = z.object({
  LOOPBACK_TOKEN: z
    .string()
    .regex(/^lb-[A-Za-z0-9-]{6,}$/, "LOOPBACK_TOKEN must look like lb-<at least 6 letters or digits>")
    .optional(),
});

const config: z.ZodType<LoopbackConfig | undefined, Environment> = settings.transform((env) =>
  env.LOOPBACK_TOKEN === undefined ? undefined : { token: env.LOOPBACK_TOKEN },
);

export const loopbackPlugin: AdapterPlugin<LoopbackConfig> = {
  platform: "loopback",
  config,
  secrets: (c) => [c.token],
  async create(c: LoopbackConfig, deps: AdapterDeps): Promise<ChatAdapter> {
    const chat = workspaces.get(c.token);
    if (!chat) throw new BridgeError("CONFIG", "LOOPBACK_TOKEN is not the token of any loopback workspace");
    deps.log.debug("loopback: connected", { workspace: chat.workspace, rateLimits: deps.rateLimits });
    return chat;
  },
};
