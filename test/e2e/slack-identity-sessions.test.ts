/**
 * Sessions under each person's own GitHub account, from Slack, with the real runtime and no BYOK
 * model: the model is the fake GitHub's Copilot API, which records the login of every token it is
 * called with, and Mission Control records its callers the same way. Alice and Bob link their
 * accounts; each one's session, its model turns, its Mission Control session and its cloud session
 * go as them, at the same time. Someone unlinked runs as the bridge and the header says so; a token
 * GitHub refuses mid-session asks its owner to link again and the session goes on after they do; a
 * refresh token renews an expired token; logout stops the session from using the account; no token
 * reaches the logs or the store file in clear.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import type { SlackMessage } from "../fakes/slack/index.js";
import { useBridge } from "./fixture.js";
import { checkoutOfDemo } from "./github.js";
import { visible } from "./harness.js";
import { identityEnv, linkOnSlack } from "./identity.js";
import { sessionOfLink } from "./mission-control.js";

const ALICE = "UALICE01";
const BOB = "UBOB0001";
const CAROL = "UCAROL01";
const DAVE = "UDAVE001";
const ERIN = "UERIN001";
const APPROVER = "UAPPROVE1";
const ADMIN = "UADMIN01";

describe("Slack: sessions run as the person who asked", () => {
  const { h, gh } = useBridge({
    github: true,
    copilotApi: true,
    env: {
      ...identityEnv,
      BRIDGE_CLOUD: "everyone",
      BRIDGE_APPROVERS: `slack:${APPROVER}`,
      BRIDGE_ADMINS: `slack:${ADMIN}`,
    },
    ready: ({ h, gh }) => {
      gh.device.interval = 1;
      checkoutOfDemo(h.workdir);
    },
  });

  /** The bridge's own GitHub login (its GITHUB_TOKEN). */
  const bridgeLogin = () => gh.tokens.login(gh.gitHubToken);
  /** Chat completions the Copilot API answered, by login. */
  const chats = (login: string | undefined) =>
    gh.copilotApi.calls.filter((c) => c.path.endsWith("/chat/completions") && c.login === login);
  const header = (m: SlackMessage) => visible(m);

  /** `remote on` in the thread; resolves with the Mission Control session behind the posted link. */
  async function share(thread: SlackMessage, user: string) {
    await h.say(thread, user, "remote on");
    const link = await h.waitForReply(thread, /Follow and steer this session on GitHub/);
    const url = /<(https:\/\/github\.com\/octo\/demo\/tasks\/[\w-]+)\|/.exec(visible(link))?.[1];
    assert.ok(url, visible(link));
    return sessionOfLink(gh, url);
  }

  test("Alice and Bob at once: each session, its model turns and its Mission Control session are theirs", async () => {
    await linkOnSlack(h, gh, ALICE, "alice");
    await linkOnSlack(h, gh, BOB, "bob");
    // One after the other (each start waits for its own header), then both run at once.
    const alice = await h.startSession(ALICE, "alice asks");
    const bob = await h.startSession(BOB, "bob asks");
    assert.match(header(alice), /GitHub: @alice/);
    assert.match(header(bob), /GitHub: @bob/);
    await Promise.all([h.waitForReply(alice, /user turns: 1/), h.waitForReply(bob, /user turns: 1/)]);
    assert.ok(chats("alice").length >= 1, gh.copilotApi.describe());
    assert.ok(chats("bob").length >= 1, gh.copilotApi.describe());
    assert.equal(chats(bridgeLogin()).length, 0, "no model turn went as the bridge");

    const [mcAlice, mcBob] = await Promise.all([share(alice, ALICE), share(bob, BOB)]);
    // Each Mission Control session hears only from its own person (events exported, commands polled).
    await gh.waitFor(
      () =>
        gh.mc.callers.some((c) => c.path.startsWith(`/sessions/${mcAlice.id}/`)) &&
        gh.mc.callers.some((c) => c.path.startsWith(`/sessions/${mcBob.id}/`)),
      { what: "calls on both Mission Control sessions", timeoutMs: 15_000 },
    );
    const loginsOn = (id: string) =>
      new Set(gh.mc.callers.filter((c) => c.path.startsWith(`/sessions/${id}`)).map((c) => c.login));
    assert.deepEqual([...loginsOn(mcAlice.id)], ["alice"]);
    assert.deepEqual([...loginsOn(mcBob.id)], ["bob"]);

    // A restart resumes each session as its owner.
    await h.crashAndRestart();
    const before = chats("alice").length;
    await h.barrier(alice, ALICE, "after the restart");
    assert.ok(chats("alice").length > before, "Alice's resumed session still runs as her");
    assert.equal(chats(bridgeLogin()).length, 0);
  });

  test("someone who has not linked runs as the bridge, and the header says so", async () => {
    const thread = await h.startSession(CAROL, "carol asks");
    assert.match(
      header(thread),
      /GitHub: the bridge's account \(no linked account: \/copilot login links yours\)/,
    );
    const before = chats(bridgeLogin()).length;
    await h.barrier(thread, CAROL, "hello from carol");
    assert.ok(chats(bridgeLogin()).length > before, gh.copilotApi.describe());
  });

  test("a token GitHub refuses mid-session asks to link again; after linking, the same session goes on", async () => {
    await linkOnSlack(h, gh, DAVE, "dave");
    const thread = await h.startSession(DAVE, "dave asks");
    await h.waitForReply(thread, /user turns: 1/);
    assert.equal(gh.tokens.revokeLogin("dave"), 1);
    await h.say(thread, DAVE, "second question");
    const ask = await h.waitForReply(thread, /GitHub refused the token of/);
    assert.match(visible(ask), /`dave` \(revoked or expired\)\. <@UDAVE001>: run \/copilot login/);
    assert.match(visible(ask), /keeps its history/);
    // Until Dave links again, his messages are refused with a reason and nothing reaches the model.
    const from = h.slack.ephemerals.length;
    await h.say(thread, DAVE, "third question");
    const refused = await h.slack.waitFor(() => h.slack.ephemerals.slice(from).find((e) => e.user === DAVE), {
      what: "the refusal",
    });
    assert.match(visible(refused), /runs as GitHub @dave, and GitHub refused that account's token/);
    assert.match(visible(refused), /It was not sent to Copilot/);

    await linkOnSlack(h, gh, DAVE, "dave");
    const [fresh] = gh.tokens.tokensOf("dave");
    assert.ok(fresh);
    const { answer } = await h.barrier(thread, DAVE, "fourth question");
    // The same session: the model sees the earlier turns.
    assert.match(visible(answer), /user turns: [3-9]/);
    const last = chats("dave").at(-1);
    assert.equal(last?.status, 200);
  });

  test("an expired token with a refresh token is renewed, and the next message goes through", async () => {
    gh.device.expiringTokens = true;
    try {
      await linkOnSlack(h, gh, ERIN, "erin");
    } finally {
      gh.device.expiringTokens = false;
    }
    const thread = await h.startSession(ERIN, "erin asks");
    await h.waitForReply(thread, /user turns: 1/);
    const refreshes = gh.device.refreshes.length;
    // The access token stops working (expired); its refresh token still does.
    assert.equal(gh.tokens.revokeLogin("erin"), 1);
    await h.say(thread, ERIN, "after expiry");
    await h.waitForReply(thread, /@erin's GitHub token had expired and was renewed/);
    assert.equal(gh.device.refreshes.length, refreshes + 1);
    assert.equal(gh.device.refreshes.at(-1)?.outcome, "token");
    const before = chats("erin").filter((c) => c.status === 200).length;
    await h.barrier(thread, ERIN, "once renewed");
    assert.ok(chats("erin").filter((c) => c.status === 200).length > before);
  });

  test("a cloud session runs as its owner; without a link it is refused", async () => {
    const from = h.slack.ephemerals.length;
    await h.slack.sendSlashCommand({ user_id: CAROL, channel_id: "C0001", text: "cloud octo/demo fix it" });
    const refused = await h.slack.waitFor(
      () => h.slack.ephemerals.slice(from).find((e) => e.user === CAROL),
      {
        what: "the refusal",
      },
    );
    assert.match(visible(refused), /Cloud sessions run on GitHub under your own account/);
    assert.equal(gh.cloud.tasks.size, 0, "no cloud task was created");

    await linkOnSlack(h, gh, CAROL, "carol");
    const thread = await h.startSession(CAROL, "cloud octo/demo fix it");
    assert.match(header(thread), /GitHub: @carol/);
    await h.waitForReply(thread, /Cloud says: fix it/);
    const tasks = gh.mc.callers.filter((c) => c.path === "/tasks" || c.path.startsWith("/tasks/"));
    assert.ok(tasks.length > 0);
    assert.deepEqual([...new Set(tasks.map((c) => c.login))], ["carol"]);
  });

  test("after logout a session that ran as the person stops using the account", async () => {
    await linkOnSlack(h, gh, ALICE, "alice");
    const thread = await h.startSession(ALICE, "before logout");
    await h.waitForReply(thread, /user turns: 1/);
    const before = chats("alice").length;
    const from = h.slack.ephemerals.length;
    await h.slack.sendSlashCommand({ user_id: ALICE, channel_id: "C0001", text: "logout" });
    await h.slack.waitFor(
      () => h.slack.ephemerals.slice(from).find((e) => /Unlinked `alice`/.test(visible(e))),
      {
        what: "the logout answer",
      },
    );
    await h.say(thread, ALICE, "after logout");
    const refused = await h.slack.waitFor(
      () => h.slack.ephemerals.slice(from).find((e) => /no longer linked/.test(visible(e))),
      { what: "the refusal" },
    );
    assert.match(visible(refused), /runs as GitHub @alice, and that account is no longer linked/);
    assert.equal(chats("alice").length, before, "nothing more went to the model as Alice");
  });

  test("an approver decides on anyone's session; the audit names the GitHub login of whoever decided", async () => {
    await linkOnSlack(h, gh, APPROVER, "octo-approver");
    const thread = await h.startSession(CAROL, "RUN: touch approved-by-approver.txt");
    const card = await h.waitForCard(thread);
    await h.click(APPROVER, card, "perm.once");
    await h.waitForReply(thread, /Tool bash result/);
    const from = h.slack.ephemerals.length;
    await h.slack.sendSlashCommand({ user_id: ADMIN, channel_id: "C0001", text: "audit 5" });
    const listing = await h.slack.waitFor(
      () => h.slack.ephemerals.slice(from).find((e) => e.user === ADMIN),
      {
        what: "the audit listing",
      },
    );
    assert.match(visible(listing), new RegExp(`<@${APPROVER}> approved once as GitHub @octo-approver`));
  });

  test("no linked token is in the bridge's logs or in clear in its store file", async () => {
    const tokens = ["alice", "bob", "carol", "dave", "erin", "octo-approver"].flatMap((login) =>
      gh.tokens.tokensOf(login),
    );
    assert.ok(tokens.length >= 3, "people are linked");
    const logs = h.output.join("\n");
    // The database and its write-ahead log, as they are on disk.
    const store = readdirSync(h.dir)
      .filter((name) => name.startsWith("bridge.sqlite"))
      .map((name) => readFileSync(join(h.dir, name)).toString("latin1"))
      .join("\n");
    assert.ok(store.includes("identities:"), "the store holds the links");
    for (const token of tokens) {
      assert.ok(!logs.includes(token), "a token is in the logs");
      assert.ok(!store.includes(token), "a token is in the store file in clear");
    }
  });
});

