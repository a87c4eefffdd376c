/**
 * Probe tests: remote sessions (Mission Control URLs) with the real runtime against FakeGitHub.
 * See test/fakes/github/README.md.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { githubRig, ofType } from "./github/rig.js";

const T = { timeout: 30_000 };

test(
  "remoteSession on: URL from session.info and enable(), MC contract, disable and re-enable",
  T,
  async (t) => {
    const r = await githubRig(t);
    const { gh } = r;
    const { session, events } = await r.open({ remoteSession: "on" });
    const sid = session.sessionId;
    const info = await r.event(events, "session.info", (e) => e.data.infoType === "remote");
    const mcs = gh.mc.session(sid);
    assert.ok(mcs);
    assert.equal(mcs.id, sid);
    assert.deepEqual(info.data, {
      infoType: "remote",
      message: "Remote control connected",
      url: `https://github.com/octo/demo/tasks/${mcs.task_id}`,
    });
    assert.equal(info.ephemeral, undefined, "persisted: getEvents() has it too");
    assert.ok((await session.getEvents()).some((e) => e.type === "session.info"));
    assert.deepEqual(ofType(events, "session.remote_steerable_changed")[0]?.data, { remoteSteerable: true });

    // What the runtime asked: api.github.com first, then POST /sessions with the repo's ids.
    const repo = gh.api.repos.get("octo/demo");
    assert.deepEqual(
      gh.api.requests.map((q) => `${q.method} ${q.path}`),
      ["GET /copilot_internal/user", "GET /repos/octo/demo"],
    );
    assert.deepEqual(mcs.request, {
      id: sid,
      agent_task_id: sid,
      owner_id: repo?.ownerId,
      repo_id: repo?.id,
    });
    const post = gh.mc.requests.find((q) => q.method === "POST" && q.path === "/sessions");
    assert.equal(post?.headers.authorization, `Bearer ${gh.gitHubToken}`);
    assert.equal(post?.headers["copilot-integration-id"], "copilot-sdk");
    assert.match(String(post?.headers["user-agent"]), /^copilot\/1\.0\.85 /);
    // Only api.github.com went through the proxy (Mission Control is on NO_PROXY's 127.0.0.1).
    assert.ok(gh.proxy.connects.every((c) => c.host === "api.github.com" && c.accepted));

    // enable() on a connected session returns the same URL and emits nothing new.
    const url = info.data.url;
    assert.deepEqual(await session.rpc.remote.enable({}), { remoteSteerable: true, started: true, url });
    // The session's events are exported (batched, ~0.5 s after the change).
    await gh.waitFor(() => mcs.events.find((e) => e.type === "session.start" && e.data.sessionId === sid));
    await gh.waitFor(() => gh.mc.requests.some((q) => q.path === `/sessions/${sid}/commands`), {
      timeoutMs: 5_000,
      what: "the first command poll (~3 s)",
    });

    // disable(): steerable false, and the command poller stops.
    assert.deepEqual(await session.rpc.remote.disable(), {});
    await r.event(events, "session.remote_steerable_changed", (e) => !e.data.remoteSteerable);
    const polls = () => gh.mc.requests.filter((q) => q.path === `/sessions/${sid}/commands`).length;
    const before = polls();
    await sleep(3_500);
    assert.equal(polls(), before, "no command polls after disable()");

    // Re-enable: GET /sessions/{id} (found, reused), and session.info is emitted a second time.
    assert.deepEqual(await session.rpc.remote.enable({}), { remoteSteerable: true, started: true, url });
    assert.ok(gh.mc.requests.some((q) => q.method === "GET" && q.path === `/sessions/${sid}`));
    assert.equal(gh.mc.sessions.size, 1);
    const infos = ofType(events, "session.info").filter((e) => e.data.infoType === "remote");
    assert.deepEqual(
      infos.map((e) => e.data.url),
      [url, url],
    );
  },
);

test("two remote sessions on one runtime each get their own task URL", T, async (t) => {
  const r = await githubRig(t);
  const a = await r.open({ remoteSession: "on" });
  const b = await r.open({ remoteSession: "on" });
  const ia = await r.event(a.events, "session.info", (e) => e.data.infoType === "remote");
  const ib = await r.event(b.events, "session.info", (e) => e.data.infoType === "remote");
  assert.equal(ia.data.url, "https://github.com/octo/demo/tasks/task-1");
  assert.equal(ib.data.url, "https://github.com/octo/demo/tasks/task-2");
  assert.deepEqual([...r.gh.mc.sessions.keys()], [a.session.sessionId, b.session.sessionId]);
  // Both stay connected: enable() on the first still reports its own URL.
  const res = await a.session.rpc.remote.enable({});
  assert.equal(res.url, ia.data.url);
});

test("remoteSession export: read-only URL first, enable() makes it steerable", T, async (t) => {
  const r = await githubRig(t, { frontendUrl: "https://gh.example.test/web" });
  const { session, events } = await r.open({ remoteSession: "export" });
  const info = await r.event(events, "session.info", (e) => e.data.infoType === "remote");
  const url = "https://gh.example.test/web/octo/demo/tasks/task-1"; // COPILOT_MC_FRONTEND_URL prefix
  assert.deepEqual(info.data, { infoType: "remote", message: "Read-only remote session", url });
  assert.equal(ofType(events, "session.start")[0]?.data.remoteSteerable, false);
  assert.deepEqual(await session.rpc.remote.enable({}), { remoteSteerable: true, started: true, url });
  await r.event(events, "session.remote_steerable_changed", (e) => e.data.remoteSteerable);
  await sleep(200);
  const infos = ofType(events, "session.info").filter((e) => e.data.infoType === "remote");
  assert.equal(infos.length, 1, "no 'Remote control connected' after upgrading an export session");
});

test("no repository: the runtime still connects, URL without owner/repo", T, async (t) => {
  const r = await githubRig(t);
  const cwd = r.gh.gitRepo(null); // git repo without an origin (a plain directory behaves the same)
  const { session, events } = await r.open({ workingDirectory: cwd });
  const res = await session.rpc.remote.enable({});
  assert.deepEqual(res, {
    remoteSteerable: true,
    started: true,
    url: "https://github.com/copilot/tasks/task-1",
  });
  assert.equal(ofType(events, "session.info")[0]?.data.url, res.url);
  assert.deepEqual(r.gh.mc.session(session.sessionId)?.request, {
    id: session.sessionId,
    agent_task_id: session.sessionId,
  });
  assert.ok(!r.gh.api.requests.some((q) => q.path.startsWith("/repos/")));
});
