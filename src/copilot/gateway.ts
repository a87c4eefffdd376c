import {
  CopilotClient,
  type CopilotClientOptions,
  type CopilotSession,
  type PermissionRequestResult,
  RuntimeConnection,
  type SessionConfig,
  type SessionEvent,
} from "@github/copilot-sdk";
import { BridgeError, errorText } from "../core/errors.js";
import type { Logger } from "../core/log.js";
import type {
  AgentListener,
  AgentSession,
  CloudRepository,
  CopilotGateway,
  CreateSessionOptions,
  PendingPermission,
  SessionHistory,
  SessionSummary,
} from "../core/ports/gateway.js";
import type { AgentEvent } from "../core/vocabulary/agent-event.js";
import { agentEvent } from "../core/vocabulary/agent-event.js";
import type { AgentMode } from "../core/vocabulary/mode.js";
import type { PermissionDecision, PermissionView } from "../core/vocabulary/permission.js";
import type { Prompt, PromptAnswer } from "../core/vocabulary/prompt.js";
import { explainRemoteError, permissionView, toAgentEvent } from "./events.js";
import { historyOf } from "./history.js";

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
  private watch: NodeJS.Timeout | undefined;
  private readonly disconnectHandlers: (() => void)[] = [];
  /** Sessions this bridge holds, to detach them together on stop. */
  private readonly live = new Set<CopilotSession>();

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
    this.live.clear(); // sessions of a lost connection are resumed anew
    // The SDK marks a closed connection only in its private state; read it so that calls in flight
    // fail at once instead of waiting for their time limit, and so the bridge can reconnect.
    const lost = () => this.client === client && Reflect.get(client, "state") === "disconnected";
    connectionLost = lost;
    this.watch = setInterval(() => {
      if (!lost()) return;
      clearInterval(this.watch);
      this.options.log.warn("the connection to the Copilot runtime was lost");
      for (const handler of this.disconnectHandlers) handler();
    }, 500);
    this.watch.unref();
  }

  onDisconnect(handler: () => void): void {
    this.disconnectHandlers.push(handler);
  }

  async stop(): Promise<void> {
    clearInterval(this.watch);
    const client = this.client;
    this.client = undefined;
    // The SDK's stop() detaches sessions one after another (about 45 ms each: 9 s for 200 sessions,
    // longer than a container's grace period). Detach them all at once first; it finds none left.
    const live = [...this.live];
    this.live.clear();
    await within(
      "detaching the sessions",
      rpcTimeoutMs,
      Promise.allSettled(live.map((session) => session.disconnect())),
    ).catch(() => undefined);
    await client?.stop().catch(() => undefined);
  }

  get runtimeOutlivesBridge(): boolean {
    return this.options.runtimeUrl !== undefined;
  }

  private track(session: CopilotSession): AgentSession {
    this.live.add(session);
    return new SdkAgentSession(session, () => this.live.delete(session));
  }

  async createSession(options: CreateSessionOptions, listener: AgentListener): Promise<AgentSession> {
    const session = await this.requireClient().createSession({
      ...this.sessionConfig(listener),
      workingDirectory: options.workingDirectory,
    });
    return this.track(session);
  }

  async resumeSession(
    sessionId: string,
    listener: AgentListener,
    options?: { cloud?: boolean },
  ): Promise<AgentSession> {
    const config = options?.cloud
      ? { ...this.cloudConfig(listener) }
      : { ...this.sessionConfig(listener), continuePendingWork: true };
    const session = await within(
      "resuming the session",
      resumeTimeoutMs,
      this.requireClient().resumeSession(sessionId, config),
    );
    return this.track(session);
  }

  async createCloudSession(repository: CloudRepository, listener: AgentListener): Promise<AgentSession> {
    const session = await this.requireClient().createSession({
      ...this.cloudConfig(listener),
      cloud: { repository: { ...repository } },
    });
    // The runtime does not deliver the cloud agent's first events (its Mission Control URL among
    // them) to onEvent; they are in the session's history.
    for (const event of await session.getEvents()) {
      if (event.type === "session.info") this.deliver(event, listener);
    }
    return this.track(session);
  }

  /** Cloud sessions refuse any client callback and any provider: events only. */
  private cloudConfig(listener: AgentListener): SessionConfig {
    return {
      streaming: true,
      includeSubAgentStreamingEvents: false,
      onEvent: (event) => this.deliver(event, listener),
    };
  }

  /** Translates, checks and hands on one runtime event; malformed ones are logged and dropped. */
  private deliver(event: SessionEvent, listener: AgentListener): void {
    let mapped: ReturnType<typeof toAgentEvent>;
    try {
      mapped = toAgentEvent(event);
    } catch (error) {
      this.options.log.warn("unreadable runtime event dropped", {
        type: String(event?.type),
        error: errorText(error),
      });
      return;
    }
    if (!mapped) return;
    const checked = agentEvent.safeParse(mapped);
    if (!checked.success) {
      this.options.log.warn("malformed runtime event dropped", { type: String(event.type) });
      return;
    }
    listener(checked.data as AgentEvent);
  }

  async findSession(sessionId: string): Promise<SessionSummary | undefined> {
    // A session a terminal has only just created is listed a moment later (its history is written
    // asynchronously): look a few times before saying it is unknown.
    let meta = await this.requireClient().getSessionMetadata(sessionId);
    for (let attempt = 0; !meta && attempt < 8; attempt++) {
      await new Promise((done) => setTimeout(done, 250));
      meta = await this.requireClient().getSessionMetadata(sessionId);
    }
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
      onUserInputRequest: () => new Promise(() => undefined),
      onExitPlanModeRequest: () => new Promise(() => undefined),
      onElicitationRequest: () => new Promise(() => undefined),
      onEvent: (event) => this.deliver(event, listener),
    };
    if (o.model) config.model = o.model;
    if (o.mcpServers) config.mcpServers = o.mcpServers as unknown as NonNullable<SessionConfig["mcpServers"]>;
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

