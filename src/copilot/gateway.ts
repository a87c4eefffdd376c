import type { CopilotSession, SessionEvent } from "@github/copilot-sdk";
import { BridgeError, errorText } from "../core/errors.js";
import type {
  AgentListener,
  AgentSession,
  CloudRepository,
  CopilotGateway,
  CreateSessionOptions,
  IdentityReach,
  ResumeOptions,
  RunAs,
  SessionSummary,
} from "../core/ports/gateway.js";
import type { AgentEvent } from "../core/vocabulary/agent-event.js";
import { agentEvent } from "../core/vocabulary/agent-event.js";
import { SdkAgentSession } from "./agent-session.js";
import { type Connection, connect, personalIdleMs, tokenTag } from "./connections.js";
import { resumeTimeoutMs, rpcTimeoutMs, within } from "./deadline.js";
import { toAgentEvent } from "./events.js";
import { cloudConfig, type SdkGatewayOptions, sessionConfig } from "./runtime-config.js";

export { toResult } from "./agent-session.js";
export type { ProviderSettings, SdkGatewayOptions } from "./runtime-config.js";

/** The only place that talks to `@github/copilot-sdk`. */
export class SdkGateway implements CopilotGateway {
  private bridge: Connection | undefined;
  /** People's runtimes, by person and token (`tokenTag`), started on their first session. */
  private readonly people = new Map<string, Promise<Connection>>();
  private watch: NodeJS.Timeout | undefined;
  private readonly disconnectHandlers: (() => void)[] = [];

  constructor(private readonly options: SdkGatewayOptions) {}

  async start(): Promise<void> {
    this.bridge = await connect(this.options, undefined, undefined);
    // Calls in flight on a closed connection fail at once instead of waiting for their time limit,
    // and the bridge reconnects: a person's runtime that died is started again by the resume.
    this.watch = setInterval(() => {
      if (!this.anyLost()) return;
      clearInterval(this.watch);
      this.options.log.warn("the connection to the Copilot runtime was lost");
      for (const handler of this.disconnectHandlers) handler();
    }, 500);
    this.watch.unref();
  }

  private anyLost(): boolean {
    if (this.bridge?.lost()) return true;
    return [...this.settledPeople].some((c) => c.lost());
  }

  /** People's runtimes that have started (the map holds promises). */
  private readonly settledPeople = new Set<Connection>();

  onDisconnect(handler: () => void): void {
    this.disconnectHandlers.push(handler);
  }

  async stop(): Promise<void> {
    clearInterval(this.watch);
    const connections = [
      ...(this.bridge ? [this.bridge] : []),
      ...(await Promise.allSettled(this.people.values())).flatMap((r) =>
        r.status === "fulfilled" ? [r.value] : [],
      ),
    ];
    this.bridge = undefined;
    this.people.clear();
    this.settledPeople.clear();
    // The SDK's stop() detaches sessions one after another (about 45 ms each: 9 s for 200 sessions,
    // longer than a container's grace period). Detach them all at once first; it finds none left.
    const live = connections.flatMap((c) => [...c.sessions]);
    for (const c of connections) c.sessions.clear();
    await within(
      "detaching the sessions",
      rpcTimeoutMs,
      Promise.allSettled(live.map((session) => session.disconnect())),
    ).catch(() => undefined);
    await Promise.all(connections.map((c) => c.stop()));
  }

  get runtimeOutlivesBridge(): boolean {
    return this.options.runtimeUrl !== undefined;
  }

  get identityReach(): IdentityReach {
    if (this.options.runtimeUrl === undefined) return "full";
    return this.options.provider ? "none" : "model";
  }

