/** Observable state of the fake workspace: what the app did, plus change notification for waitFor. */
import { CallRecorder, clip } from "../base.js";
import type {
  AgentSession,
  ApiCall,
  AssistantStatus,
  Ephemeral,
  FakeUser,
  OpenedView,
  Reaction,
  ResponseUrlPost,
  SlackMessage,
  UploadedFile,
} from "./types.js";

export interface Identity {
  teamId: string;
  teamDomain: string;
  appId: string;
  botUserId: string;
  botId: string;
  botToken: string;
  appToken: string;
  signingSecret: string;
}

export interface PendingUpload {
  id: string;
  filename: string;
  length: number;
  bytes?: Buffer;
}

/** Context remembered for a response_url the fake handed out. */
export interface ResponseTarget {
  channel: string;
  user: string;
  messageTs?: string;
  threadTs?: string;
}

const TS_BASE_SECONDS = 1_700_000_000;

/** The key of a thread in the per-thread maps. */
export const threadKey = (channel: string, threadTs: string): string => `${channel} ${threadTs}`;

export class SlackState extends CallRecorder<ApiCall> {
  readonly messages: SlackMessage[] = [];
  readonly ephemerals: Ephemeral[] = [];
  readonly files: UploadedFile[] = [];
  readonly views: OpenedView[] = [];
  readonly reactions: Reaction[] = [];
  readonly responses: ResponseUrlPost[] = [];
  readonly pendingUploads = new Map<string, PendingUpload>();
  readonly responseTargets = new Map<string, ResponseTarget>();
  readonly users = new Map<string, FakeUser>();
  /**
   * People of the workspace the fake knows: added with addUser, or seen doing something (a command,
   * a message, a click, a form). conversations.open finds no one else (`user_not_found`).
   */
  readonly members = new Set<string>();
  /** The app's IM with each person (user id → "D…"), opened by conversations.open. */
  readonly ims = new Map<string, string>();
  /** The bot token's scopes; undefined: not checked. */
  scopes: ReadonlySet<string> | undefined;
  /** The bot events the app subscribes to; undefined: not checked. */
  botEvents: ReadonlySet<string> | undefined;
  /** assistant.threads.setStatus calls per thread (threadKey), in order. */
  readonly assistantStatuses = new Map<string, AssistantStatus[]>();
  /** Agent sessions per thread (threadKey). */
  readonly agentSessions = new Map<string, AgentSession>();
  private tick = 0;
  private seq = 0;

  constructor(readonly id: Identity) {
    super("FakeSlack", (c) => `${c.method} ${clip(JSON.stringify(c.args))}`, "(no Web API calls)");
  }

  /** A fresh Slack timestamp, strictly increasing: "1700000000.000100", "1700000000.000200", … */
  nextTs(): string {
    this.tick += 1;
    const micros = this.tick * 100;
    const seconds = TS_BASE_SECONDS + Math.floor(micros / 1_000_000);
    return `${seconds}.${String(micros % 1_000_000).padStart(6, "0")}`;
  }

  /** A fresh sequence number for ids (files, views, envelopes, triggers…). */
  nextSeq(): number {
    this.seq += 1;
    return this.seq;
  }

  /** The person whose IM with the app `channel` is; undefined for any other channel. */
  imUser(channel: string): string | undefined {
    for (const [user, im] of this.ims) if (im === channel) return user;
    return undefined;
  }

  /**
   * Why Slack would not take a post or a file in `channel`: an IM ("D…") the app never opened is not
   * one it can write to. Undefined when it can.
   */
  channelProblem(channel: string): string | undefined {
    return channel.startsWith("D") && this.imUser(channel) === undefined ? "channel_not_found" : undefined;
  }

  findMessage(channel: string, ts: string): SlackMessage | undefined {
    return this.messages.find((m) => m.channel === channel && m.ts === ts);
  }

  user(id: string): FakeUser {
    return (
      this.users.get(id) ?? {
        id,
        name: `user-${id.toLowerCase()}`,
        real_name: `User ${id}`,
        display_name: `user-${id.toLowerCase()}`,
        is_bot: id === this.id.botUserId,
      }
    );
  }
}
