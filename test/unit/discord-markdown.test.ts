import assert from "node:assert/strict";
import { test } from "node:test";
import { modelMarkdown } from "../../adapters/discord/markdown.js";

/**
 * Masked links as Discord's parser (simple-markdown's `link` rule) finds them in rendered content:
 * the oracle the tests check output against, including what `modelMarkdown`'s own pattern leaves out.
 */
function discordLinks(content: string): { label: string; href: string }[] {
  const inside = String.raw`(?:\[[^\]]*\]|[^\[\]]|\](?=[^\[]*\]))*`;
  const hrefAndTitle = String.raw`\s*<?((?:\([^)]*\)|[^\s\\]|\\.)*?)>?(?:\s+['"]([\s\S]*?)['"])?\s*`;
  const re = new RegExp(String.raw`\[(${inside})\]\(${hrefAndTitle}\)`, "g");
  return [...content.matchAll(re)].map((m) => ({ label: m[1] ?? "", href: m[2] ?? "" }));
}

const spoofs = [
  "[https://github.com/login](https://evil.example/x)",
  "[https://github.com/login](<https://evil.example/x>)",
  "[github.com](https://evil.example/x)",
  "[www.github.com/login](https://evil.example/x)",
  '[github.com](https://evil.example/x "GitHub")',
  "[**github.com**](https://evil.example/x)",
  "[Sign in at https://github.com/login](https://evil.example/x)",
  "[https://github.com@evil.example](https://evil.example/x)",
  "[https://github.com](https://github.com.evil.example/x)",
  "[https://github.com](https://evil.example/a(b)c)",
  // Shapes Discord reads as links that the vetting pattern does not match: defused instead.
  "[https://github.com/login](https://evil.example/a(b)",
  "[https://github.com]x](https://evil.example/x)",
  "[https://github.com](https\\://evil.example/x)",
  "[[https://github.com](https://evil.example/y)](https://evil.example/x)",
];

test("a masked link whose label names another site never renders as that site", () => {
  for (const spoof of spoofs) {
    const out = modelMarkdown(`Please sign in: ${spoof} — thanks`);
    for (const { label, href } of discordLinks(out)) {
      assert.ok(
        !/github\.com/i.test(label) || /^<?https:\/\/github\.com\//.test(href),
        `${spoof} still renders as a link labelled ${label} to ${href}: ${out}`,
      );
    }
    assert.match(out, /evil\.example/, `the real target is shown: ${out}`);
  }
});

test("the real target is shown next to the label, as a bare link", () => {
  assert.equal(
    modelMarkdown("[https://github.com/login](https://evil.example/x)"),
    "https://github.com/login (<https://evil.example/x>)",
  );
  assert.equal(
    modelMarkdown("see [github.com](<https://evil.example/x>)."),
    "see github.com (<https://evil.example/x>).",
  );
});

test("a link labelled with its own host, or with plain words, stays a link", () => {
  for (const ok of [
    "[github.com](https://github.com/login)",
    "[https://github.com/o/r](https://github.com/o/r)",
    "[the docs](https://docs.example/x)",
    "[README.md](https://github.com/o/r/blob/main/README.md)",
  ]) {
    assert.equal(modelMarkdown(ok), ok);
  }
});

test("code that merely looks like a link target is left alone", () => {
  const code = "```js\nconst f = handlers[0](event);\ncall(args[i](a, b));\n```";
  assert.equal(modelMarkdown(code), code);
});

test("mentions typed by the model never render as mentions", () => {
  const out = modelMarkdown("hi <@&111> <#222> <@333> <@!444> </deploy:555> @everyone @here");
  assert.ok(!/<[@#/]/.test(out), out);
  assert.ok(!/@(everyone|here)/.test(out), out);
});

test("link syntax of another platform or a bare <url> shows the real URL", () => {
  // `<url>` is Discord's link without an embed: its face is the URL itself, so it may stay.
  assert.equal(modelMarkdown("<https://evil.example/x>"), "<https://evil.example/x>");
  const slackStyle = modelMarkdown("<https://evil.example/x|https://github.com/login>");
  assert.deepEqual(discordLinks(slackStyle), []);
});
