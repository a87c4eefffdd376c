import {
  CopilotClient,
  type CopilotClientOptions,
  type CopilotSession,
  type PermissionRequestResult,
  RuntimeConnection,
  type SessionConfig,
} from "@github/copilot-sdk";
import type {
  AgentListener,
  AgentSession,
  CloudRepository,
  CopilotGateway,
  CreateSessionOptions,
  PendingPermission,
  PermissionDecision,
  PermissionView,
  SessionSummary,
} from "../core/agent.js";
import { BridgeError, errorText } from "../core/errors.js";
import type { Logger } from "../core/log.js";
import type { Prompt, PromptAnswer } from "../core/prompts.js";
import type { AgentMode } from "../core/types.js";
import { explainRemoteError, permissionView, toAgentEvent } from "./events.js";

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
  mcpServers?: Record<string, Record<string, unknown>>;
  env?: Record<string, string | undefined>;
  log: Logger;
}

/** The only place that talks to `@github/copilot-sdk`. */
export class SdkGateway implements CopilotGateway {
  private client: CopilotClient | undefined;

  constructor(private readonly options: SdkGatewayOptions) {}

  async start(): Promise<void> {
    const o = this.options;
    const clientOptions: CopilotClientOptions = { logLevel: "error" };
    if (o.runtimeUrl) {
      clientOptions.connection = RuntimeConnection.forUri(
        o.runtimeUrl,
        o.runtimeToken ? { connectionToken: o.runtimeToken } : undefined,
      );
    }
    if (o.runtimeHome) clientOptions.baseDirectory = o.runtimeHome;
    // An external runtime manages its own authentication; the SDK refuses these options with it.
    if (!o.runtimeUrl) {
      if (o.gitHubToken) clientOptions.gitHubToken = o.gitHubToken;
      else if (o.provider) clientOptions.useLoggedInUser = false;
    }
    if (o.env) clientOptions.env = o.env;
    const client = new CopilotClient(clientOptions);
    try {
      await client.start();
    } catch (error) {
      throw new BridgeError("RUNTIME", `could not start the Copilot runtime: ${errorText(error)}`, {
        cause: error,
      });
    }
    this.client = client;
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    await client?.stop();
  }

  async createSession(options: CreateSessionOptions, listener: AgentListener): Promise<AgentSession> {
    const session = await this.requireClient().createSession({
      ...this.sessionConfig(listener),
      workingDirectory: options.workingDirectory,
    });
    return new SdkAgentSession(session);
  }

  async resumeSession(
    sessionId: string,
    listener: AgentListener,
    options?: { cloud?: boolean },
  ): Promise<AgentSession> {
    const config = options?.cloud
      ? { ...this.cloudConfig(listener) }
      : { ...this.sessionConfig(listener), continuePendingWork: true };
    const session = await this.requireClient().resumeSession(sessionId, config);
    return new SdkAgentSession(session);
  }

  async createCloudSession(repository: CloudRepository, listener: AgentListener): Promise<AgentSession> {
    const session = await this.requireClient().createSession({
      ...this.cloudConfig(listener),
      cloud: { repository: { ...repository } },
    });
    // The runtime does not deliver the cloud agent's first events (its Mission Control URL among
    // them) to onEvent; they are in the session's history.
    for (const event of await session.getEvents()) {
      const mapped = toAgentEvent(event);
      if (mapped?.type === "remote") listener(mapped);
    }
    return new SdkAgentSession(session);
  }

  /** Cloud sessions refuse any client callback and any provider: events only. */
  private cloudConfig(listener: AgentListener): SessionConfig {
    return {
      streaming: true,
      includeSubAgentStreamingEvents: false,
      onEvent: (event) => {
        const mapped = toAgentEvent(event);
        if (mapped) listener(mapped);
      },
    };
  }

  async findSession(sessionId: string): Promise<SessionSummary | undefined> {
    const meta = await this.requireClient().getSessionMetadata(sessionId);
    if (!meta) return undefined;
    return {
      id: meta.sessionId,
      ...(meta.summary ? { summary: meta.summary } : {}),
      ...(meta.context?.workingDirectory ? { workingDirectory: meta.context.workingDirectory } : {}),
    };
  }

