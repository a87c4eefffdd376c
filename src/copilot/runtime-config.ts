import {
  type CopilotClientOptions,
  RuntimeConnection,
  type SessionConfig,
  type SessionEvent,
} from "@github/copilot-sdk";
import type { Logger } from "../core/log.js";
import type { McpServer } from "./mcp-servers.js";

/** What the gateway is configured with, and what it gives the SDK: the client's options and each session's. */

export interface ProviderSettings {
  type: "openai" | "azure" | "anthropic";
  baseUrl: string;
  apiKey?: string;
  wireApi?: "completions" | "responses";
}

export interface SdkGatewayOptions {
  /** `host:port` of an external headless runtime; otherwise the bundled runtime is spawned. */
  runtimeUrl?: string;
  runtimeToken?: string;
  /** Runtime home (session state); the runtime's default when unset. */
  runtimeHome?: string;
  gitHubToken?: string;
  provider?: ProviderSettings;
  model?: string;
  /** MCP servers given to every session. */
  mcpServers?: Record<string, McpServer>;
  /** Each session's budget in AI credits (`sessionLimits.maxAiCredits`). */
  maxAiCredits?: number;
  env?: Record<string, string | undefined>;
  log: Logger;
}

/** How the client reaches (or spawns) the runtime and authenticates. */
export function clientOptions(o: SdkGatewayOptions): CopilotClientOptions {
  const options: CopilotClientOptions = { logLevel: "error" };
  if (o.runtimeUrl) {
    options.connection = RuntimeConnection.forUri(
      o.runtimeUrl,
      o.runtimeToken ? { connectionToken: o.runtimeToken } : undefined,
    );
  }
  if (o.runtimeHome) options.baseDirectory = o.runtimeHome;
  // An external runtime manages its own authentication; the SDK refuses these options with it.
  if (!o.runtimeUrl) {
    if (o.gitHubToken) options.gitHubToken = o.gitHubToken;
    else if (o.provider) options.useLoggedInUser = false;
  }
  if (o.env) options.env = o.env;
  return options;
}

/** A local session: streamed, every request left pending for the thread to answer. */
export function sessionConfig(o: SdkGatewayOptions, onEvent: (event: SessionEvent) => void): SessionConfig {
  const config: SessionConfig = {
    streaming: true,
    // Leave every request pending: the thread's buttons answer it through the RPC, first answer wins.
    onPermissionRequest: () => ({ kind: "no-result" }),
    // Registering these makes the runtime offer ask_user, plan approval and forms. Their promises
    // never settle on purpose: answers go through the rpc.ui.handlePending* calls, which say who won.
    onUserInputRequest: () => new Promise(() => undefined),
    onExitPlanModeRequest: () => new Promise(() => undefined),
    onElicitationRequest: () => new Promise(() => undefined),
    onEvent,
  };
  if (o.model) config.model = o.model;
  if (o.mcpServers) config.mcpServers = o.mcpServers;
  if (o.maxAiCredits) config.sessionLimits = { maxAiCredits: o.maxAiCredits };
  if (o.provider) {
    config.provider = {
      type: o.provider.type,
      baseUrl: o.provider.baseUrl,
      ...(o.provider.apiKey ? { apiKey: o.provider.apiKey } : {}),
      ...(o.provider.wireApi ? { wireApi: o.provider.wireApi } : {}),
    };
  }
  return config;
}

/** Cloud sessions refuse any client callback and any provider: events only. */
export function cloudConfig(onEvent: (event: SessionEvent) => void): SessionConfig {
  return {
    streaming: true,
    includeSubAgentStreamingEvents: false,
    onEvent,
  };
}
