/**
 * Input that cannot be encoded as it is: a lone UTF-16 surrogate, control characters, text made only
 * of invisible characters. The core normalises it once, so a session starts promptly with readable
 * text, and nothing that only looks empty starts one.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { useBridge } from "./fixture.js";
import { visible } from "./harness.js";

const OWNER = "UOWNER41";
const CHANNEL = "C0041";
const INVISIBLE = "\u200b\u200c\u200d\ufeff\u2060";
/** Well under the 30 s a lone surrogate used to hang the send for. */
const PROMPTLY = 8000;

describe("Slack: input that cannot be encoded", () => {
  const { h } = useBridge();

  const userTexts = (): string[] =>
    h.model.requests.flatMap((r) => r.messages.filter((m) => m.role === "user").map((m) => m.content));
  const ephemeralFor = (from: number, match: RegExp) =>
    h.slack.waitFor(
      () => h.slack.ephemerals.slice(from).find((e) => e.user === OWNER && match.test(e.text)),
      {
        what: `an ephemeral matching ${match}`,
      },
    );

  test("a lone surrogate in /copilot: a readable header, the prompt reaches the model with U+FFFD", async () => {
    const started = Date.now();
    const header = await h.startSession(OWNER, "lone \ud800 surrogate and\u0000 a NUL", CHANNEL);
    const shown = visible(header);
    assert.ok(shown.includes("lone \ufffd surrogate and a NUL"), shown);
    assert.doesNotMatch(shown, /\p{Cs}/u, "the header is well-formed UTF-16");
    await h.waitForReply(header, /You said: lone \ufffd surrogate and a NUL \(user turns: 1\)/);
    assert.ok(Date.now() - started < PROMPTLY, `answered after ${Date.now() - started} ms`);
    assert.ok(userTexts().some((t) => t.includes("lone \ufffd surrogate and a NUL")));
  });

  test("a lone surrogate in a thread reply is sent promptly, not lost", async () => {
    const header = await h.startSession(OWNER, "first", CHANNEL);
    await h.waitForReply(header, /user turns: 1/);
    const started = Date.now();
    await h.say(header, OWNER, "second \udc00 one");
    await h.waitForReply(header, /You said: second \ufffd one \(user turns: 2\)/);
    assert.ok(Date.now() - started < PROMPTLY, `answered after ${Date.now() - started} ms`);
  });

  test("a /copilot of only invisible characters answers with usage and starts nothing", async () => {
    const roots = () => h.slack.messages.filter((m) => !m.thread_ts).length;
    const before = roots();
    const requests = h.model.requests.length;
    const from = h.slack.ephemerals.length;
    await h.slack.sendSlashCommand({
      user_id: OWNER,
      channel_id: CHANNEL,
      text: `${INVISIBLE} \ufe0f\u00ad`,
    });
    await ephemeralFor(from, /Usage: `\/copilot/);
    // A barrier: a later command, answered only once the bridge has handled it whole.
    const later = h.slack.ephemerals.length;
    await h.slack.sendSlashCommand({ user_id: OWNER, channel_id: CHANNEL, text: " " });
    await ephemeralFor(later, /Usage: `\/copilot/);
    assert.equal(roots(), before, "no session header");
    assert.equal(h.model.requests.length, requests, "nothing reached the model");
  });

  test("a thread reply of only invisible characters is ignored", async () => {
    const header = await h.startSession(OWNER, "hello", CHANNEL);
    await h.waitForReply(header, /user turns: 1/);
    const requests = h.model.requests.length;
    // Replies, not the queue notice a message sent just before the first turn's end may get.
    const shown = () =>
      h.slack.thread(header.channel, header.ts).filter((m) => !/^(⏳|📨)/.test(visible(m))).length;
    const replies = shown();
    await h.say(header, OWNER, INVISIBLE);
    await h.say(header, OWNER, "after the blank one");
    await h.waitForReply(header, /You said: after the blank one \(user turns: 2\)/);
    assert.equal(h.model.requests.length, requests + 1, "only the visible message reached the model");
    assert.equal(shown(), replies + 1, "the blank one got no reply");
  });
});
