export interface WaitOptions {
  timeoutMs?: number;
  what?: string;
}

/**
 * Resolves with the first truthy value of `probe`, re-checked on every change the fake reports and
 * every 50 ms; rejects after the timeout with `describe()` (the fake's recent traffic) in the message.
 */
export function waitUntil<T>(
  name: string,
  onChange: (listener: () => void) => () => void,
  describe: () => string,
  probe: () => T | undefined | false | null,
  opts: WaitOptions = {},
): Promise<T> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const what = opts.what ?? "condition";
  return new Promise<T>((resolve, reject) => {
    let lastError: unknown;
    let done = false;
    const finish = (): void => {
      done = true;
      clearInterval(poll);
      clearTimeout(timer);
      unsubscribe();
    };
    const check = (): void => {
      if (done) return;
      try {
        const value = probe();
        if (value !== undefined && value !== null && value !== false) {
          finish();
          resolve(value);
        }
      } catch (error) {
        lastError = error;
      }
    };
    const unsubscribe = onChange(check);
    const poll = setInterval(check, 50);
    const timer = setTimeout(() => {
      if (done) return;
      finish();
      const cause = lastError === undefined ? "" : `\nlast probe error: ${String(lastError)}`;
      reject(
        new Error(
          `${name}.waitFor timed out after ${timeoutMs} ms waiting for ${what}${cause}\n${describe()}`,
        ),
      );
    }, timeoutMs);
    check();
  });
}
