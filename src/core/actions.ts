/** Button and modal identifiers shared by the core and the adapters. */
export const Actions = {
  approveOnce: "perm.once",
  approveSession: "perm.session",
  deny: "perm.deny",
  denyWithReason: "perm.deny_reason",
  /** payload `<requestId>:<choice index>` */
  choose: "ask.choice",
  answer: "ask.answer",
  /** payload `<requestId>:<action>` */
  approvePlan: "plan.approve",
  requestChanges: "plan.changes",
  fillForm: "form.open",
  declineForm: "form.decline",
  cancelForm: "form.cancel",
  stop: "ctl.stop",
  mode: "ctl.mode",
  end: "ctl.end",
  /** payload `changes`: they act on the thread the button is in */
  viewDiff: "ws.diff",
  publish: "ws.publish",
  discard: "ws.discard",
} as const;

export const ModalCallbacks = {
  denyReason: "perm.deny",
  answer: "ask.answer",
  planChanges: "plan.changes",
  form: "form.submit",
} as const;

/** Request ids are UUIDs in practice; accept any short id-like token, reject anything else. */
export function isValidRequestId(value: string): boolean {
  return /^[A-Za-z0-9_.-]{1,80}$/.test(value);
}

/** Splits a `<requestId>:<detail>` payload; undefined when malformed. */
export function splitPayload(payload: string): { requestId: string; detail: string } | undefined {
  const at = payload.lastIndexOf(":");
  if (at <= 0) return undefined;
  const requestId = payload.slice(0, at);
  const detail = payload.slice(at + 1);
  if (!isValidRequestId(requestId) || !/^[a-z0-9_]{1,30}$/.test(detail)) return undefined;
  return { requestId, detail };
}
