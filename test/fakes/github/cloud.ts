/**
 * Cloud tasks on the fake Mission Control, with a simulated cloud worker: `POST /tasks` creates a task
 * whose worker publishes `session.start` + `session.info {infoType: "remote"}`; `POST /tasks/{id}/steer`
 * makes it append `user.message`, `assistant.turn_start`, `assistant.message`, `assistant.turn_end`
 * and `session.idle` (the reply comes from `cloudReply`). `GET /tasks/{id}/events` serves them.
 */
import { randomUUID } from "node:crypto";
import type { ServerResponse } from "node:http";
import { type Changes, type RecordedRequest, sendJson } from "./http.js";

export type WorkerMode =
  | "ok"
  /** The events list stays empty: the runtime keeps polling (see README for its timeout). */
  | "never-starts"
  /** `GET /tasks/{id}/events` answers 500 (the runtime treats it like an empty list). */
  | "events-error";

export interface WorkerEvent {
  id: string;
  parentId: string | null;
  timestamp: string;
  type: string;
  data: Record<string, unknown>;
  ephemeral?: boolean;
}

export interface CloudTask {
  id: string;
  state: string;
  /** `X-Copilot-Agent-Slug` of the creating request. */
  agentSlug: string | undefined;
  request: unknown;
  /** Branch the worker reports in `session.start.context`. */
  branch: string;
  /** The worker's SDK session id (`session.start.data.sessionId`). */
  sessionId: string;
  events: WorkerEvent[];
  steers: unknown[];
  rpcs: { id: string; request: unknown }[];
  /** How many times GET /tasks/{id}/events was polled. */
  polls: number;
}

export type CloudReply = (prompt: string, task: CloudTask) => string;

export class CloudTasks {
  readonly tasks = new Map<string, CloudTask>();
  workerMode: WorkerMode = "ok";
  /** Sandbox enforcement status answered for `session.sandbox.getEnforcementStatus`; `null` leaves it pending. */
  enforcement: Record<string, unknown> | null = { required: false, blocked: false };
  /** Status of `POST /tasks` (201 creates a task; anything else answers `{message}` with it). */
  createStatus = 201;
  reply: CloudReply = (prompt) => `Cloud says: ${prompt}`;
  /** Delay before a new task's worker publishes its first events (the runtime polls every 0.5 s, up to ~10 s). */
  startDelayMs = 0;
  private readonly timers = new Set<NodeJS.Timeout>();
  private seq = 0;
  private lastTs = 0;

  constructor(private readonly changes: Changes) {}

  route(rec: RecordedRequest, parts: string[], res: ServerResponse): void {
    const [, id, sub, rid] = parts;
    if (rec.method === "POST" && parts.length === 1) {
      if (this.createStatus !== 201) sendJson(res, this.createStatus, { message: "fake: task refused" }, rec);
      else sendJson(res, 201, this.create(rec), rec);
      return;
    }
    const task = id ? this.tasks.get(id) : undefined;
    if (!task) {
      sendJson(res, 404, { message: "Not Found" }, rec);
      return;
    }
    if (rec.method === "GET" && !sub) {
      sendJson(res, 200, { id: task.id, state: task.state, sessions: [] }, rec);
    } else if (rec.method === "GET" && sub === "events") {
      task.polls++;
      if (this.workerMode === "events-error") sendJson(res, 500, { message: "fake worker: boom" }, rec);
      else sendJson(res, 200, { events: task.events, total: task.events.length }, rec);
    } else if (rec.method === "POST" && sub === "rpc" && !rid) {
      const call = { id: `rpc-${++this.seq}`, request: rec.body };
      task.rpcs.push(call);
      sendJson(res, 201, { id: call.id }, rec);
    } else if (rec.method === "GET" && sub === "rpc" && rid) {
      if (this.enforcement === null) sendJson(res, 200, { id: rid, state: "pending" }, rec);
      else sendJson(res, 200, { id: rid, state: "completed", result: this.enforcement }, rec);
    } else if (rec.method === "POST" && sub === "steer") {
      task.steers.push(rec.body);
      sendJson(res, 200, {}, rec);
      const body = (rec.body ?? {}) as { type?: string; content?: string; external_id?: string };
      if (body.type === "user_message") this.answer(task, String(body.content ?? ""), body.external_id);
    } else {
      sendJson(res, 404, { message: "Not Found" }, rec);
    }
  }

  private create(rec: RecordedRequest): Record<string, unknown> {
    const body = (rec.body ?? {}) as { repositories?: { branch?: string }[] };
    const slug = rec.headers["x-copilot-agent-slug"];
    const task: CloudTask = {
      id: `task-${randomUUID().slice(0, 8)}`,
      state: "queued",
      agentSlug: Array.isArray(slug) ? slug[0] : slug,
      request: rec.body,
      // The runtime does not send the branch; the worker reports the default branch.
      branch: body.repositories?.[0]?.branch ?? "main",
      sessionId: randomUUID(),
      events: [],
      steers: [],
      rpcs: [],
      polls: 0,
    };
    this.tasks.set(task.id, task);
    if (this.workerMode !== "never-starts") {
      if (this.startDelayMs > 0) {
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          this.startWorker(task);
        }, this.startDelayMs);
        this.timers.add(timer);
      } else this.startWorker(task);
    }
    return { id: task.id, state: task.state, sessions: [] };
  }

  /**
   * The worker comes up: `session.start` + `session.info {infoType: "remote", url}` (called on create,
   * after `startDelayMs`; call it yourself for a "never-starts" task to start it late).
   */
  startWorker(task: CloudTask): void {
    const repo =
      ((task.request ?? {}) as { repositories?: { owner?: string; name?: string }[] }).repositories?.[0] ??
      {};
    task.state = "in_progress";
    this.emit(task, "session.start", {
      sessionId: task.sessionId,
      version: 1,
      producer: "copilot-agent",
      copilotVersion: "fake-worker",
      startTime: new Date().toISOString(),
      context: { cwd: "/workspace", repository: `${repo.owner}/${repo.name}`, branch: task.branch },
      remoteSteerable: true,
    });
    this.emit(task, "session.info", {
      infoType: "remote",
      message: "Remote session started",
      url: `https://github.com/copilot/tasks/${task.id}`,
    });
  }

  /** Cancels pending delayed starts. */
  stop(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  /** Appends an event to a task's worker stream (tests may add their own). */
  emit(task: CloudTask, type: string, data: Record<string, unknown>, ephemeral?: boolean): WorkerEvent {
    this.lastTs = Math.max(Date.now(), this.lastTs + 1);
    const e: WorkerEvent = {
      id: randomUUID(),
      parentId: task.events.at(-1)?.id ?? null,
      // Strictly increasing: the runtime orders a batch by timestamp (equal ones came out shuffled).
      timestamp: new Date(this.lastTs).toISOString(),
      type,
      data,
      ...(ephemeral ? { ephemeral } : {}),
    };
    task.events.push(e);
    this.changes.emit();
    return e;
  }

  private answer(task: CloudTask, prompt: string, externalId: string | undefined): void {
    const messageId = randomUUID();
    const interactionId = randomUUID();
    // `source: command-<external_id>` lets the runtime recognise the echo of its own steer and skip it.
    this.emit(task, "user.message", { content: prompt, interactionId, source: `command-${externalId}` });
    this.emit(task, "assistant.turn_start", { turnId: "0", interactionId });
    this.emit(task, "assistant.message", { messageId, content: this.reply(prompt, task), interactionId });
    this.emit(task, "assistant.turn_end", { turnId: "0" });
    this.emit(task, "session.idle", {});
  }
}
