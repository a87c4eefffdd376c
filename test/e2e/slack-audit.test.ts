/**
 * The audit log: a click, a stop, a mode change, an answer given in a terminal and an end are
 * recorded with who, what, where and when; an admin reads them with `/copilot audit`, anyone else
 * is told why not, and `npm run audit` exports them from the store file.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { resolve } from "node:path";
import { describe, test } from "node:test";
import { promisify } from "node:util";
import { useBridge } from "./fixture.js";
import { buttonsOf, visible } from "./harness.js";
import { newSessions } from "./runtime.js";
import { storeUrl, waitForRows } from "./store-file.js";

const OWNER = "UOWNER12";
const ADMIN = "UADMIN12";
const root = resolve(import.meta.dirname, "../..");
const run = promisify(execFile);

describe("Slack: the audit log", () => {
  const { h, terminal } = useBridge({
    terminal: true,
    env: { BRIDGE_ADMINS: `slack:${ADMIN}` },
    ready: ({ terminal }) => terminal.start(),
  });

  const closed = (card: Parameters<typeof buttonsOf>[0]) =>
    h.slack.waitFor(() => (buttonsOf(card).length === 0 ? card : undefined), { what: "the card to close" });
  const auditAs = async (user: string, text = "audit") => {
    const from = h.slack.ephemerals.length;
    await h.slack.sendSlashCommand({ user_id: user, channel_id: "C0001", text });
    return h.slack.waitFor(() => h.slack.ephemerals.slice(from).find((e) => e.user === user), {
      what: `the answer to /copilot ${text}`,
    });
  };
  /** `npm run audit` with the bridge's store, as an operator runs it. */
  const exportAudit = async (...args: string[]) => {
    const { stdout } = await run("npm", ["run", "-s", "audit", "--", ...args], {
      cwd: root,
      env: { PATH: process.env.PATH ?? "", HOME: h.dir, BRIDGE_STORE_URL: storeUrl(h) },
    });
    return stdout;
  };

  test("a click, a stop, a mode change, a terminal's answer and an end are listed for an admin, newest first", async () => {
    const clicked = await h.startSession(OWNER, "RUN: touch audited-click.txt");
    await h.click(OWNER, await h.waitForCard(clicked), "perm.once");
    await h.waitForReply(clicked, /Tool bash result/);

    const stopped = await h.startSession(OWNER, "SLOW: 3000");
    await h.slack.waitFor(
      () => h.model.requests.some((r) => JSON.stringify(r.messages).includes("SLOW: 3000")),
      {
        what: "the slow turn",
      },
    );
    await h.say(stopped, OWNER, "stop");
    await h.waitForReply(stopped, new RegExp(`Stopped by <@${OWNER}>`));

    await h.say(clicked, OWNER, "mode plan");
    await h.waitForReply(clicked, new RegExp(`Mode set to plan .* by <@${OWNER}>`));

    // A terminal attached to the same session answers the card first.
    const known = new Set((await terminal?.listSessions())?.map((s) => s.sessionId));
    const elsewhere = await h.startSession(OWNER, "RUN: touch from-the-terminal.txt");
    const card = await h.waitForCard(elsewhere);
    const fresh = await newSessions(terminal, known);
    const session = await terminal?.resumeSession(fresh[0] ?? "", {
      ...h.model.sessionConfig(),
      onPermissionRequest: () => ({ kind: "no-result" }),
    });
    assert.ok(session, "the terminal attached");
    const requestId = buttonsOf(card).find((b) => b.action_id === "perm.once")?.value ?? "";
    assert.deepEqual(
      await session.rpc.permissions.handlePendingPermissionRequest({
        requestId,
        result: { kind: "approve-once" },
      }),
      { success: true },
    );
    await closed(card);
    assert.match(visible(card), /elsewhere/);
    await session.disconnect().catch(() => {
      // Cleanup only: the assertions are done.
    });

    await h.say(stopped, OWNER, "end");
    await h.waitForReply(stopped, new RegExp(`Session ended by <@${OWNER}>`));
    await waitForRows(h, "audit", 5); // the end is recorded as the thread is told, not before it

    const listing = await auditAs(ADMIN);
    const lines = listing.text.split("\n");
    assert.match(lines[0] ?? "", /^Audit log, newest first \(5\):/);
    const expected = [
      new RegExp(`<@${OWNER}> ended the session · in _SLOW: 3000_`),
      /someone elsewhere \(a terminal or another client\) approved \(request `[\w-]+`\) · in _RUN: touch from-the-terminal\.txt_/,
      new RegExp(`<@${OWNER}> set the mode to plan · in _RUN: touch audited-click\\.txt_`),
      new RegExp(`<@${OWNER}> stopped the turn · in _SLOW: 3000_`),
      new RegExp(`<@${OWNER}> approved once \\(request \`[\\w-]+\`\\) · in _RUN: touch audited-click\\.txt_`),
    ];
    assert.equal(lines.length, 1 + expected.length, listing.text);
    expected.forEach((re, i) => {
      assert.match(lines[i + 1] ?? "", /^• \d{4}-\d\d-\d\d \d\d:\d\d UTC · /);
      assert.match(lines[i + 1] ?? "", re);
    });
    assert.match((await auditAs(ADMIN, "audit 2")).text, /^Audit log, newest first \(2\):/);
  });

  test("someone who is not an admin is refused, and no session is started", async () => {
    const threads = h.slack.messages.filter((m) => !m.thread_ts).length;
    const refusal = await auditAs(OWNER);
    assert.equal(
      refusal.text,
      "Only a bridge admin (BRIDGE_ADMINS) can read the audit log. Nothing was shown.",
    );
    // A barrier: a later command, answered only once the bridge has handled it whole.
    await auditAs(OWNER);
    assert.equal(h.slack.messages.filter((m) => !m.thread_ts).length, threads, "no thread was opened");
  });

  test("npm run audit exports the log: JSON lines with --json, a table without", async () => {
    const lines = (await exportAudit("--json")).trim().split("\n");
    const entries = lines.map((l) => JSON.parse(l) as { kind: string; time: string; user?: { id: string } });
    assert.deepEqual(
      entries.map((e) => e.kind),
      ["answer", "stop", "mode", "answer-elsewhere", "end"],
    );
    assert.ok(entries.every((e) => !Number.isNaN(Date.parse(e.time))));
    assert.equal(entries[0]?.user?.id, OWNER);
    const table = await exportAudit();
    assert.match(table, /^when +who +what +where\n/);
    assert.match(table, new RegExp(`slack:${OWNER} +approved once \\(request [\\w-]+\\) +slack:`));
    assert.match(table, /someone elsewhere \(a terminal or another client\) +approved/);
    assert.equal((await exportAudit("--since", "2999-01-01", "--json")).trim(), "");
  });
});
