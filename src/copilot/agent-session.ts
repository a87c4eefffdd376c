import type { CopilotSession, PermissionRequestResult } from "@github/copilot-sdk";
import { BridgeError, errorText } from "../core/errors.js";
import type { AgentSession, PendingPermission, SessionHistory } from "../core/ports/gateway.js";
import type { AgentMode } from "../core/vocabulary/mode.js";
import type { PermissionDecision, PermissionView } from "../core/vocabulary/permission.js";
import type { Prompt, PromptAnswer } from "../core/vocabulary/prompt.js";
import { within as bounded, type LostCheck, remoteTimeoutMs, rpcTimeoutMs } from "./deadline.js";
import { explainRemoteError, permissionView } from "./events.js";
import { historyOf } from "./history.js";

/** One Copilot session as the core sees it: prompts, modes, remote control and answers, each call bounded. */
export class SdkAgentSession implements AgentSession {
  constructor(
    private readonly session: CopilotSession,
    /** The gateway stops tracking the session (it detaches it on stop otherwise). */
    private readonly forget: () => void,
    /** Whether the connection the session is on has closed. */
    private readonly lost: LostCheck,
  ) {}

  private within<T>(what: string, ms: number, work: Promise<T>): Promise<T> {
    return bounded(what, ms, work, this.lost);
  }

  get id(): string {
    return this.session.sessionId;
  }

  async send(prompt: string): Promise<void> {
    await this.within("the message", rpcTimeoutMs, this.session.send({ prompt }));
  }

  async abort(): Promise<void> {
    await this.within("stop", rpcTimeoutMs, this.session.abort());
  }

  async setMode(mode: AgentMode): Promise<void> {
    await this.within("the mode change", rpcTimeoutMs, this.session.rpc.mode.set({ mode }));
  }

  async getMode(): Promise<AgentMode> {
    return await this.within("the mode", rpcTimeoutMs, this.session.rpc.mode.get());
  }

  async enableRemote(): Promise<{ url?: string }> {
    try {
      const result = await this.within("remote on", remoteTimeoutMs, this.session.rpc.remote.enable({}));
      return result.url ? { url: result.url } : {};
    } catch (error) {
      const message = errorText(error).replace(/^Request [\w.]+ failed with message: /, "");
      throw new BridgeError("RUNTIME", message, { cause: error, userMessage: explainRemoteError(message) });
    }
  }

  async disableRemote(): Promise<void> {
    await this.within("remote off", rpcTimeoutMs, this.session.rpc.remote.disable());
  }

  async answer(requestId: string, answer: PromptAnswer, prompt: Prompt): Promise<boolean> {
    const rpc = this.session.rpc;
    switch (answer.kind) {
      case "permission": {
        if (prompt.kind !== "permission") throw new Error("a permission answer for another kind of prompt");
        const result = await this.within(
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
          await this.within(
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
          await this.within(
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
          await this.within(
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

  async cancelOverBudget(requestId: string): Promise<void> {
    await this.within(
      "the budget answer",
      rpcTimeoutMs,
      this.session.rpc.ui.handlePendingSessionLimitsExhausted({ requestId, response: { action: "cancel" } }),
    );
  }

  async pendingPermissions(): Promise<PendingPermission[]> {
    const list = await this.within(
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
    return historyOf(await this.within("the session's history", rpcTimeoutMs, this.session.getEvents()));
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
