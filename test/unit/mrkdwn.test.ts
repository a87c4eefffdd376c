import assert from "node:assert/strict";
import { test } from "node:test";
import { escapeText, link, markdownToMrkdwn } from "../../adapters/slack/mrkdwn.js";
import { renderMessage } from "../../adapters/slack/render.js";

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
    const text = block.type === "section" ? (block.text?.text ?? "") : "";
    assert.ok(text.length <= 3000, `section of ${text.length}`);
    assert.ok(!/&[a-z]{0,3}$/.test(text), "an escape was split");
  }
  assert.ok(rendered.blocks.length >= 4);
});

/** Slack links (`<url|label>`) in rendered mrkdwn. */
function slackLinks(mrkdwn: string): { url: string; label: string }[] {
  return [...mrkdwn.matchAll(/<(https?:[^|>]*)\|([^>]*)>/g)].map((m) => ({
    url: m[1] ?? "",
    label: m[2] ?? "",
  }));
}

test("a model link whose label names another site shows its real target instead", () => {
  for (const spoof of [
    "[https://github.com/login](https://evil.example/x)",
    "[github.com](https://evil.example/x)",
    "[www.github.com/login](https://evil.example/x)",
    "[**github.com**](https://evil.example/x)",
    "[Sign in at https://github.com/login](https://evil.example/x)",
    "[https://github.com@evil.example](https://evil.example/x)",
    "[https://github.com](https://github.com.evil.example/x)",
  ]) {
    const out = markdownToMrkdwn(`Please sign in: ${spoof}`);
    for (const { url, label } of slackLinks(out)) {
      assert.equal(label, url, `${spoof} still renders as a link labelled ${label}: ${out}`);
    }
    assert.match(out, /evil\.example/, out);
  }
  assert.equal(
    markdownToMrkdwn("[https://github.com/login](https://evil.example/x)"),
    "https://github.com/login (<https://evil.example/x|https://evil.example/x>)",
  );
});

test("a link labelled with its own host, or with plain words, stays a link", () => {
  assert.equal(
    markdownToMrkdwn("[github.com](https://github.com/login)"),
    "<https://github.com/login|github.com>",
  );
  assert.equal(markdownToMrkdwn("[the docs](https://docs.example/x)"), "<https://docs.example/x|the docs>");
  assert.equal(
    markdownToMrkdwn("[README.md](https://github.com/o/r/blob/main/README.md)"),
    "<https://github.com/o/r/blob/main/README.md|README.md>",
  );
});

test("Slack syntax typed by the model never renders as Slack syntax", () => {
  const out = markdownToMrkdwn(
    "<!subteam^S123> <#C123> <@U123|name> <https://evil.example/x|https://github.com/login> <!here> <!date^1^{time}|x>",
  );
  assert.ok(!out.includes("<"), out);
  assert.deepEqual(slackLinks(out), []);
  assert.match(out, /&lt;!subteam\^S123&gt; &lt;#C123&gt; &lt;@U123\|name&gt;/);
});
