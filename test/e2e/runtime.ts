import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { CopilotClient, type CopilotSession, RuntimeConnection } from "@github/copilot-sdk";

export interface HeadlessRuntime {
  /** `127.0.0.1:N`, for `RuntimeConnection.forUri` and `COPILOT_RUNTIME_URL`. */
  url: string;
  /** The connection token every client must present. */
  token: string;
  /** Kills the runtime and waits for it to exit. */
  stop(): Promise<void>;
}

/** The SDK's bundled runtime binary, resolved through the platform package (no hard-coded node_modules). */
export function runtimeBinary(): string {
  const pkg = createRequire(import.meta.url).resolve("@github/copilot-sdk-linux-x64/package.json");
  return join(dirname(pkg), "prebuilds", "linux-x64", "copilot-runtime");
}

/**
 * Starts a shared headless Copilot runtime on a random port, so that several clients (the bridge and
 * a "terminal") can attach to the same sessions. `home` becomes its COPILOT_HOME.
 */
export async function startHeadlessRuntime(home: string, timeoutMs = 15_000): Promise<HeadlessRuntime> {
  mkdirSync(home, { recursive: true });
  const token = randomBytes(24).toString("hex");
  const child = spawn(runtimeBinary(), ["--headless", "--no-auto-update", "--no-auto-login", "--port", "0"], {
    env: {
      PATH: process.env.PATH ?? "",
      HOME: home,
      COPILOT_HOME: home,
      COPILOT_CONNECTION_TOKEN: token,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output: string[] = [];
  const exited = new Promise<number | string | null>((done) => {
    child.once("exit", (code, signal) => done(code ?? signal));
    child.once("error", (error) => {
      output.push(String(error));
      done(null);
    });
  });

  const port = await new Promise<number>((resolvePort, reject) => {
    let text = "";
    const onData = (chunk: Buffer) => {
      const s = chunk.toString("utf8");
      output.push(s);
      text += s;
      const match = /listening on port (\d+)/.exec(text);
      if (match?.[1]) {
        finish();
        resolvePort(Number(match[1]));
      }
    };
    const timer = setTimeout(() => {
      finish();
      reject(
        new Error(`headless runtime did not listen within ${timeoutMs} ms; output:\n${output.join("")}`),
      );
    }, timeoutMs);
    const finish = () => {
      clearTimeout(timer);
      child.stdout.off("data", onData);
      child.stderr.off("data", onData);
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    void exited.then((code) => {
      finish();
      reject(new Error(`headless runtime exited (${code}) before listening; output:\n${output.join("")}`));
    });
  }).catch(async (error: unknown) => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await exited;
    throw error;
  });

  // Keep draining its output so a chatty runtime never blocks on a full pipe.
  child.stdout.resume();
  child.stderr.resume();

  return {
    url: `127.0.0.1:${port}`,
    token,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** A shared runtime in its own temporary home, plus the "terminal" clients that attach to it. */
export interface SharedRuntime {
  /** Bridge environment that points it at this runtime. */
  env: Record<string, string>;
  /** A new SDK client on the runtime: what a developer's terminal is. */
  terminal(): CopilotClient;
  /** Stops the runtime and removes its home. */
  stop(): Promise<void>;
}

export async function startSharedRuntime(): Promise<SharedRuntime> {
  const home = mkdtempSync(join(tmpdir(), "ccb-runtime-"));
  const rt = await startHeadlessRuntime(home);
  return {
    env: { COPILOT_RUNTIME_URL: rt.url, COPILOT_CONNECTION_TOKEN: rt.token },
    terminal: () =>
      new CopilotClient({
        connection: RuntimeConnection.forUri(rt.url, { connectionToken: rt.token }),
        logLevel: "error",
      }),
    async stop() {
      await rt.stop();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/**
 * Resolves once the Copilot runtime whose COPILOT_HOME is `home` has written the request
 * `requestId` to a session's event log: a runtime started after a crash can then resume the session
 * with the request pending (one killed before that finds no session to resume). Read every 50 ms.
 */
export async function waitForRuntimeRequest(
  home: string,
  requestId: string,
  field = "requestId",
  timeoutMs = 10_000,
): Promise<void> {
  const states = join(home, "session-state");
  const written = () =>
    existsSync(states) &&
    readdirSync(states).some((session) => {
      const events = join(states, session, "events.jsonl");
      return existsSync(events) && readFileSync(events, "utf8").includes(`"${field}":"${requestId}"`);
    });
  for (const deadline = Date.now() + timeoutMs; !written(); ) {
    if (Date.now() > deadline)
      throw new Error(`the runtime in ${home} did not record ${requestId} in ${timeoutMs} ms`);
    await new Promise((done) => setTimeout(done, 50));
  }
}

/**
 * The ids of the sessions `client` lists that are not in `known`, once there are any (or, after
 * `timeoutMs`, none). The runtime lists a new session only once it has written it (~50-200 ms after
 * its first event) and says nothing when it has: listed again every 50 ms.
 */
export async function newSessions(
  client: CopilotClient,
  known: Set<string>,
  timeoutMs = 10_000,
): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const fresh = (await client.listSessions()).map((s) => s.sessionId).filter((id) => !known.has(id));
    if (fresh.length > 0 || Date.now() > deadline) return fresh;
    await new Promise((done) => setTimeout(done, 50));
  }
}

/**
 * A session a terminal starts with `prompt` (a `RUN:` that needs a permission) and leaves waiting
 * for it: the terminal's handler never decides (`no-result`). Resolves once the request is raised;
 * `completed` resolves with the decision's kind, whoever gave it.
 */
export async function pendingTerminalRequest(
  terminal: CopilotClient,
  config: Omit<Parameters<CopilotClient["createSession"]>[0], "onPermissionRequest">,
  prompt: string,
): Promise<{ session: CopilotSession; requestId: string; completed: Promise<string> }> {
  const session = await terminal.createSession({
    ...config,
    onPermissionRequest: () => ({ kind: "no-result" }),
  });
  const requested = new Promise<string>((done) =>
    session.on("permission.requested", (e) => done(e.data.requestId)),
  );
  const completed = new Promise<string>((done) =>
    session.on("permission.completed", (e) => done(e.data.result.kind)),
  );
  await session.send({ prompt });
  return { session, requestId: await requested, completed };
}
