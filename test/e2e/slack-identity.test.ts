/**
 * Linking a GitHub account from Slack: `/copilot login` runs GitHub's device flow against the fake
 * GitHub, the code and verification URL (with a QR code of it) arrive in a direct message only the
 * person sees, and once they approve on GitHub the account is linked; `whoami` shows it, `logout`
 * forgets it and revokes the token. A refusal on GitHub is told privately too.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { useBridge } from "./fixture.js";
import { visible } from "./harness.js";
import { decodeQr } from "./qr.js";

const ALICE = "UALICE01";
const BOB = "UBOB0001";
const SECRET_KEY = Buffer.from("copilot-chat-bridge-test-key-32b").toString("base64");

describe("Slack: linking a GitHub account", () => {
  const { h, gh } = useBridge({
    github: true,
    env: {
      GITHUB_OAUTH_CLIENT_ID: "Iv1.fake0device0client",
      GITHUB_OAUTH_CLIENT_SECRET: "fake_client_secret_0001",
      BRIDGE_SECRET_KEY: SECRET_KEY,
    },
    ready: ({ gh }) => {
      // GitHub asks for 5 s between polls; the fake lets the bridge poll every second.
      gh.device.interval = 1;
    },
  });

  /** Runs `/copilot <text>` as `user` and returns the private answer. */
  async function command(user: string, text: string): Promise<string> {
    const from = h.slack.ephemerals.length;
    await h.slack.sendSlashCommand({ user_id: user, channel_id: "C0001", text });
    const answer = await h.slack.waitFor(() => h.slack.ephemerals.slice(from).find((e) => e.user === user), {
      what: `the answer to /copilot ${text}`,
    });
    return visible(answer);
  }

  /** The direct messages `user` got, once there are at least `n`. */
  const dms = (user: string, n: number) =>
    h.slack.waitFor(
      () => {
        // Slack shares a file as a message of its own, without text: only the texts count here.
        const got = h.slack
          .directMessages(user)
          .messages.map(visible)
          .filter((t) => t.trim() !== "");
        return got.length >= n ? got : undefined;
      },
      { what: `${n} direct message(s) to ${user}`, timeoutMs: 20_000 },
    );

  test("login sends the code privately with a QR code; approving links the account; whoami; logout revokes", async () => {
    assert.match(await command(ALICE, "whoami"), /not linked/);
    assert.match(await command(ALICE, "login"), /sent you a direct message/);
    const [codeMessage = ""] = await dms(ALICE, 1);
    const userCode = /\b([A-Z0-9]{4}-[A-Z0-9]{4})\b/.exec(codeMessage)?.[1];
    assert.ok(userCode, codeMessage);
    assert.match(codeMessage, /https:\/\/github\.com\/login\/device/);
    const qr = await h.slack.waitFor(() => h.slack.directMessages(ALICE).files[0], { what: "the QR code" });
    assert.equal(decodeQr(qr.bytes), "https://github.com/login/device");
    // Only Alice saw the code: not the channel, not Bob.
    assert.ok(!h.slack.messages.some((m) => m.channel === "C0001" && visible(m).includes(userCode)));
    assert.equal(h.slack.directMessages(BOB).messages.length, 0);

    gh.device.approve(userCode, "alice");
    const [, linked = ""] = await dms(ALICE, 2);
    assert.match(linked, /Linked to GitHub as @alice/);
    assert.match(await command(ALICE, "whoami"), /linked to GitHub as `alice` on github\.com/);
    assert.match(await command(BOB, "whoami"), /not linked/, "Bob's link is his own");

    const revocations = () => gh.device.requests.filter((r) => r.method === "DELETE").length;
    const before = revocations();
    assert.match(await command(ALICE, "logout"), /Unlinked `alice`\. The token was revoked on GitHub\./);
    assert.equal(revocations(), before + 1);
    assert.match(await command(ALICE, "whoami"), /not linked/);
    assert.match(await command(ALICE, "logout"), /not linked\. Nothing was changed/);
  });

  test("cancelled on GitHub: the person is told privately and nothing is linked", async () => {
    assert.match(await command(BOB, "login"), /sent you a direct message/);
    const [codeMessage = ""] = await dms(BOB, 1);
    const userCode = /\b([A-Z0-9]{4}-[A-Z0-9]{4})\b/.exec(codeMessage)?.[1];
    assert.ok(userCode, codeMessage);
    gh.device.deny(userCode);
    const [, told = ""] = await dms(BOB, 2);
    assert.match(told, /cancelled on GitHub\. Nothing was linked/);
    assert.match(await command(BOB, "whoami"), /not linked/);
  });
});
