/**
 * Sessions under each person's own GitHub account, from Discord, with the real runtime and no BYOK
 * model: the model is the fake GitHub's Copilot API, which records the login of every token it is
 * called with, and Mission Control records its callers the same way. Alice and Bob link their
 * accounts; each one's session, its model turns and its Mission Control session go as them. Someone
 * unlinked runs as the bridge and the header says so; after logout a session that ran as the person
 * stops using the account. With BRIDGE_IDENTITY=required an unlinked person starts nothing until they
 * link.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { DiscordMessage } from "../fakes/discord/index.js";
import { messageText } from "../fakes/discord/index.js";
import { useBridge } from "./fixture.js";
import { checkoutOfDemo } from "./github.js";
import { identityEnv, linkOnDiscord } from "./identity.js";
import { sessionOfLink } from "./mission-control.js";

const ALICE = "340000000000000101";
const BOB = "340000000000000102";
const CAROL = "340000000000000103";
const DAVE = "340000000000000104";
const ERIN = "340000000000000105";

/** The Mission Control URL a Discord user can follow: the target of the masked link `[label](url)`. */
const linkTarget = /\]\((https:\/\/github\.com\/octo\/demo\/tasks\/[\w-]+)\)/;

const linkFirst =
  "This bridge runs sessions under your own GitHub account, and yours is not linked: run /copilot login first. Nothing was started.";

