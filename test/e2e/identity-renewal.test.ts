/**
 * Whose identity a session starts with, against the fake GitHub (device flow and refresh through its
 * TLS proxy) with the real identity provider and a real SQLite store: a token about to expire is
 * renewed with its refresh token before a session uses it (and kept, sealed); one whose refresh
 * token has expired, or that GitHub refused, needs a new link; the three policies decide what an
 * unlinked person gets, and cloud sessions ask for a link unless the bridge's account is allowed.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { CoreSettings } from "../../src/core/context.js";
import { markRefused, sessionIdentity, standingOf } from "../../src/core/identities.js";
import { silentLogger } from "../../src/core/log.js";
import type { IdentityReach } from "../../src/core/ports/gateway.js";
import type { IdentityPolicy } from "../../src/core/vocabulary/identity.js";
import type { UserRef } from "../../src/core/vocabulary/refs.js";
import { GitHubIdentityProvider } from "../../src/identity/provider.js";
import { KeyvBridgeStore } from "../../src/store/keyv-store.js";
import { FakeGitHub } from "../fakes/github/index.js";

const T = { timeout: 30_000 };
const hour = 3_600_000;
let gh: FakeGitHub;
let store: KeyvBridgeStore;
let provider: GitHubIdentityProvider;
let dir: string;
/** The bridge's clock, moved by the tests. */
let now = Date.now();

before(async () => {
  gh = await FakeGitHub.start();
  gh.device.interval = 1;
  dir = mkdtempSync(join(tmpdir(), "ccb-renewal-"));
  store = KeyvBridgeStore.open(`sqlite://${join(dir, "bridge.sqlite")}`, silentLogger, {
    secretKey: randomBytes(32),
  });
  provider = new GitHubIdentityProvider({
    clientId: gh.device.app.clientId,
    clientSecret: gh.device.app.clientSecret,
    host: "github.com",
    env: gh.env,
    log: silentLogger,
  });
});
after(async () => {
  await store.close();
  await gh.stop();
  rmSync(dir, { recursive: true, force: true });
});

function ctx(
  policy: IdentityPolicy = "preferred",
  options: { cloudAsBridge?: boolean; reach?: IdentityReach } = {},
) {
  const settings = { identityPolicy: policy, cloudAsBridge: options.cloudAsBridge ?? false } as CoreSettings;
  return {
    store,
    identity: provider,
    settings,
    log: silentLogger,
    now: () => now,
    gateway: { identityReach: options.reach ?? "full" } as never,
  };
}

/** Links `user` as `login` through the device flow, as `/copilot login` does. */
async function link(user: UserRef, login: string, expiring: boolean): Promise<void> {
  gh.device.expiringTokens = expiring;
  const pending = await provider.start();
  gh.device.approve(pending.login.userCode, login);
  const outcome = await pending.outcome;
  assert.equal(outcome.status, "linked");
  if (outcome.status !== "linked") return;
  await store.putIdentity({
    user,
    login: outcome.login,
    host: outcome.host,
    linkedAt: now,
    ...outcome.secrets,
  });
}

test("a token about to expire is renewed before use; the renewed pair is kept sealed", T, async () => {
  const alice: UserRef = { platform: "slack", id: "UALICE" };
  await link(alice, "alice", true);
  const linked = await store.getIdentity(alice);
  assert.ok(linked?.expiresAt && linked.refreshToken);
  // Hours before expiry: used as is.
  now = linked.expiresAt - 2 * hour;
  const early = await standingOf(ctx(), alice);
  assert.equal(early.kind, "linked");
  assert.equal(early.kind === "linked" && early.runAs.token, linked.accessToken);
  // Two minutes before: renewed first.
  const refreshes = gh.device.refreshes.length;
  now = linked.expiresAt - 2 * 60_000;
  const renewed = await standingOf(ctx(), alice);
  assert.equal(gh.device.refreshes.length, refreshes + 1);
  assert.equal(renewed.kind, "linked");
  if (renewed.kind !== "linked") return;
  assert.notEqual(renewed.runAs.token, linked.accessToken);
  assert.equal(gh.tokens.login(renewed.runAs.token), "alice", "GitHub knows the new token");
  assert.equal(gh.tokens.known(linked.accessToken), false, "the old one stopped working");
  const kept = await store.getIdentity(alice);
  assert.equal(kept?.accessToken, renewed.runAs.token);
  assert.equal(kept?.linkedAt, linked.linkedAt, "still the same link");
});

