import { randomUUID } from "node:crypto";
import { ResponseError } from "vscode-jsonrpc/node.js";
import type { FakeRuntimeSession, MethodHandler, Params } from "./types.js";

/** The protocol version the SDK (1.0.14) accepts: `connect` must report 3. */
export const PROTOCOL_VERSION = 3;

/** Error codes and texts as the real runtime (1.0.85) sends them. */
export const RuntimeErrors = {
  methodNotFound: (method: string) => new ResponseError(-32601, `Unhandled method ${method}`),
  authentication: () => new ResponseError(-32002, "AUTHENTICATION_FAILED"),
  /** What the runtime answers when a handler fails: -32603 with the handler's message wrapped. */
  failed: (method: string, message: string) =>
    new ResponseError(-32603, `Request ${method} failed with message: ${message}`),
};

/** What the default handlers need from the fake. */
export interface RuntimeState {
  token: string | undefined;
  sessions: Map<string, FakeRuntimeSession>;
  addSession(id: string, workingDirectory?: string): FakeRuntimeSession;
  emit(sessionId: string, type: string, data?: unknown): void;
  /** Schedules the turn script for a `session.send` (after its answer is written). */
  startTurn(session: FakeRuntimeSession, prompt: string, messageId: string): void;
}

/** Minimal answers, in the shapes the real runtime uses, for what `@github/copilot-sdk` calls. */
export function defaultMethods(rt: RuntimeState): Record<string, MethodHandler> {
  const session = (method: string, params: Params): FakeRuntimeSession => {
    const id = String(params.sessionId);
    const found = rt.sessions.get(id);
    if (!found) throw RuntimeErrors.failed(method, `Session not found for sessionId: ${id}`);
    return found;
  };
  const describe = (s: FakeRuntimeSession) => ({
    sessionId: s.id,
    startTime: new Date().toISOString(),
    modifiedTime: new Date().toISOString(),
    isRemote: false,
    context: s.workingDirectory ? { cwd: s.workingDirectory } : undefined,
  });
  const opened = (s: FakeRuntimeSession) => ({
    sessionId: s.id,
    nativeSessionId: s.id,
    startTime: new Date().toISOString(),
    isRemote: false,
    mode: s.mode,
    workspacePath: `/fake-runtime/session-state/${s.id}`,
    capabilities: { ui: { elicitation: true, mcpApps: false, canvases: false }, extensions: false },
  });
  return {
    // The handshake: `connect {token, supportedTaskKinds}` must report protocolVersion 3. An SDK
    // falls back to `ping` only when `connect` is an unknown method.
    connect: (params) => {
      if (rt.token !== undefined && params.token !== rt.token) throw RuntimeErrors.authentication();
      return { ok: true, protocolVersion: PROTOCOL_VERSION, version: "fake", taskKinds: ["agent", "shell"] };
    },
    ping: (params) => ({
      message: `pong: ${String(params.message ?? "")}`,
      timestamp: new Date().toISOString(),
      protocolVersion: PROTOCOL_VERSION,
    }),
    "status.get": () => ({ version: "fake", protocolVersion: PROTOCOL_VERSION }),
    "session.create": (params) => {
      const id = typeof params.sessionId === "string" ? params.sessionId : randomUUID();
      const created = rt.addSession(id, params.workingDirectory as string | undefined);
      return opened(created);
    },
    "session.resume": (params) => opened(session("session.resume", params)),
    "session.detach": () => ({ success: true }),
    "session.getMetadata": (params) => {
      const found = rt.sessions.get(String(params.sessionId));
      return found ? { session: describe(found) } : {};
    },
    "session.list": () => ({ sessions: [...rt.sessions.values()].map(describe) }),
    "session.getMessages": (params) => ({ events: session("session.getMessages", params).events }),
    "session.send": (params) => {
      const s = session("session.send", params);
      const prompt = String(params.prompt ?? "");
      const messageId = randomUUID();
      s.prompts.push(prompt);
      rt.startTurn(s, prompt, messageId);
      return { messageId };
    },
    "session.abort": (params) => {
      const s = session("session.abort", params);
      rt.emit(s.id, "abort", { reason: "user_initiated" });
      rt.emit(s.id, "session.idle", { aborted: true, mode: s.mode });
      return { success: true };
    },
    "session.mode.get": (params) => session("session.mode.get", params).mode,
    "session.mode.set": (params) => {
      const s = session("session.mode.set", params);
      const previousMode = s.mode;
      s.mode = String(params.mode);
      if (previousMode !== s.mode) rt.emit(s.id, "session.mode_changed", { previousMode, newMode: s.mode });
      return {
        status: previousMode === s.mode ? "unchanged" : "changed",
        modelChanged: false,
        modeApplied: true,
      };
    },
    "session.remote.enable": (params) => {
      const s = session("session.remote.enable", params);
      s.remote = true;
      return { url: `https://github.com/fake/copilot/sessions/${s.id}`, remoteSteerable: true };
    },
    "session.remote.disable": (params) => {
      session("session.remote.disable", params).remote = false;
      return {};
    },
    "session.permissions.pendingRequests": () => ({ items: [] }),
    "session.permissions.handlePendingPermissionRequest": () => ({ success: true }),
    "session.ui.handlePendingUserInput": () => ({ success: true }),
    "session.ui.handlePendingExitPlanMode": () => ({ success: true }),
    "session.ui.handlePendingElicitation": () => ({ success: true }),
    "session.ui.handlePendingSessionLimitsExhausted": () => ({ success: true }),
  };
}
