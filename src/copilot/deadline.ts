/**
 * Every call to the Copilot runtime has a bound: a runtime that stops answering, or a connection
 * that closed under a call in flight, must not leave a thread silent.
 */

export const rpcTimeoutMs = 30_000;
export const remoteTimeoutMs = 20_000;
export const resumeTimeoutMs = 30_000;

/** Whether the connection a call went out on has closed (calls in flight never settle then). */
export type LostCheck = () => boolean;

/** `work`, or an error naming `what` once `ms` have passed or the connection is lost. */
export async function within<T>(
  what: string,
  ms: number,
  work: Promise<T>,
  connectionLost: LostCheck = () => false,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let watch: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, fail) => {
    timer = setTimeout(
      () => fail(new Error(`the Copilot runtime did not answer ${what} within ${ms / 1000} s (timed out)`)),
      ms,
    );
    watch = setInterval(() => {
      if (connectionLost()) fail(new Error("the connection to the Copilot runtime was lost (closed)"));
    }, 250);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
    clearInterval(watch);
  }
}
