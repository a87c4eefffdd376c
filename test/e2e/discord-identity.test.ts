/**
 * Linking a GitHub account from Discord: `/copilot prompt:login` answers privately and sends the
 * device-flow code, the verification URL and its QR code in a direct message; approving on the fake
 * GitHub links the account; a person who does not accept direct messages gets the code in the
 * private answer instead; `logout` forgets the link.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { messageText } from "../fakes/discord/index.js";
import { useBridge } from "./fixture.js";
import { decodeQr } from "./qr.js";

const ALICE = "330000000000000101";
const SECRET_KEY = Buffer.from("copilot-chat-bridge-test-key-32b").toString("base64");

describe("Discord: linking a GitHub account", () => {
  const { h, drv, gh } = useBridge({
    discordOwner: ALICE,
    github: true,
    env: {
      GITHUB_OAUTH_CLIENT_ID: "Iv1.fake0device0client",
      GITHUB_OAUTH_CLIENT_SECRET: "fake_client_secret_0001",
      BRIDGE_SECRET_KEY: SECRET_KEY,
    },
    ready: ({ gh }) => {
      gh.device.interval = 1;
    },
  });

  const dms = (n: number) =>
    h.discord.waitFor(
      () => {
        const got = h.discord.directMessages(ALICE);
        return got.length >= n ? got : undefined;
      },
      { what: `${n} direct message(s)`, timeoutMs: 20_000 },
    );

  test("login: the code and a QR code in a direct message; approving links the account; logout unlinks", async () => {
    const login = await drv.slash(h.discord.channelId, "login");
    await drv.ephemeralTo(login, /sent you a direct message/);
    const [first] = await dms(1);
    assert.ok(first);
    const userCode = /\b([A-Z0-9]{4}-[A-Z0-9]{4})\b/.exec(messageText(first))?.[1];
    assert.ok(userCode, messageText(first));
    assert.match(messageText(first), /https:\/\/github\.com\/login\/device/);
    const png = first.attachments.find((a) => a.filename === "github-login-qr.png");
    assert.ok(png, "the QR code is attached");
    assert.equal(decodeQr(png.bytes), "https://github.com/login/device");
    assert.ok(
      !h.discord.channelMessages(h.discord.channelId).some((m) => messageText(m).includes(userCode)),
      "the code is not in the channel",
    );

    gh.device.approve(userCode, "alice");
    const [, linked] = await dms(2);
    assert.match(linked?.content ?? "", /Linked to GitHub as @alice/);
    const whoami = await drv.slash(h.discord.channelId, "whoami");
    await drv.ephemeralTo(whoami, /linked to GitHub as `alice`/);
    const logout = await drv.slash(h.discord.channelId, "logout");
    await drv.ephemeralTo(logout, /Unlinked `alice`\. The token was revoked on GitHub\./);
    const after = await drv.slash(h.discord.channelId, "whoami");
    await drv.ephemeralTo(after, /not linked/);
  });

  test("someone who does not accept direct messages gets the code in the private answer", async () => {
    h.discord.closedDms(ALICE);
    const login = await drv.slash(h.discord.channelId, "login");
    const answer = await drv.ephemeralTo(login, /enter the code/);
    const userCode = /\b([A-Z0-9]{4}-[A-Z0-9]{4})\b/.exec(messageText(answer))?.[1];
    assert.ok(userCode, messageText(answer));
    assert.match(messageText(answer), /github\.com\/login\/device/);
  });
});
