export type BridgeErrorCode =
  | "CONFIG"
  | "PLATFORM"
  | "RUNTIME"
  | "STORE"
  | "BAD_INPUT"
  | "NOT_AUTHORIZED"
  | "NOT_FOUND";

/** A failure with a stable code; `userMessage` is safe to show in a thread. */
export class BridgeError extends Error {
  readonly code: BridgeErrorCode;
  readonly userMessage: string;

  constructor(code: BridgeErrorCode, message: string, options?: { cause?: unknown; userMessage?: string }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = "BridgeError";
    this.code = code;
    this.userMessage = options?.userMessage ?? message;
  }
}

export function errorText(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/**
 * An interim update the adapter will not send now, to stay inside the platform's rate limits.
 * Nothing was sent; ask again after `retryInMs` (with fresher content by then).
 */
export class RateDeferred extends Error {
  constructor(readonly retryInMs: number) {
    super(`rate budget: try again in ${retryInMs} ms`);
    this.name = "RateDeferred";
  }
}