describe("Slack: BRIDGE_IDENTITY=required", () => {
  const { h, gh } = useBridge({
    github: true,
    copilotApi: true,
    env: { ...identityEnv, BRIDGE_IDENTITY: "required" },
    ready: ({ gh }) => {
      gh.device.interval = 1;
    },
  });

  test("an unlinked person is asked to link first and nothing starts; once linked, the session is theirs", async () => {
    const from = h.slack.ephemerals.length;
    const posts = h.slack.messages.length;
    await h.slack.sendSlashCommand({ user_id: ALICE, channel_id: "C0001", text: "do something" });
    const refused = await h.slack.waitFor(
      () => h.slack.ephemerals.slice(from).find((e) => e.user === ALICE),
      {
        what: "the refusal",
      },
    );
    assert.match(visible(refused), /yours is not linked: run \/copilot login first\. Nothing was started\./);
    assert.equal(h.slack.messages.length, posts, "no thread was opened");
    assert.equal(gh.copilotApi.calls.filter((c) => c.path.endsWith("/chat/completions")).length, 0);

    await linkOnSlack(h, gh, ALICE, "alice");
    const thread = await h.startSession(ALICE, "do something");
    assert.match(visible(thread), /GitHub: @alice/);
    await h.waitForReply(thread, /user turns: 1/);
    assert.ok(gh.copilotApi.callsOf("alice").some((c) => c.path.endsWith("/chat/completions")));
  });
});
