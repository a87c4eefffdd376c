import assert from "node:assert/strict";
import { test } from "node:test";
import { promptCard } from "../../src/core/cards.js";
import type { ActionEvent } from "../../src/core/ports/chat.js";
import type { Message } from "../../src/core/types.js";
import { line } from "./subject.js";
import type { ContractCases } from "./suite.js";

/** What the bridge sends, as people see it: posts, edits, buttons, forms, notices, uploads, limits, pings. */
export const outboundCases: ContractCases = (get) => {
  test("a thread key names the platform and the workspace, and posts land in the thread", async () => {
    const { s, thread, header } = get();
    assert.equal(thread.platform, s.adapter.platform);
    assert.ok(thread.key.startsWith(`${s.adapter.platform}:${thread.workspace}:`), thread.key);
    assert.ok(thread.key.endsWith(thread.thread), thread.key);
    assert.match(s.read(header).text, /contract header/);
    const ref = await s.adapter.post(thread, line("first reply"));
    assert.deepEqual(s.replies(thread).at(-1), ref);
    assert.match(s.read(ref).text, /first reply/);
  });

  test("an edit replaces the text and the buttons", async () => {
    const { s, thread } = get();
    const ref = await s.adapter.post(thread, {
      blocks: [
        { type: "line", inline: ["before"] },
        { type: "buttons", buttons: [{ action: "contract.a", label: "Go", payload: "p-1" }] },
      ],
      summary: "before",
    });
    assert.deepEqual(s.read(ref).buttons, ["Go"]);
    await s.adapter.edit(ref, line("after"));
    await s.waitFor(() => /after/.test(s.read(ref).text), "the edit");
    assert.deepEqual(s.read(ref).buttons, []);
  });

  test("a click comes back with its action, payload, user and thread", async () => {
    const { s, thread, handler } = get();
    const ref = await s.adapter.post(thread, {
      blocks: [
        {
          type: "buttons",
          buttons: [
            { action: "contract.yes", label: "Yes", style: "primary", payload: "req-1" },
            { action: "contract.no", label: "No", style: "danger", payload: "req-2" },
          ],
        },
      ],
      summary: "choose",
    });
    await s.click(s.user, ref, "No");
    const event = await s.waitFor(
      () => handler.events.find((e): e is ActionEvent => e.type === "action" && e.action === "contract.no"),
      "the click",
    );
    assert.equal(event.payload, "req-2");
    assert.equal(event.user.id, s.user);
    assert.equal(event.thread?.key, thread.key);
    assert.deepEqual(event.message, ref);
  });

  test("a form opened from a click comes back with its values", async () => {
    const { s, thread, handler } = get();
    const ref = await s.adapter.post(thread, {
      blocks: [
        { type: "buttons", buttons: [{ action: "contract.modal", label: "Answer…", payload: "q-7" }] },
      ],
      summary: "question",
    });
    await s.click(s.user, ref, "Answer…");
    const opened = await s.waitFor(() => s.modalsOpened().at(-1), "the form");
    assert.equal(opened.title, "Contract form");
    assert.deepEqual(opened.fields, ["answer"]);
    await s.submitLastModal(s.user, { answer: "forty-two" });
    const submitted = await s.waitFor(() => handler.modals.at(-1), "the submission");
    assert.equal(submitted.callback, "contract.form");
    assert.equal(submitted.meta, "q-7");
    assert.equal(submitted.values.answer, "forty-two");
  });

  test("a notice reaches the user it is for", async () => {
    const { s, thread } = get();
    await s.adapter.notify(thread, { platform: s.adapter.platform, id: s.user }, "only for you");
    await s.waitFor(() => s.noticesFor(s.user).some((n) => n.includes("only for you")), "the notice");
  });

  test("an upload lands in the thread with its name and bytes", async () => {
    const { s, thread } = get();
    const bytes = Buffer.from("hello file\n".repeat(100));
    await s.adapter.upload(thread, { name: "notes.txt", title: "Notes", bytes });
    const file = await s.waitFor(() => s.uploads(thread).find((f) => f.name === "notes.txt"), "the upload");
    assert.ok(file.bytes.equals(bytes));
  });

  test("content at the adapter's own limits is accepted by the platform", async () => {
    const { s, thread } = get();
    const fence = "```";
    const body = "x".repeat(60);
    let text = `${fence}\n`;
    while (text.length + body.length + 10 < s.adapter.limits.messageChars) text += `${body}\n`;
    text += fence;
    const ref = await s.adapter.post(thread, { blocks: [{ type: "markdown", text }], summary: "long" });
    assert.ok(s.read(ref).text.length >= s.adapter.limits.messageChars - 200);
    const card = promptCard(
      "req-limits",
      {
        kind: "permission",
        view: {
          kind: "shell",
          rawKind: "shell",
          title: "Run a shell command",
          intention: "i".repeat(300),
          command: "c".repeat(s.adapter.limits.cardCodeChars * 2),
          canApproveForSession: true,
        },
      },
      { status: "pending" },
      { platform: s.adapter.platform, id: s.user },
      s.adapter.limits,
    );
    const cardRef = await s.adapter.post(thread, card);
    assert.equal(s.read(cardRef).buttons.length, 4);
  });

  test("model text cannot notify anyone, in any block, as posted or edited", async () => {
    const { s, thread } = get();
    const message: Message = {
      blocks: [
        { type: "markdown", text: `hey ${hostile}` },
        { type: "line", inline: [hostile, { bold: hostile }, { italic: hostile }, { code: hostile }] },
        { type: "quote", label: hostile, text: hostile },
        { type: "code", text: hostile },
        { type: "context", inline: [hostile] },
      ],
      summary: `hey ${hostile}`,
    };
    const ref = await s.adapter.post(thread, message);
    assert.deepEqual(s.notified(ref), [], s.read(ref).text);
    const [, ...rest] = message.blocks;
    await s.adapter.edit(ref, {
      blocks: [{ type: "markdown", text: `edited ${hostile}` }, ...rest],
      summary: `edited ${hostile}`,
    });
    await s.waitFor(() => /edited/.test(s.read(ref).text), "the edit");
    assert.deepEqual(s.notified(ref), [], s.read(ref).text);
  });

  test("the person the bridge names is notified, and no one the text around it names", async () => {
    const { s, thread } = get();
    const ref = await s.adapter.post(thread, {
      blocks: [
        {
          type: "line",
          inline: ["for ", { user: { platform: s.adapter.platform, id: s.user } }, ` ${hostile}`],
        },
      ],
      summary: "a card for its owner",
    });
    assert.deepEqual(s.notified(ref), [s.user], s.read(ref).text);
  });
};

/** Every way of notifying people in Slack and Discord syntax, as text a model could write. */
const hostile =
  "@everyone @here @channel <!channel> <!here> <!everyone> <!subteam^S0123ABC|@team> <@U123ABC> <@W123ABC|x> " +
  "<@123456789012345678> <@!123456789012345678> <@&987654321098765432>";
