/** Button and modal identifiers shared by the core and the adapters. */
export const Actions = {
  approveOnce: "perm.once",
  approveSession: "perm.session",
  deny: "perm.deny",
  denyWithReason: "perm.deny_reason",
  stop: "ctl.stop",
  mode: "ctl.mode",
} as const;

export const ModalCallbacks = {
  denyReason: "perm.deny",
} as const;

export type ActionName = (typeof Actions)[keyof typeof Actions];

/** Request ids are UUIDs in practice; accept any short id-like token, reject anything else. */
export function isValidRequestId(value: string): boolean {
  return /^[A-Za-z0-9_.:-]{1,80}$/.test(value);
}
