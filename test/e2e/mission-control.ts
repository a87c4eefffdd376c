/** What the remote tests read at the fake Mission Control: the session behind a link, and `remote off`. */
import assert from "node:assert/strict";
import type { FakeGitHub, McSession } from "../fakes/github/index.js";

/** The Mission Control session behind a link the thread showed (`…/tasks/<task id>`). */
export function sessionOfLink(gh: FakeGitHub, url: string): McSession {
  const task = /\/tasks\/([\w-]+)$/.exec(url)?.[1];
  const session = [...gh.mc.sessions.values()].find((s) => s.task_id === task);
  assert.ok(session, `no Mission Control session for ${url}`);
  return session;
}

/** GET /sessions/{id}/commands so far: the runtime polls every ~3 s while the session is steerable. */
export function commandPolls(gh: FakeGitHub, session: McSession): number {
  return gh.mc.requests.filter((q) => q.method === "GET" && q.path === `/sessions/${session.id}/commands`)
    .length;
}

/**
 * Mission Control stopped being asked for commands: the runtime no longer takes steering from
 * GitHub (a steerable session is polled every ~3 s; here, no poll in 4 s). A wait about time: the
 * runtime reports nothing when it stops polling, so only a span longer than its interval shows it.
 */
export async function assertRemoteTurnedOff(gh: FakeGitHub, session: McSession): Promise<void> {
  // A poll already on its way when the runtime turned remote off may still land.
  await new Promise((done) => setTimeout(done, 500));
  const before = commandPolls(gh, session);
  await new Promise((done) => setTimeout(done, 4_000));
  assert.equal(commandPolls(gh, session), before, "Mission Control is still polled for commands");
}
