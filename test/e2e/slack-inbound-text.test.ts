/**
 * What a Slack user types reaches Copilot as they typed it: Slack escapes `& < >` and turns
 * mentions, channels and links into `<…>` entities; the bridge decodes them before the core sees
 * the text, and the session header shows the prompt escaped exactly once.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { type SlackMessage, slackEntity, slackTyped } from "../fakes/slack/index.js";
import { useBridge } from "./fixture.js";
import { visible } from "./harness.js";

const OWNER = "UOWNER31";
const CHANNEL = "C0031";

describe("Slack: typed text reaches Copilot decoded", () => {
  const { h } = useBridge({
    ready: ({ h }) => {
      h.slack.addUser({ id: "UALICE", name: "alice.a", real_name: "Alice Able", display_name: "alice" });
      h.slack.addUser({ id: "UBOBBY", name: "bobby", real_name: "Bob Baker", display_name: "" });
    },
  });

  /** The user turns the model was sent, newest last. */
  const userTexts = (): string[] =>
    h.model.requests.flatMap((r) => r.messages.filter((m) => m.role === "user").map((m) => m.content));
  const modelGot = (text: string) =>
    h.slack.waitFor(() => userTexts().find((t) => t.includes(text)), {
      what: `the model to be sent ${JSON.stringify(text)}`,
      timeoutMs: 20_000,
    });
  const usersInfoCalls = (id: string) =>
    h.slack.calls.filter((c) => c.method === "users.info" && c.args.user === id).length;

  let header: SlackMessage;

  test("/copilot: entities and mentions are decoded for the model; the header shows what was typed", async () => {
    const before = h.slack.messages.length;
    await h.slack.sendSlashCommand({
      user_id: OWNER,
      channel_id: CHANNEL,
      text: slackTyped`fix a < b && c (not &lt;) for ${slackEntity.user("UALICE")} and ${slackEntity.user("UBOBBY")}, see ${slackEntity.link("https://x.y/a?b=1&c=2", "the docs")} or ${slackEntity.link("https://e.x/")} in ${slackEntity.channel("C0042", "dev-chat")}`,
    });
    header = await h.slack.waitFor(
      () => h.slack.messages.slice(before).find((m) => m.channel === CHANNEL && !m.thread_ts),
      { what: "the session header" },
    );
    const typed =
      "fix a < b && c (not &lt;) for @alice and @Bob Baker, see the docs (https://x.y/a?b=1&c=2) or https://e.x/ in #dev-chat";
    const sent = await modelGot(typed);
    assert.doesNotMatch(sent, /&amp;|&gt;|<@|<#|<https/, sent);

    const shown = visible(header);
    assert.ok(
      shown.includes(
        "fix a &lt; b &amp;&amp; c (not &amp;lt;) for @alice and @Bob Baker, see the docs (https://x.y/a?b=1&amp;c=2) or https://e.x/ in #dev-chat",
      ),
      shown,
    );
    await h.waitForReply(header, /You said: fix a &lt; b &amp;&amp; c .* \(user turns: 1\)/);
  });

  test("a thread reply is decoded too: the bot's own mention is stripped, specials become words", async () => {
    await h.slack.sendEvent({
      type: "message",
      channel: CHANNEL,
      user: OWNER,
      text: [
        slackEntity.user(h.slack.botUserId, "Copilot"),
        " is x > 1 & y < 2? ask ",
        slackEntity.user("UALICE"),
        " or ",
        slackEntity.user("UCAROL", "carol"),
        " ",
        slackEntity.broadcast("here"),
        " ",
        slackEntity.subteam("S0001", "@oncall"),
        " by ",
        slackEntity.date(1392734382, "{date_short}", "Feb 18, 2014"),
        ", mail ",
        slackEntity.link("mailto:a@b.c", "a@b.c"),
        " in ",
        slackEntity.channel("C0043"),
      ],
      ts: h.slack.nextTs(),
      thread_ts: header.ts,
    });
    const typed =
      "is x > 1 & y < 2? ask @alice or @carol @here @oncall by Feb 18, 2014, mail a@b.c in #C0043";
    const sent = await modelGot(typed);
    assert.doesNotMatch(sent, /<@|Copilot is/, sent);
    await h.waitForReply(header, /You said: is x &gt; 1 &amp; y &lt; 2\? .* \(user turns: 2\)/);
    assert.equal(usersInfoCalls("UALICE"), 1, "the name is looked up once and then cached");
    assert.equal(usersInfoCalls("UCAROL"), 0, "a mention that carries its name needs no lookup");
  });

  test("a mention whose lookup fails reads as the user id", async () => {
    h.slack.failNext("users.info", { slackError: "user_not_found" });
    await h.slack.sendEvent({
      type: "message",
      channel: CHANNEL,
      user: OWNER,
      text: slackTyped`who is ${slackEntity.user("UGHOST1")}?`,
      ts: h.slack.nextTs(),
      thread_ts: header.ts,
    });
    await modelGot("who is @UGHOST1?");
    await h.waitForReply(header, /You said: who is @UGHOST1\? \(user turns: 3\)/);
  });
});
