import assert from "node:assert/strict";
import { test } from "node:test";
import { escapeText, link, markdownToMrkdwn } from "../../src/adapters/slack/mrkdwn.js";
import { renderMessage } from "../../src/adapters/slack/render.js";

test("special mentions and user links from model text are defused", () => {
  const out = markdownToMrkdwn("ping <!channel> <!here> <!everyone> <@U123> and <https://x.y|click>");
  assert.ok(!out.includes("<!"), out);
  assert.ok(!out.includes("<@"), out);
  assert.ok(!/<https?:/.test(out), out);
  assert.ok(out.includes("&lt;!channel&gt;"));
});

test("bare @channel words get a zero-width joiner so link_names can never ping", () => {
  assert.equal(escapeText("hi @channel and @here"), "hi @\u200bchannel and @\u200bhere");
});

test("ampersands are escaped once", () => {
  assert.equal(escapeText("a & b <c>"), "a &amp; b &lt;c&gt;");
});

test("Markdown becomes mrkdwn; code is left alone but escaped", () => {
  const out = markdownToMrkdwn(
    "# Title\n**bold** and [docs](https://example.com/a?b=1&c=2)\n- item\n```\nif (a < b) **x**\n```",
  );
  assert.equal(
    out,
    "*Title*\n*bold* and <https://example.com/a?b=1&amp;c=2|docs>\n• item\n```\nif (a &lt; b) **x**\n```",
  );
});

test("only http(s) links are rendered as links", () => {
  assert.equal(link("javascript:alert(1)", "x"), "x");
  assert.equal(link("https://ok.example/|<!channel>", "x"), "x");
});

test("a message never exceeds Slack's section limit", () => {
  const rendered = renderMessage({ blocks: [{ type: "markdown", text: "<".repeat(3000) }], summary: "s" });
  for (const block of rendered.blocks) {
    const text = (block as { text?: { text: string } }).text?.text ?? "";
    assert.ok(text.length <= 3000, `section of ${text.length}`);
    assert.ok(!/&[a-z]{0,3}$/.test(text), "an escape was split");
  }
  assert.ok(rendered.blocks.length >= 4);
});