describe("Discord: sessions run as the person who asked", () => {
  const { h, drv, gh } = useBridge({
    discordOwner: ALICE,
    github: true,
    copilotApi: true,
    env: { ...identityEnv },
    ready: ({ h, gh }) => {
      gh.device.interval = 1;
      checkoutOfDemo(h.workdir);
    },
  });

  /** The bridge's own GitHub login (its GITHUB_TOKEN): `octocat`. */
  const bridgeLogin = () => gh.tokens.login(gh.gitHubToken);
  /** Chat completions the Copilot API answered for `login`'s tokens (undefined: unknown or revoked ones). */
  const chats = (login: string | undefined) =>
    gh.copilotApi.calls.filter((c) => c.path.endsWith("/chat/completions") && c.login === login);
  const header = (threadId: string): Promise<DiscordMessage> =>
    drv.waitReply(threadId, /Copilot session/, "the session header");

  /** `remote on` in the thread as its owner; resolves with the Mission Control session behind the link. */
  async function share(threadId: string, owner: string) {
    await drv.say(threadId, "remote on", { author: owner });
    const link = await drv.waitReply(threadId, /Follow and steer this session on GitHub/);
    const url = linkTarget.exec(messageText(link))?.[1];
    assert.ok(url, messageText(link));
    return sessionOfLink(gh, url);
  }

  /** Mission Control calls on the session `id`'s own paths (`/sessions/<id>`, `/sessions/<id>/…`). */
  const callsOn = (id: string) =>
    gh.mc.callers.filter((c) => c.path === `/sessions/${id}` || c.path.startsWith(`/sessions/${id}/`));

  test("Alice and Bob: each session, its model turns and its Mission Control session are theirs", async () => {
    const asBridge = chats(bridgeLogin()).length;
    await linkOnDiscord(h, drv, gh, ALICE, "alice");
    await linkOnDiscord(h, drv, gh, BOB, "bob");
    const whoami = await drv.slash(h.discord.channelId, "whoami", ALICE);
    await drv.ephemeralTo(whoami, /linked to GitHub as `alice`/);

    const alice = await drv.start("alice asks", ALICE);
    const bob = await drv.start("bob asks", BOB);
    const [aliceHeader, bobHeader] = await Promise.all([header(alice), header(bob)]);
    assert.match(messageText(aliceHeader), new RegExp(`<@${ALICE}>`));
    assert.match(messageText(aliceHeader), /GitHub: @alice/);
    assert.doesNotMatch(messageText(aliceHeader), /bridge's account/);
    assert.match(messageText(bobHeader), new RegExp(`<@${BOB}>`));
    assert.match(messageText(bobHeader), /GitHub: @bob/);
    await Promise.all([
      drv.waitReply(alice, /You said: alice asks \(user turns: 1\)/),
      drv.waitReply(bob, /You said: bob asks \(user turns: 1\)/),
    ]);
    assert.ok(
      gh.copilotApi.callsOf("alice").some((c) => c.path.endsWith("/chat/completions")),
      gh.copilotApi.describe(),
    );
    assert.ok(
      gh.copilotApi.callsOf("bob").some((c) => c.path.endsWith("/chat/completions")),
      gh.copilotApi.describe(),
    );
    assert.equal(chats(bridgeLogin()).length, asBridge, "no model turn went as the bridge's account");

    const [mcAlice, mcBob] = await Promise.all([share(alice, ALICE), share(bob, BOB)]);
    // Each Mission Control session hears only from its own person (events exported, commands polled).
    await gh.waitFor(() => callsOn(mcAlice.id).length > 0 && callsOn(mcBob.id).length > 0, {
      what: "calls on both Mission Control sessions",
      timeoutMs: 15_000,
    });
    assert.deepEqual([...new Set(callsOn(mcAlice.id).map((c) => c.login))], ["alice"]);
    assert.deepEqual([...new Set(callsOn(mcBob.id).map((c) => c.login))], ["bob"]);
    assert.equal(chats(bridgeLogin()).length, asBridge, "still no model turn as the bridge's account");
  });

  test("someone who has not linked runs as the bridge's account, and the header says so", async () => {
    const before = chats(bridgeLogin()).length;
    const thread = await drv.start("carol asks", CAROL);
    const top = await header(thread);
    assert.match(
      messageText(top),
      /GitHub: the bridge's account \(no linked account: \/copilot login links yours\)/,
    );
    assert.doesNotMatch(messageText(top), /GitHub: @/);
    await drv.waitReply(thread, /You said: carol asks \(user turns: 1\)/);
    assert.ok(chats(bridgeLogin()).length > before, gh.copilotApi.describe());
    assert.equal(gh.copilotApi.callsOf("carol").length, 0);
  });

  test("a token GitHub refuses mid-session asks to link again; after linking, the same session goes on", async () => {
    await linkOnDiscord(h, drv, gh, DAVE, "dave");
    const thread = await drv.start("dave asks", DAVE);
    assert.match((await header(thread)).content, /GitHub: @dave/);
    await drv.waitReply(thread, /You said: dave asks \(user turns: 1\)/);
    assert.equal(gh.tokens.revokeLogin("dave"), 1);
    await drv.say(thread, "second question", { author: DAVE });
    const ask = await drv.waitReply(thread, /GitHub refused the token of/, "the request to link again");
    assert.match(
      messageText(ask),
      new RegExp(`\`dave\` \\(revoked or expired\\)\\. <@${DAVE}>: run /copilot login`),
    );
    assert.match(messageText(ask), /keeps its history/);

    await linkOnDiscord(h, drv, gh, DAVE, "dave");
    await drv.say(thread, "third question", { author: DAVE });
    // The same session: the model sees the earlier turns, and the turn goes as Dave's new token.
    await drv.waitReply(thread, /You said: third question \(user turns: [3-9]\)/);
    assert.equal(chats("dave").at(-1)?.status, 200);
  });

  test("after logout, a message in a session that ran as the person is refused and reaches no model", async () => {
    await linkOnDiscord(h, drv, gh, ALICE, "alice");
    const thread = await drv.start("before logout", ALICE);
    assert.match((await header(thread)).content, /GitHub: @alice/);
    await drv.waitReply(thread, /You said: before logout \(user turns: 1\)/);

    const logout = await drv.slash(h.discord.channelId, "logout", ALICE);
    await drv.ephemeralTo(logout, /Unlinked `alice`\. The token was revoked on GitHub\./);
    const asAlice = chats("alice").length;
    const revoked = chats(undefined).length;
    const requests = h.model.requests.length;

    await drv.say(thread, "after logout", { author: ALICE });
    const refused = await drv.waitReply(thread, /no longer linked/, "the refusal");
    assert.match(messageText(refused), new RegExp(`^<@${ALICE}> `), "addressed to Alice");
    assert.match(
      messageText(refused),
      /This session runs as GitHub @alice, and that account is no longer linked: its owner runs \/copilot login, then sends the message again\. It was not sent to Copilot\./,
    );
    // The refusal is posted where the message would have been sent: nothing went to the model.
    assert.equal(drv.modelSaw("after logout", requests), false, "the model never saw the message");
    assert.equal(chats("alice").length, asAlice, "nothing more went to the model as Alice");
    assert.equal(chats(undefined).length, revoked, "nor with her revoked token");
    assert.equal(
      drv.replies(thread).filter((m) => /You said: after logout/.test(messageText(m))).length,
      0,
      "no answer in the thread",
    );
  });
});

describe("Discord: BRIDGE_IDENTITY=required", () => {
  const { h, drv, gh } = useBridge({
    discordOwner: ERIN,
    github: true,
    copilotApi: true,
    env: { ...identityEnv, BRIDGE_IDENTITY: "required" },
    ready: ({ h, gh }) => {
      gh.device.interval = 1;
      checkoutOfDemo(h.workdir);
    },
  });

  test("an unlinked person starts nothing, by mention or by /copilot; once linked, the session is theirs", async () => {
    const d = h.discord;
    const threads = d.threads.length;
    const requests = h.model.requests.length;

    // A mention in the channel: the bot answers the message itself, and opens no thread from it.
    const mention = await drv.say(d.channelId, "start something for me", { author: ERIN, mention: true });
    const answer = await d.waitFor(
      () =>
        d
          .channelMessages(d.channelId)
          .find((m) => m.author.bot && m.message_reference?.message_id === mention.id),
      { what: "the bot's answer to the mention", timeoutMs: 20_000 },
    );
    assert.equal(messageText(answer), linkFirst);
    assert.equal(
      d.threads.find((t) => t.message_id === mention.id),
      undefined,
      "no thread from the mention",
    );

    // /copilot prompt:<text>: the private answer says the same; nothing public is posted.
    const posts = d.messages.length;
    const command = await drv.slash(d.channelId, "start via the command", ERIN);
    const refused = await drv.ephemeralTo(command, /is not linked/);
    assert.equal(messageText(refused), linkFirst);
    assert.equal((refused.flags ?? 0) & 64, 64, "only Erin sees it");
    assert.equal(d.threads.length, threads, "no thread was started");
    assert.deepEqual(
      d.messages.slice(posts).filter((m) => m.author.bot),
      [],
      "no header or other post in the channel",
    );
    assert.equal(drv.modelSaw("start something for me", requests), false);
    assert.equal(drv.modelSaw("start via the command", requests), false);
    assert.equal(gh.copilotApi.calls.filter((c) => c.path.endsWith("/chat/completions")).length, 0);

    await linkOnDiscord(h, drv, gh, ERIN, "erin");
    const thread = await drv.start("now as myself", ERIN);
    const top = await drv.waitReply(thread, /Copilot session/, "the session header");
    assert.match(messageText(top), /GitHub: @erin/);
    await drv.waitReply(thread, /You said: now as myself \(user turns: 1\)/);
    assert.ok(
      gh.copilotApi.callsOf("erin").some((c) => c.path.endsWith("/chat/completions")),
      gh.copilotApi.describe(),
    );
    assert.equal(
      gh.copilotApi.calls.filter((c) => c.path.endsWith("/chat/completions") && c.login !== "erin").length,
      0,
      "every model turn went as Erin",
    );
  });
});
