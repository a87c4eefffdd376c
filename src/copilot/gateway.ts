import { CopilotClient, type CopilotSession, type SessionEvent } from "@github/copilot-sdk";
import { BridgeError, errorText } from "../core/errors.js";
import type {
  AgentListener,
  AgentSession,
  CloudRepository,
  CopilotGateway,
  CreateSessionOptions,
  SessionSummary,
} from "../core/ports/gateway.js";
import type { AgentEvent } from "../core/vocabulary/agent-event.js";
import { agentEvent } from "../core/vocabulary/agent-event.js";
import { SdkAgentSession } from "./agent-session.js";
import { resumeTimeoutMs, rpcTimeoutMs, watchConnection, within } from "./deadline.js";
import { toAgentEvent } from "./events.js";
import { clientOptions, cloudConfig, type SdkGatewayOptions, sessionConfig } from "./runtime-config.js";

export { toResult } from "./agent-session.js";
export type { ProviderSettings, SdkGatewayOptions } from "./runtime-config.js";

/** The only place that talks to `@github/copilot-sdk`. */
export class SdkGateway implements CopilotGateway {
  private client: CopilotClient | undefined;
  private watch: NodeJS.Timeout | undefined;
  private readonly disconnectHandlers: (() => void)[] = [];
  /** Sessions this bridge holds, to detach them together on stop. */
  private readonly live = new Set<CopilotSession>();

  constructor(private readonly options: SdkGatewayOptions) {}

  async start(): Promise<void> {
    const client = new CopilotClient(clientOptions(this.options));
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
    watchConnection(lost);
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
      ...sessionConfig(this.options, (event) => this.deliver(event, listener)),
      workingDirectory: options.workingDirectory,
    });
    return this.track(session);
  }

  async resumeSession(
    sessionId: string,
    listener: AgentListener,
    options?: { cloud?: boolean },
  ): Promise<AgentSession> {
    const onEvent = (event: SessionEvent) => this.deliver(event, listener);
    const config = options?.cloud
      ? { ...cloudConfig(onEvent) }
      : { ...sessionConfig(this.options, onEvent), continuePendingWork: true };
    const session = await within(
      "resuming the session",
      resumeTimeoutMs,
      this.requireClient().resumeSession(sessionId, config),
    );
    return this.track(session);
  }

  async createCloudSession(repository: CloudRepository, listener: AgentListener): Promise<AgentSession> {
    const session = await this.requireClient().createSession({
      ...cloudConfig((event) => this.deliver(event, listener)),
      cloud: { repository: { ...repository } },
    });
    // The runtime does not deliver the cloud agent's first events (its Mission Control URL among
    // them) to onEvent; they are in the session's history.
    for (const event of await session.getEvents()) {
      if (event.type === "session.info") this.deliver(event, listener);
    }
    return this.track(session);
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

  private requireClient(): CopilotClient {
    if (!this.client) throw new BridgeError("RUNTIME", "the Copilot runtime is not running");
    return this.client;
  }
}
