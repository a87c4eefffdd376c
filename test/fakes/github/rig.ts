/**
 * Probe-test rig: FakeGitHub + FakeModel + one real runtime client (own baseDirectory, working
 * directory = a temp git repo whose origin is https://github.com/octo/demo.git). Cleans up in t.after.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestContext } from "node:test";
import {
  CopilotClient,
  type CopilotSession,
  type SessionConfig,
  type SessionEvent,
} from "@github/copilot-sdk";
import { FakeModel } from "../model/index.js";
import { FakeGitHub, type StartOptions } from "./index.js";

export interface GitHubRig {
  gh: FakeGitHub;
  model: FakeModel;
  client: CopilotClient;
  cwd: string;
  /** A local (BYOK) session; `onPermissionRequest` leaves requests pending unless overridden. */
  open(extra?: Partial<SessionConfig>): Promise<{ session: CopilotSession; events: SessionEvent[] }>;
  /** Resolves with the first event in `events` matching, re-checked as the fakes see traffic and every 50 ms. */
  event<K extends SessionEvent["type"]>(
    events: SessionEvent[],
    type: K,
    match?: (e: Extract<SessionEvent, { type: K }>) => boolean,
    timeoutMs?: number,
  ): Promise<Extract<SessionEvent, { type: K }>>;
}

export async function githubRig(
  t: TestContext,
  opts: StartOptions & { clientEnv?: Record<string, string | undefined>; noToken?: boolean } = {},
): Promise<GitHubRig> {
  const gh = await FakeGitHub.start(opts);
  const model = await FakeModel.start();
  const home = mkdtempSync(join(tmpdir(), "fake-gh-home-"));
  const cwd = gh.gitRepo();
  const base = gh.clientOptions();
  const env = { ...base.env, ...opts.clientEnv };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];
  const client = new CopilotClient({
    ...(opts.noToken ? { useLoggedInUser: false } : { gitHubToken: base.gitHubToken }),
    env: env as Record<string, string>,
    baseDirectory: home,
    workingDirectory: cwd,
    logLevel: "error",
  });
  t.after(async () => {
    await client.stop();
    await model.stop();
    await gh.stop();
    rmSync(home, { recursive: true, force: true });
  });
  const open = async (extra: Partial<SessionConfig> = {}) => {
    const events: SessionEvent[] = [];
    const session = await client.createSession({
      ...model.sessionConfig(),
      workingDirectory: cwd,
      onPermissionRequest: () => ({ kind: "no-result" }),
      onEvent: (e) => events.push(e),
      ...extra,
    });
    return { session, events };
  };
  const event = <K extends SessionEvent["type"]>(
    events: SessionEvent[],
    type: K,
    match: (e: Extract<SessionEvent, { type: K }>) => boolean = () => true,
    timeoutMs = 10_000,
  ) =>
    gh.waitFor(
      () => events.find((e): e is Extract<SessionEvent, { type: K }> => e.type === type && match(e as never)),
      { timeoutMs, what: `event ${type}` },
    );
  return { gh, model, client, cwd, open, event };
}

export const ofType = <K extends SessionEvent["type"]>(events: SessionEvent[], type: K) =>
  events.filter((e): e is Extract<SessionEvent, { type: K }> => e.type === type);

/** Non-ephemeral event types, in order. */
export const types = (events: SessionEvent[]) => events.filter((e) => !e.ephemeral).map((e) => e.type);

/** The JSON-RPC error of a rejected promise: `{code, message}`. */
export async function rpcError(p: Promise<unknown>): Promise<{ code: unknown; message: string }> {
  try {
    await p;
  } catch (err) {
    const e = err as { code?: unknown; message?: string };
    return { code: e.code, message: String(e.message) };
  }
  throw new Error("expected the call to fail");
}
