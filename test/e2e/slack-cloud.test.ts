import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { useBridge } from "./fixture.js";
import { buttonsOf, visible } from "./harness.js";

const OWNER = "UOWNER11";

describe("Slack: cloud sessions on GitHub's compute", () => {
  const { h, gh } = useBridge({ github: true, env: { BRIDGE_ADMINS: `slack:${OWNER}` } });

  test("start → wait for the agent → link + QR → the prompt's answer streams in; nothing goes to the BYOK model", async () => {
    const header = await h.startSession(OWNER, "cloud octo/demo@feature tidy the README");
    assert.match(visible(header), /github\.com\/octo\/demo@feature/);
    await h.waitForReply(header, /Starting a cloud session on `octo\/demo@feature`/);
    const link = await h.waitForReply(header, /Follow and steer this session on GitHub/);
    const task = [...gh.mc.tasks.values()].at(-1);
    assert.ok(task);
    assert.ok(visible(link).includes(`https://github.com/copilot/tasks/${task.id}`), visible(link));
    await h.slack.waitFor(
      () => h.slack.files.find((f) => f.thread_ts === header.ts && f.filename === "session-qr.png"),
      { what: "the QR code" },
    );
    await h.waitForReply(header, /Cloud says: tidy the README/);
    assert.equal(task.steers.length, 1);
    assert.ok(!h.model.requests.some((r) => JSON.stringify(r.messages).includes("tidy the README")));

    // A prompt raised by the cloud agent links to GitHub instead of offering buttons.
    gh.cloud.emit(task, "permission.requested", {
      requestId: "cloud-req-1",
      permissionRequest: {
        kind: "shell",
        fullCommandText: "rm -rf build",
        intention: "Clean the build",
        commands: [{ identifier: "rm -rf build", readOnly: false }],
        possiblePaths: [],
        possibleUrls: [],
        hasWriteFileRedirection: false,
        canOfferSessionApproval: false,
      },
    });
    const card = await h.waitForReply(header, /rm -rf build/);
    assert.equal(buttonsOf(card).length, 0);
    assert.match(visible(card), /answer it there/);
  });

  test("after kill -9 the thread of a cloud session links to it on GitHub, and a message there is not lost in silence", async () => {
    const header = await h.startSession(OWNER, "cloud octo/demo sort the imports");
    await h.waitForReply(header, /Cloud says: sort the imports/);
    const task = [...gh.mc.tasks.values()].at(-1);
    assert.ok(task);
    // The bundled runtime dies with the bridge, and a new one does not reliably know the cloud
    // session (it answered "Session not found", resumed one that never answered, or hung): the bridge
    // does not try, and says where the session goes on.
    await h.crashAndRestart();
    const lost = await h.waitForReply(header, /cannot reconnect to this cloud session/);
    assert.ok(visible(lost).includes(`https://github.com/copilot/tasks/${task.id}`), visible(lost));
    const steers = task.steers.length;
    await h.slack.sendEvent({
      type: "message",
      channel: header.channel,
      user: OWNER,
      text: "and the CHANGELOG",
      ts: h.slack.nextTs(),
      thread_ts: header.ts,
    });
    const told = await h.slack.waitFor(
      () => h.slack.ephemerals.find((e) => e.user === OWNER && /no longer connected/.test(JSON.stringify(e))),
      { what: "the owner told where the session goes on" },
    );
    assert.ok(JSON.stringify(told).includes(`copilot/tasks/${task.id}`), JSON.stringify(told));
    assert.equal(task.steers.length, steers, "nothing was sent to the task from the ended thread");
  });

  test("a refused task and bad arguments are explained; nothing is left half-started", async () => {
    const from = h.slack.ephemerals.length;
    await h.slack.sendSlashCommand({ user_id: OWNER, channel_id: "C0001", text: "cloud not-a-repo do it" });
    const usage = await h.slack.waitFor(() => h.slack.ephemerals.slice(from).find((e) => e.user === OWNER), {
      what: "the usage",
    });
    assert.match(usage.text, /Usage: `\/copilot cloud owner\/repo\[@branch\]/);

    await gh.setMode({ tasksStatus: 403 });
    try {
      const header = await h.startSession(OWNER, "cloud octo/demo refuse me");
      await h.waitForReply(header, /Could not start the cloud session:.*task refused/);
    } finally {
      await gh.setMode({ tasksStatus: 201 });
    }
  });

  test("a cloud agent that never starts is reported in the thread", async () => {
    await gh.setMode({ worker: "never-starts" });
    try {
      const header = await h.startSession(OWNER, "cloud octo/demo wait for nothing");
      await h.waitForReply(header, /Could not start the cloud session:.*No events found for task/);
    } finally {
      await gh.setMode({ worker: "ok" });
    }
  });
});