test(
  "two sessions needing a new token at once share one exchange (a refresh token works once)",
  T,
  async () => {
    const dana: UserRef = { platform: "slack", id: "UDANA" };
    await link(dana, "dana", true);
    const linked = await store.getIdentity(dana);
    assert.ok(linked?.expiresAt);
    now = linked.expiresAt - 60_000;
    const refreshes = gh.device.refreshes.length;
    const [a, b] = await Promise.all([standingOf(ctx(), dana), standingOf(ctx(), dana)]);
    assert.equal(gh.device.refreshes.length, refreshes + 1, "one refresh");
    assert.equal(a.kind, "linked");
    assert.equal(b.kind, "linked");
    assert.equal(a.kind === "linked" && b.kind === "linked" && a.runAs.token === b.runAs.token, true);
    assert.equal(gh.device.refreshes.at(-1)?.outcome, "token");
  },
);

test(
  "a token past renewal, or one GitHub refused, needs a new link; the policy decides what happens then",
  T,
  async () => {
    const bob: UserRef = { platform: "discord", id: "220000000000000002" };
    await link(bob, "bob", true);
    const linked = await store.getIdentity(bob);
    assert.ok(linked?.refreshExpiresAt);
    now = linked.refreshExpiresAt + 1;
    assert.deepEqual(await standingOf(ctx(), bob), { kind: "relink", login: "bob" });

    const carol: UserRef = { platform: "slack", id: "UCAROL" };
    await link(carol, "carol", false);
    now = Date.now();
    assert.equal((await standingOf(ctx(), carol)).kind, "linked");
    await markRefused(ctx(), carol);
    assert.deepEqual(await standingOf(ctx(), carol), { kind: "relink", login: "carol" });
    assert.deepEqual(await sessionIdentity(ctx("preferred"), carol, "local"), {
      runsAs: { kind: "bridge", why: "relink" },
    });
    const required = await sessionIdentity(ctx("required"), carol, "local");
    assert.match(
      "refusal" in required ? required.refusal : "",
      /GitHub refused the token of your linked account/,
    );
    // Linking again clears it.
    await link(carol, "carol", false);
    assert.equal((await standingOf(ctx(), carol)).kind, "linked");
  },
);

test(
  "policies: preferred falls back, required refuses, bridge ignores links; cloud asks for a link",
  T,
  async () => {
    const dave: UserRef = { platform: "slack", id: "UDAVE" };
    const erin: UserRef = { platform: "slack", id: "UERIN" };
    await link(erin, "erin", false);
    now = Date.now();
    assert.deepEqual(await sessionIdentity(ctx("preferred"), dave, "local"), {
      runsAs: { kind: "bridge", why: "unlinked" },
    });
    const refused = await sessionIdentity(ctx("required"), dave, "local");
    assert.match(
      "refusal" in refused ? refused.refusal : "",
      /yours is not linked: run \/copilot login first/,
    );
    assert.deepEqual(await sessionIdentity(ctx("bridge"), erin, "local"), {});
    const cloud = await sessionIdentity(ctx("preferred"), dave, "cloud");
    assert.match("refusal" in cloud ? cloud.refusal : "", /BRIDGE_CLOUD_AS_BRIDGE=on/);
    assert.deepEqual(await sessionIdentity(ctx("preferred", { cloudAsBridge: true }), dave, "cloud"), {
      runsAs: { kind: "bridge", why: "unlinked" },
    });
    const erinAs = await sessionIdentity(ctx("preferred", { reach: "model" }), erin, "local");
    assert.ok("runsAs" in erinAs);
    assert.deepEqual(erinAs.runsAs, { kind: "person", login: "erin", host: "github.com", reach: "model" });
    assert.equal(erinAs.runAs?.login, "erin");
    assert.equal(gh.tokens.login(erinAs.runAs?.token ?? ""), "erin");
  },
);