/** A runtime that stops answering must not leave a thread silent: every call has a bound. */
const rpcTimeoutMs = 30_000;
const remoteTimeoutMs = 20_000;
const resumeTimeoutMs = 30_000;

/** Set by the gateway: whether the connection to the runtime has closed (calls in flight never settle then). */
let connectionLost: () => boolean = () => false;

async function within<T>(what: string, ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let watch: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, fail) => {
    timer = setTimeout(
      () => fail(new Error(`the Copilot runtime did not answer ${what} within ${ms / 1000} s (timed out)`)),
      ms,
    );
    watch = setInterval(() => {
      if (connectionLost()) fail(new Error("the connection to the Copilot runtime was lost (closed)"));
    }, 250);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
    clearInterval(watch);
  }
}

class SdkAgentSession implements AgentSession {
  constructor(
    private readonly session: CopilotSession,
    private readonly forget: () => void,
  ) {}

  get id(): string {
    return this.session.sessionId;
  }

  async send(prompt: string): Promise<void> {
    await within("the message", rpcTimeoutMs, this.session.send({ prompt }));
  }

  async abort(): Promise<void> {
    await within("stop", rpcTimeoutMs, this.session.abort());
  }

  async setMode(mode: AgentMode): Promise<void> {
    await within("the mode change", rpcTimeoutMs, this.session.rpc.mode.set({ mode }));
  }

  async getMode(): Promise<AgentMode> {
    return await within("the mode", rpcTimeoutMs, this.session.rpc.mode.get());
  }

