import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { cleanEvent, cleanInput, cleanModal } from "../../src/core/input-text.js";
import type { ActionEvent, CommandEvent, ModalSubmitEvent } from "../../src/core/ports/chat.js";

describe("cleanInput", () => {
  test("lone surrogates become U+FFFD; pairs (emoji) are kept", () => {
    assert.equal(cleanInput("a\ud800b"), "a\ufffdb");
    assert.equal(cleanInput("a\udc00b\ud83d"), "a\ufffdb\ufffd");
    assert.equal(cleanInput("\udc00\ud800"), "\ufffd\ufffd", "a pair in the wrong order is two lone ones");
    assert.equal(cleanInput("ok 😀 ❤️ 👨‍👩‍👧"), "ok 😀 ❤️ 👨‍👩‍👧");
    const cleaned = cleanInput("x\ud800");
    assert.equal(cleaned, Buffer.from(cleaned, "utf8").toString("utf8"), "encodes to UTF-8 and back");
  });

  test("control characters are dropped except tab and newline; CR and CRLF become newlines", () => {
    assert.equal(cleanInput("a\u0000b\u0007c\u001bd\u007fe\u0085f"), "abcdef");
    assert.equal(cleanInput("a\tb\nc"), "a\tb\nc");
    assert.equal(cleanInput("a\r\nb\rc"), "a\nb\nc");
  });

  test("text with nothing visible is empty", () => {
    assert.equal(cleanInput("\u200b\u200c\u200d\ufeff\u2060"), "");
    assert.equal(cleanInput(" \t\n\u00a0\u3000"), "");
    assert.equal(cleanInput("\ufe0f\u00ad\u200e\u202e\u2066\u180e\u3164\u{e0041}\u{e0100}"), "");
    assert.equal(cleanInput("\u0000\u200b"), "");
    assert.equal(cleanInput(""), "");
  });

  test("visible text keeps its invisible characters and spacing", () => {
    assert.equal(cleanInput("  a\u200bb  "), "  a\u200bb  ");
    assert.equal(cleanInput("\u200bhelp"), "\u200bhelp");
    assert.equal(cleanInput("\ud800"), "\ufffd", "a replacement character is visible");
  });
});

describe("cleanEvent / cleanModal", () => {
  const reply = async () => undefined;

  test("command and message text is cleaned; the rest of the event is kept", () => {
    const command: CommandEvent = {
      type: "command",
      id: "c1",
      user: { platform: "slack", id: "U1" },
      channel: { platform: "slack", channel: "C1", workspace: "T1" },
      text: "fix \ud800\u0000",
      reply,
    };
    const cleaned = cleanEvent(command);
    assert.deepEqual(cleaned, { ...command, text: "fix \ufffd" });
    assert.equal(cleaned.type === "command" && cleaned.reply, reply);
    assert.equal(command.text, "fix \ud800\u0000", "the original is not changed");
    const blank = cleanEvent({ ...command, text: "\u200b" });
    assert.equal(blank.type === "command" ? blank.text : undefined, "");
  });

  test("actions pass through as they are", () => {
    const action: ActionEvent = {
      type: "action",
      id: "a1",
      user: { platform: "discord", id: "1" },
      thread: undefined,
      action: "perm.once",
      payload: "\u200b",
      message: undefined,
      trigger: undefined,
      reply,
    };
    assert.equal(cleanEvent(action), action);
  });

  test("every modal value is cleaned", () => {
    const modal: ModalSubmitEvent = {
      type: "modal",
      id: "m1",
      user: { platform: "slack", id: "U1" },
      callback: "perm.deny",
      meta: "x",
      values: { reason: "not \ud800 now", other: "\u200b\u2060" },
    };
    assert.deepEqual(cleanModal(modal), { ...modal, values: { reason: "not \ufffd now", other: "" } });
  });
});
