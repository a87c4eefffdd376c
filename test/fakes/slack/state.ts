/** Observable state of the fake workspace: what the app did, plus change notification for waitFor. */
import { CallRecorder, clip } from "../base.js";
import type {
  ApiCall,
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