  private sessionConfig(listener: AgentListener): SessionConfig {
    const o = this.options;
    const config: SessionConfig = {
      streaming: true,
      // Leave every request pending: the thread's buttons answer it through the RPC, first answer wins.
      onPermissionRequest: () => ({ kind: "no-result" }),
      // Registering these makes the runtime offer ask_user, plan approval and forms. Their promises
      // never settle on purpose: answers go through the rpc.ui.handlePending* calls, which say who won.
      onUserInputRequest: () => new Promise(() => {}),
      onExitPlanModeRequest: () => new Promise(() => {}),
      onElicitationRequest: () => new Promise(() => {}),
      onEvent: (event) => {
        let mapped: ReturnType<typeof toAgentEvent>;
        try {
          mapped = toAgentEvent(event);
        } catch (error) {
          o.log.warn("unreadable runtime event", { type: event.type, error: errorText(error) });
          return;
        }
        if (mapped) listener(mapped);
      },
    };
    if (o.model) config.model = o.model;
    if (o.mcpServers) config.mcpServers = o.mcpServers as unknown as SessionConfig["mcpServers"];
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

  private requireClient(): CopilotClient {
    if (!this.client) throw new BridgeError("RUNTIME", "the Copilot runtime is not running");
    return this.client;
  }
}

class SdkAgentSession implements AgentSession {
  constructor(private readonly session: CopilotSession) {}

  get id(): string {
    return this.session.sessionId;
  }

  async send(prompt: string): Promise<void> {
    await this.session.send({ prompt });
  }

  async abort(): Promise<void> {
    await this.session.abort();
  }

  async setMode(mode: AgentMode): Promise<void> {
    await this.session.rpc.mode.set({ mode });
  }

  async getMode(): Promise<AgentMode> {
    return await this.session.rpc.mode.get();
  }

  async enableRemote(): Promise<{ url?: string }> {
    try {
      const result = await this.session.rpc.remote.enable({});
      return result.url ? { url: result.url } : {};
    } catch (error) {
      const message = errorText(error).replace(/^Request [\w.]+ failed with message: /, "");
      throw new BridgeError("RUNTIME", message, { cause: error, userMessage: explainRemoteError(message) });
    }
  }

  async disableRemote(): Promise<void> {
    await this.session.rpc.remote.disable();
  }

  async answer(requestId: string, answer: PromptAnswer, prompt: Prompt): Promise<boolean> {
    const rpc = this.session.rpc;
    switch (answer.kind) {
      case "permission": {
        if (prompt.kind !== "permission") throw new Error("a permission answer for another kind of prompt");
        const result = await rpc.permissions.handlePendingPermissionRequest({
          requestId,
          result: toResult(answer.decision, prompt.view),
          decisionContext: { outcome: "prompted_user", source: "human_response", surface: "sdk" },
        } as Parameters<typeof rpc.permissions.handlePendingPermissionRequest>[0]);
        return result.success;
      }
      case "question":
        return (
          await rpc.ui.handlePendingUserInput({
            requestId,
            response: { answer: answer.answer, wasFreeform: answer.wasFreeform },
          })
        ).success;
      case "plan":
        return (
          await rpc.ui.handlePendingExitPlanMode({
            requestId,
            response: answer.approved
              ? { approved: true, selectedAction: answer.action }
              : { approved: false, feedback: answer.feedback },
          } as Parameters<typeof rpc.ui.handlePendingExitPlanMode>[0])
        ).success;
      case "form":
        return (
          await rpc.ui.handlePendingElicitation({
            requestId,
            result: { action: answer.action, ...(answer.content ? { content: answer.content } : {}) },
          })
        ).success;
    }
  }

  async pendingPermissions(): Promise<PendingPermission[]> {
    const list = await this.session.rpc.permissions.pendingRequests();
    return list.items.map((item) => ({
      requestId: item.requestId,
      view: permissionView(item.request),
      ...(item.request.toolCallId ? { toolCallId: item.request.toolCallId } : {}),
    }));
  }

  async disconnect(): Promise<void> {
    await this.session.disconnect();
  }
}

type Decision = Exclude<PermissionRequestResult, { kind: "no-result" }>;

/**
 * A plain `approve-for-session` is taken as approve-once by the runtime: the session-wide rule must
 * name what it covers (the request's command identifiers, or writes).
 */
function toResult(decision: PermissionDecision, view: PermissionView): Decision {
  switch (decision.kind) {
    case "approve-once":
      return { kind: "approve-once" };
    case "approve-for-session":
      if (view.kind === "shell" && view.commandIdentifiers?.length) {
        return {
          kind: "approve-for-session",
          approval: { kind: "commands", commandIdentifiers: view.commandIdentifiers },
        } as Decision;
      }
      if (view.kind === "write")
        return { kind: "approve-for-session", approval: { kind: "write" } } as Decision;
      return { kind: "approve-once" };
    case "deny":
      return decision.feedback ? { kind: "reject", feedback: decision.feedback } : { kind: "reject" };
  }
}
