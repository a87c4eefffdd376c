/**
 * Permission kinds besides shell commands and writes in the workspace, raised by the real runtime
 * (test/fakes/model-permission-kinds.test.ts shows what it raises for READ, FETCH, WRITE and MCP
 * tools): each card says in words what would happen, shows the path or URL, never a dump of the
 * request, and offers "Approve for session" where the runtime honours it.
 */
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import type { SlackMessage } from "../fakes/slack/index.js";
import { useBridge } from "./fixture.js";
import { buttonsOf, visible } from "./harness.js";

const OWNER = "UOWNER9";
const allButtons = ["Approve once", "Approve for session", "Deny", "Deny with reason…"];

describe("Slack: permission kinds beyond shell and write", () => {
  const { h } = useBridge({ formMcp: true });
  /** Outside the workspace and outside the temp directory, where the runtime checks locations too. */
  const elsewhere = mkdtempSync("/var/tmp/ccb-e2e-kinds-");
  after(() => rmSync(elsewhere, { recursive: true, force: true }));

  const cards = (header: SlackMessage) =>
    h.slack.thread(header.channel, header.ts).filter((m) => /🔐/.test(visible(m)));
  const closed = (card: SlackMessage, match: RegExp) =>
    h.slack.waitFor(() => (buttonsOf(card).length === 0 && match.test(visible(card)) ? card : undefined), {
      what: `the card to close with ${match}`,
      timeoutMs: 20_000,
    });
  const cardWith = (header: SlackMessage, label: string, from = 0) =>
    h.slack.waitFor(
      () =>
        h.slack
          .thread(header.channel, header.ts)
          .slice(from)
          .find((m) => buttonsOf(m).some((b) => b.text === label)),
      { what: `a card with "${label}"`, timeoutMs: 20_000 },
    );

  test("read outside the workspace: the path in words; approved for the session, the next read is not asked", async () => {
    const outside = join(h.dir, "outside");
    mkdirSync(join(outside, "more"), { recursive: true });
    writeFileSync(join(outside, "a.txt"), "text of a\n");
    writeFileSync(join(outside, "more", "b.txt"), "text of b\n");
    const header = await h.startSession(OWNER, `READ: ${outside}/a.txt`);
    const card = await h.waitForCard(header);
    const text = visible(card);
    assert.match(text, /Read a file or folder/);
    assert.ok(text.includes(`${outside}/a.txt`), text);
    assert.doesNotMatch(text, /[{}]|toolCallId|"kind"/);
    assert.deepEqual(
      buttonsOf(card).map((b) => b.text),
      allButtons,
    );
    await h.click(OWNER, card, "perm.session");
    await h.waitForReply(header, /Tool view result:[\s\S]*text of a/);
    await closed(card, new RegExp(`Approved for this session.* by <@${OWNER}>`));

    await h.say(header, OWNER, `READ: ${outside}/more/b.txt`);
    await h.waitForReply(header, /Tool view result:[\s\S]*text of b/);
    assert.equal(cards(header).length, 1, "no second card");
  });

  test("a URL: the URL in words; approved for the session, the same origin is not asked again", async () => {
    // Loopback: web_fetch refuses it once approved, so nothing leaves this machine.
    const header = await h.startSession(OWNER, "FETCH: http://127.0.0.1:9/first");
    const card = await h.waitForCard(header);
    const text = visible(card);
    assert.match(text, /Fetch a URL/);
    assert.match(text, /http:\/\/127\.0\.0\.1:9\/first/);
    assert.doesNotMatch(text, /[{}]|toolCallId|"kind"/);
    assert.deepEqual(
      buttonsOf(card).map((b) => b.text),
      allButtons,
    );
    await h.click(OWNER, card, "perm.session");
    await h.waitForReply(header, /Tool web_fetch result: Failed to fetch .*first/);
    await closed(card, /Approved for this session/);

    await h.say(header, OWNER, "FETCH: http://127.0.0.1:9/second");
    await h.waitForReply(header, /Tool web_fetch result: Failed to fetch .*second/);
    assert.equal(cards(header).length, 1, "no second card");
  });

  test("a write outside the workspace: the location (path), then the file; the folder approved for the session", async () => {
    const file = join(elsewhere, "a.txt");
    const header = await h.startSession(OWNER, `WRITE: ${file} hello`);
    const card = await h.waitForCard(header);
    const text = visible(card);
    assert.match(text, /Write outside the workspace/);
    assert.ok(text.includes(file), text);
    assert.doesNotMatch(text, /[{}]|toolCallId|"kind"|accessKind/);
    assert.deepEqual(
      buttonsOf(card).map((b) => b.text),
      allButtons,
    );
    await h.click(OWNER, card, "perm.session");
    await closed(card, /Approved for this session/);
    const write = await h.waitForCard(header, 1);
    assert.match(visible(write), /Write a file/);
    assert.equal(existsSync(file), false, "nothing written before the second approval");
    await h.click(OWNER, write, "perm.once");
    await h.waitForReply(header, /Tool create result: Created file .*a\.txt/);
    assert.equal(existsSync(file), true);

    // The folder is approved for the session: the next write there asks only for the file.
    await h.say(header, OWNER, `WRITE: ${join(elsewhere, "b.txt")} again`);
    const next = await h.waitForCard(header, 2);
    assert.match(visible(next), /Write a file/);
    await h.click(OWNER, next, "perm.once");
    await h.waitForReply(header, /Tool create result: Created file .*b\.txt/);
    assert.equal(cards(header).length, 3);
  });

  test("an MCP tool: server and tool shown, approved for the session for that tool", async () => {
    const header = await h.startSession(OWNER, "FORM: Your name? | name");
    const card = await h.waitForCard(header);
    const text = visible(card);
    assert.match(text, /Use an MCP tool/);
    assert.match(text, /fakeform\/elicit/);
    assert.doesNotMatch(text, /toolCallId|serverName|"kind"/);
    assert.deepEqual(
      buttonsOf(card).map((b) => b.text),
      allButtons,
    );
    await h.click(OWNER, card, "perm.session");
    await closed(card, /Approved for this session/);
    const form = await cardWith(header, "Decline");
    await h.click(OWNER, form, "form.decline");
    await h.waitForReply(header, /Tool fakeform-elicit result: .*decline/);

    const from = h.slack.thread(header.channel, header.ts).length;
    await h.say(header, OWNER, "FORM: Your age? | age");
    await cardWith(header, "Decline", from);
    assert.equal(cards(header).length, 1, "no second MCP card");
  });
});
