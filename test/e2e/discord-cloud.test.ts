import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { messageText } from "../fakes/discord/index.js";
import { buttons } from "./discord-driver.js";
import { useBridge } from "./fixture.js";
import { decodeQr } from "./qr.js";

const OWNER = "250000000000000001";

describe("Discord: cloud sessions", () => {
  const { h, drv, gh } = useBridge({
    discordOwner: OWNER,
    github: true,
    env: { BRIDGE_ADMINS: `discord:${OWNER}` },
  });

  test("a mention with `cloud owner/repo <prompt>` runs on GitHub's compute: link, QR code, answer", async () => {
    const threadId = await drv.start("cloud octo/demo write the docs");
    await drv.waitReply(threadId, /Starting a cloud session on `octo\/demo`/);
    const link = await drv.waitReply(threadId, /Follow and steer this session on GitHub/);
    const task = [...gh.mc.tasks.values()].at(-1);
    assert.ok(task);
    const url = `https://github.com/copilot/tasks/${task.id}`;
    assert.ok(messageText(link).includes(url), messageText(link));
    const qr = await h.discord.waitFor(
      () =>
        drv
          .replies(threadId)
          .flatMap((m) => m.attachments)
          .find((a) => a.filename === "session-qr.png"),
      { what: "the QR code" },
    );
    assert.equal(decodeQr(qr.bytes), url);
    await drv.waitReply(threadId, /Cloud says: write the docs/);
    assert.ok(!h.model.requests.some((r) => JSON.stringify(r.messages).includes("write the docs")));

    gh.cloud.emit(task, "permission.requested", {
      requestId: "cloud-req-d1",
      permissionRequest: {
        kind: "shell",
        fullCommandText: "make docs",
        intention: "Build the docs",
        commands: [{ identifier: "make docs", readOnly: false }],
        possiblePaths: [],
        possibleUrls: [],
        hasWriteFileRedirection: false,
        canOfferSessionApproval: false,
      },
    });
    const card = await drv.waitReply(threadId, /make docs/);
    assert.equal(buttons(card).length, 0, "a cloud prompt offers no buttons here");
    assert.match(messageText(card), /takes answers on GitHub/);
  });
});
