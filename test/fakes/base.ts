/**
 * What the fake Slack and the fake Discord share, whatever their protocols: the record of the calls
 * the app made (each with the time it arrived) and the listeners told of each call and of any
 * change; waiting for a condition or for a call; faults armed for the next calls that match; counts
 * of calls and 429s per key; promises released when a socket is usable; the local HTTP server.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type WaitOptions, waitUntil } from "./wait.js";

/** A call a fake recorded; `at` is Date.now() when it arrived. */
export interface TimedCall {
  at: number;
}

/**
 * The calls an app made, in order, and who wants to know: call listeners (a test arming a fault the
 * moment a call arrives) and change listeners (`waitFor`). The fakes record a call after handling
 * it, so a listener woken by it already sees its effects.
 */
export class CallRecorder<C extends TimedCall> {
  readonly calls: C[] = [];
  private readonly changeListeners = new Set<() => void>();
  private readonly callListeners = new Set<(call: C) => void>();

  /**
   * `name` heads timeout messages ("FakeSlack.waitFor timed out…"); `describeCall` is one line of
   * the recent calls they list, `noCalls` what they say when there are none.
   */
  constructor(
    private readonly name: string,
    private readonly describeCall: (call: C) => string,
    private readonly noCalls: string,
  ) {}

  recordCall(call: C): void {
    this.calls.push(call);
    for (const listener of this.callListeners) {
      try {
        listener(call);
      } catch {
        // A test's listener must not break the fake's request handling.
      }
    }
    this.changed();
  }

  onCall(listener: (call: C) => void): () => void {
    this.callListeners.add(listener);
    return () => this.callListeners.delete(listener);
  }

  onChange(listener: () => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  /** Something the app can observe changed: wakes every `waitFor`. */
  changed(): void {
    for (const listener of [...this.changeListeners]) listener();
  }

  /** Short human-readable dump of the last calls, for timeout messages. */
  recentCalls(n = 8): string {
    const recent = this.calls.slice(-n);
    if (recent.length === 0) return this.noCalls;
    return recent.map((c) => `  ${this.describeCall(c)}`).join("\n");
  }

  /** Resolves with the first truthy value of `probe`, re-checked on every change (and every 50 ms). */
  waitFor<T>(probe: () => T | undefined | false | null, opts: WaitOptions = {}): Promise<T> {
    return waitUntil(
      this.name,
      (l) => this.onChange(l),
      () => `recent calls:\n${this.recentCalls()}`,
      probe,
      opts,
    );
  }

  /** Resolves with the first call from the `from`-th on (default: any) that matches. */
  waitForCall(match: (call: C) => boolean, opts: WaitOptions & { from?: number } = {}): Promise<C> {
    const { from = 0, ...wait } = opts;
    return this.waitFor(() => this.calls.slice(from).find(match), wait);
  }
}

/** Shortens a JSON dump for a one-line description of a call. */
export function clip(text: string, max = 160): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/**
 * Faults armed for the next calls: "the next `count` calls matching `match` get `fault`". A call is
 * matched against the arms in the order they were armed; the first that matches serves it.
 */
export class FaultQueue<F, M, A extends unknown[]> {
  private readonly armed: { match: M; fault: F; remaining: number }[] = [];

  /** `matches(match, ...call)`: whether an arm's `match` covers this call. */
  constructor(private readonly matches: (match: M, ...call: A) => boolean) {}

  failNext(match: M, fault: F, count = 1): void {
    if (count > 0) this.armed.push({ match, fault, remaining: count });
  }

  /** Consumes and returns the fault for this call, if one is armed. */
  take(...call: A): F | undefined {
    const index = this.armed.findIndex((a) => this.matches(a.match, ...call));
    const hit = this.armed[index];
    if (hit === undefined) return undefined;
    hit.remaining -= 1;
    if (hit.remaining <= 0) this.armed.splice(index, 1);
    return hit.fault;
  }

  clear(): void {
    this.armed.length = 0;
  }
}

/** The `drop` fault: kills the TCP connection without an HTTP response (the client sees a network error). */
export function dropConnection(res: ServerResponse): void {
  res.socket?.destroy();
}

/** A 5xx as a platform's edge answers it: an HTML page. */
export function upstreamError(res: ServerResponse, status: number, contentType: string): void {
  const text = `<html><body>${status} fake upstream error</body></html>`;
  res.writeHead(status, { "content-type": contentType, "content-length": Buffer.byteLength(text) });
  res.end(text);
}

/** Calls and 429s per key (a method, a route) since the start or the last reset. */
export class RateTally {
  private calls: Record<string, number> = {};
  private limited: Record<string, number> = {};

  call(key: string): void {
    this.calls[key] = (this.calls[key] ?? 0) + 1;
  }

  limit(key: string): void {
    this.limited[key] = (this.limited[key] ?? 0) + 1;
  }

  /** Copies of the counts. */
  snapshot(): { limited: Record<string, number>; calls: Record<string, number> } {
    return { limited: { ...this.limited }, calls: { ...this.calls } };
  }

  reset(): void {
    this.calls = {};
    this.limited = {};
  }
}

/** Promises released together: a client connected, a gateway session ready. */
export class Waiters {
  private pending: (() => void)[] = [];

  /** Resolves at once when `now`, else at the next `release()`. */
  wait(now: boolean): Promise<void> {
    if (now) return Promise.resolve();
    return new Promise((resolve) => this.pending.push(resolve));
  }

  release(): void {
    const pending = this.pending;
    this.pending = [];
    for (const resolve of pending) resolve();
  }
}

/** The whole body of a request. */
export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/** An HTTP server on 127.0.0.1, on a port the system picks; `baseUrl` is "http://127.0.0.1:PORT". */
export async function listenLocal(): Promise<{ server: Server; port: number; baseUrl: string }> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return { server, port, baseUrl: `http://127.0.0.1:${port}` };
}

/** Stops the server, closing the connections clients keep open. */
export async function closeServer(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  await closed;
}