  async enableRemote(): Promise<{ url?: string }> {
    try {
      const result = await within("remote on", remoteTimeoutMs, this.session.rpc.remote.enable({}));
      return result.url ? { url: result.url } : {};
    } catch (error) {
      const message = errorText(error).replace(/^Request [\w.]+ failed with message: /, "");
      throw new BridgeError("RUNTIME", message, { cause: error, userMessage: explainRemoteError(message) });
    }
  }

  async disableRemote(): Promise<void> {
    await within("remote off", rpcTimeoutMs, this.session.rpc.remote.disable());
  }

  async answer(requestId: string, answer: PromptAnswer, prompt: Prompt): Promise<boolean> {
    const rpc = this.session.rpc;
    switch (answer.kind) {
      case "permission": {
        if (prompt.kind !== "permission") throw new Error("a permission answer for another kind of prompt");
        const result = await within(
          "the answer",
          rpcTimeoutMs,
          rpc.permissions.handlePendingPermissionRequest({
            requestId,
            result: toResult(answer.decision, prompt.view),
            decisionContext: { outcome: "prompted_user", source: "human_response", surface: "sdk" },
          } as Parameters<typeof rpc.permissions.handlePendingPermissionRequest>[0]),
        );
        return result.success;
      }
      case "question":
        return (
          await within(
            "the answer",
            rpcTimeoutMs,
            rpc.ui.handlePendingUserInput({
              requestId,
              response: { answer: answer.answer, wasFreeform: answer.wasFreeform },
            }),
          )
        ).success;
      case "plan":
        return (
          await within(
            "the answer",
            rpcTimeoutMs,
            rpc.ui.handlePendingExitPlanMode({
              requestId,
              response: answer.approved
                ? { approved: true, selectedAction: answer.action }
                : { approved: false, feedback: answer.feedback },
            } as Parameters<typeof rpc.ui.handlePendingExitPlanMode>[0]),
          )
        ).success;
      case "form":
        return (
          await within(
            "the answer",
            rpcTimeoutMs,
            rpc.ui.handlePendingElicitation({
              requestId,
              result: { action: answer.action, ...(answer.content ? { content: answer.content } : {}) },
            }),
          )
        ).success;
    }
  }

  async pendingPermissions(): Promise<PendingPermission[]> {
    const list = await within(
      "the pending requests",
      rpcTimeoutMs,
      this.session.rpc.permissions.pendingRequests(),
    );
    return list.items.map((item) => ({
      requestId: item.requestId,
      view: permissionView(item.request),
      ...(item.request.toolCallId ? { toolCallId: item.request.toolCallId } : {}),
    }));
  }

  async history(): Promise<SessionHistory> {
    return historyOf(await within("the session's history", rpcTimeoutMs, this.session.getEvents()));
  }

  async disconnect(): Promise<void> {
    this.forget();
    await this.session.disconnect();
  }
}

type Decision = Exclude<PermissionRequestResult, { kind: "no-result" }>;

/**
 * A session-wide approval must say what it covers, or the runtime takes it as approve-once (or, for a
 * URL, fails the tool): the view's `sessionApproval` is the protocol's `approval` for tool prompts;
 * a URL prompt names its `domain` instead, and a path prompt sends none (the runtime then allows the
 * path's folder). A view without one is approved once.
 */
export function toResult(decision: PermissionDecision, view: PermissionView): Decision {
  switch (decision.kind) {
    case "approve-once":
      return { kind: "approve-once" };
    case "approve-for-session": {
      const { kind, ...fields } = view.sessionApproval ?? { kind: "" };
      if (kind === "url" && typeof fields.domain === "string") {
        return { kind: "approve-for-session", domain: fields.domain } as Decision;
      }
      if (kind === "path") return { kind: "approve-for-session" } as Decision;
      if (kind && kind !== "url") {
        return { kind: "approve-for-session", approval: { kind, ...fields } } as Decision;
      }
      return { kind: "approve-once" };
    }
    case "deny":
      return decision.feedback ? { kind: "reject", feedback: decision.feedback } : { kind: "reject" };
  }
}