  /**
   * The connection a session of `runAs` goes on: the bridge's own, or that person's runtime (started
   * now if need be). An external runtime signs in once for everyone: its sessions carry the token.
   */
  private async connectionFor(runAs: RunAs | undefined): Promise<Connection> {
    if (!runAs || this.options.runtimeUrl !== undefined) return this.requireBridge();
    const tag = tokenTag(runAs);
    let pending = this.people.get(tag);
    if (!pending) {
      pending = connect(this.options, runAs.token, runAs.key, tag);
      this.people.set(tag, pending);
      pending.then(
        (c) => {
          this.settledPeople.add(c);
          this.options.log.info("started a Copilot runtime for a person", { person: runAs.key });
        },
        () => this.people.delete(tag),
      );
    }
    const connection = await pending;
    // Retired while this call waited for it: start the person's runtime again.
    if (connection.retired) return this.connectionFor(runAs);
    connection.busy();
    return connection;
  }

  /** Per-session token: only where the session's own connection is not that person's. */
  private sessionToken(runAs: RunAs | undefined): { gitHubToken?: string } {
    return runAs && this.identityReach === "model" ? { gitHubToken: runAs.token } : {};
  }

  private track(session: CopilotSession, connection: Connection): AgentSession {
    connection.sessions.add(session);
    return new SdkAgentSession(
      session,
      () => {
        connection.sessions.delete(session);
        if (connection.person !== undefined) this.retireWhenIdle(connection);
      },
      connection.lost,
    );
  }

  /** A person's runtime with no session left stops after a while (the next session starts it again). */
  private retireWhenIdle(connection: Connection): void {
    connection.whenIdle(personalIdleMs, () => {
      // Forgotten at once, so no new session is handed a runtime that is stopping.
      connection.retired = true;
      if (connection.tag !== undefined) this.people.delete(connection.tag);
      this.settledPeople.delete(connection);
      void connection.stop();
    });
  }

  async createSession(options: CreateSessionOptions, listener: AgentListener): Promise<AgentSession> {
    const connection = await this.connectionFor(options.runAs);
    const session = await connection.client.createSession({
      ...sessionConfig(this.options, (event) => this.deliver(event, listener)),
      ...this.sessionToken(options.runAs),
      workingDirectory: options.workingDirectory,
    });
    return this.track(session, connection);
  }

  async resumeSession(
    sessionId: string,
    listener: AgentListener,
    options?: ResumeOptions,
  ): Promise<AgentSession> {
    const connection = await this.connectionFor(options?.runAs);
    const onEvent = (event: SessionEvent) => this.deliver(event, listener);
    const config = options?.cloud
      ? { ...cloudConfig(onEvent) }
      : {
          ...sessionConfig(this.options, onEvent),
          ...this.sessionToken(options?.runAs),
          continuePendingWork: true,
        };
    const session = await within(
      "resuming the session",
      resumeTimeoutMs,
      connection.client.resumeSession(sessionId, config),
      connection.lost,
    );
    return this.track(session, connection);
  }

  async createCloudSession(
    repository: CloudRepository,
    listener: AgentListener,
    options?: { runAs?: RunAs },
  ): Promise<AgentSession> {
    const connection = await this.connectionFor(options?.runAs);
    const session = await connection.client.createSession({
      ...cloudConfig((event) => this.deliver(event, listener)),
      cloud: { repository: { ...repository } },
    });
    // The runtime does not deliver the cloud agent's first events (its Mission Control URL among
    // them) to onEvent; they are in the session's history.
    for (const event of await session.getEvents()) {
      if (event.type === "session.info") this.deliver(event, listener);
    }
    return this.track(session, connection);
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
    const { client } = this.requireBridge();
    let meta = await client.getSessionMetadata(sessionId);
    for (let attempt = 0; !meta && attempt < 8; attempt++) {
      await new Promise((done) => setTimeout(done, 250));
      meta = await client.getSessionMetadata(sessionId);
    }
    if (!meta) return undefined;
    return {
      id: meta.sessionId,
      ...(meta.summary ? { summary: meta.summary } : {}),
      ...(meta.context?.workingDirectory ? { workingDirectory: meta.context.workingDirectory } : {}),
    };
  }

  private requireBridge(): Connection {
    if (!this.bridge) throw new BridgeError("RUNTIME", "the Copilot runtime is not running");
    return this.bridge;
  }
}
