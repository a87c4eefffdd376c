import assert from "node:assert/strict";
import { test } from "node:test";
import { ComponentType } from "discord-api-types/v10";
import { discordChatLimits } from "../../adapters/discord/limits.js";
import { renderMessage as renderDiscord } from "../../adapters/discord/render.js";
import { slackChatLimits } from "../../adapters/slack/limits.js";
import { renderMessage as renderSlack } from "../../adapters/slack/render.js";
import { promptCard } from "../../src/core/cards.js";
import type { ChatLimits } from "../../src/core/ports/chat.js";
import type { Message } from "../../src/core/types.js";
import type { PermissionView } from "../../src/core/vocabulary/permission.js";
import type { Outcome, Prompt } from "../../src/core/vocabulary/prompt.js";
import type { CardState } from "../../src/core/vocabulary/records.js";
import type { UserRef } from "../../src/core/vocabulary/refs.js";

const forged = "✅ Approved once by @owner · 10:00";
const at = Date.UTC(2024, 0, 1, 10, 0);
const owners: Record<"slack" | "discord", UserRef> = {
  slack: { platform: "slack", id: "UOWNER1" },
  discord: { platform: "discord", id: "210000000000000001" },
};
const limits: Record<"slack" | "discord", ChatLimits> = {
  slack: slackChatLimits,
  discord: discordChatLimits,
};

function card(
  platform: "slack" | "discord",
  prompt: Prompt,
  state: CardState = { status: "pending" },
): Message {
  return promptCard("req-1", prompt, state, owners[platform], limits[platform]);
}

function shell(view: Partial<PermissionView>): Prompt {
  const base: PermissionView = {
    kind: "shell",
    rawKind: "commands",
    title: "Run a shell command",
    canApproveForSession: false,
  };
  return { kind: "permission", view: { ...base, ...view } };
}

function decided(outcome: Outcome, by: UserRef): CardState {
  return { status: "decided", outcome, by, surface: "thread", at };
}

/** Code blocks and code spans are set apart already: only the prose around them is checked. */
const prose = (text: string) => text.replace(/```[\s\S]*?```/g, "").replace(/`[^`\n]*`/g, "`…`");

/** The lines a Slack reader sees outside code, section by section (context elements included). */
function slackLines(message: Message): string[] {
  return renderSlack(message).blocks.flatMap((b) => {
    const texts =
      b.type === "section"
        ? [(b.text as { text: string }).text]
        : b.type === "context"
          ? (b.elements as { text: string }[]).map((e) => e.text)
          : [];
    return texts.flatMap((t) => prose(t).split("\n"));
  });
}

/** The text a Discord message shows: its content, or a card's text displays (Components V2). */
function discordText(body: ReturnType<typeof renderDiscord>): string {
  if ("content" in body) return body.content;
  const [box] = body.components;
  return box.components.flatMap((c) => (c.type === ComponentType.TextDisplay ? [c.content] : [])).join("\n");
}

function discordLines(message: Message): string[] {
  return prose(discordText(renderDiscord(message, true))).split("\n");
}

const linesOf: Record<"slack" | "discord", (m: Message) => string[]> = {
  slack: slackLines,
  discord: discordLines,
};

/** A line that reads like one of the bridge's own status lines (Discord's `-# ` small print aside). */
const statusLike = /^\s*(?:-#\s*)?[*_]*\s*(?:✅|⛔|☑️|⏹️|💬|✏️|🔐|Approved|Denied|Answered)/u;

/** Every line mentioning `needle` is a quoted line, so none can pass for a line of the card's own. */
function assertOnlyQuoted(lines: string[], needle: RegExp, where: string): void {
  const hits = lines.filter((l) => needle.test(l));
  assert.ok(hits.length > 0, `${where}: the text is still shown:\n${lines.join("\n")}`);
  for (const line of hits) assert.match(line, /^> /, `${where}: unquoted line ${JSON.stringify(line)}`);
}

for (const platform of ["slack", "discord"] as const) {
  test(`${platform}: a pending card quotes a forged status line in the intention and the command`, () => {
    const message = card(
      platform,
      shell({ intention: `${forged}\n**Denied** by <@U999>`, command: `echo hi\n${forged}` }),
    );
    const lines = linesOf[platform](message);
    assertOnlyQuoted(lines, /Approved once by/, platform);
    assertOnlyQuoted(lines, /Denied/, platform);
    assert.deepEqual(
      lines.filter((l) => statusLike.test(l)),
      lines.filter((l) => l.includes("🔐")),
      "only the card's own headline reads like a status line",
    );
    assert.ok(
      message.blocks.some((b) => b.type === "buttons"),
      "the card still waits",
    );
  });

  test(`${platform}: an MCP tool's title cannot add a line to the headline`, () => {
    const message = card(
      platform,
      shell({ kind: "mcp", rawKind: "mcp", title: `Use MCP tool x\n${forged} (srv)` }),
    );
    const lines = linesOf[platform](message);
    const title = lines.filter((l) => l.includes("Approved once"));
    assert.equal(title.length, 1);
    assert.match(title[0] ?? "", /🔐 Use MCP tool x ✅ Approved once/);
  });

  test(`${platform}: the answers and reasons on closed cards are quoted`, () => {
    const question: Prompt = { kind: "question", question: "Colour?", choices: [], allowFreeform: true };
    const answered = card(
      platform,
      question,
      decided({ kind: "question", answer: `blue\n${forged}` }, owners[platform]),
    );
    const lines = linesOf[platform](answered);
    assert.equal(lines.filter((l) => statusLike.test(l)).length, 1, lines.join("\n"));
    assertOnlyQuoted(lines, /Answer: blue/, platform);
    assertOnlyQuoted(lines, /Approved once by/, platform);

    const denied = card(
      platform,
      shell({ command: "rm -rf /" }),
      decided(
        { kind: "permission", outcome: "denied", feedback: `no\n⛔ Denied by @owner` },
        owners[platform],
      ),
    );
    const deniedLines = linesOf[platform](denied);
    assert.equal(
      deniedLines.filter((l) => /Denied/.test(l) && !/^> /.test(l)).length,
      1,
      deniedLines.join("\n"),
    );
    assertOnlyQuoted(deniedLines, /Reason: no|Denied by @owner/, platform);
  });
}

test("slack: question, plan summary and form message are quoted plain text, never Slack syntax", () => {
  const hostile =
    "**Approve?** [https://github.com/login](https://evil.example/x) <!here> <!subteam^S123> <#C123> <@U123|name> <https://evil.example/x|github.com> @channel _it_ ~s~ `c`";
  const prompts: Prompt[] = [
    { kind: "question", question: hostile, choices: ["yes"], allowFreeform: false },
    { kind: "plan", summary: hostile, planContent: "", actions: ["interactive"] },
    {
      kind: "form",
      message: hostile,
      fields: [{ name: "n", title: `n\n${forged}`, type: "string", required: true }],
    },
  ];
  for (const prompt of prompts) {
    const rendered = renderSlack(card("slack", prompt));
    const quote = rendered.blocks.find((b) => JSON.stringify(b).includes("subteam"));
    assert.ok(quote && "text" in quote && quote.text, `the ${prompt.kind} text is shown`);
    const { text, verbatim } = quote.text as { text: string; verbatim?: boolean };
    assert.equal(verbatim, true, "Slack links nothing in a quote");
    assert.match(text, /^> /);
    assert.ok(!/<[^\s]/.test(text), `no Slack syntax: ${text}`);
    assert.ok(!/[*_~`]/.test(text), `no formatting: ${text}`);
    assert.ok(!/@channel/.test(text), text);
    assert.match(text, /Approve\?.*github\.com\/login.*evil\.example\/x/, "still readable");
    // The form's field titles are quoted too.
    if (prompt.kind === "form") assertOnlyQuoted(slackLines(card("slack", prompt)), /Approved once/, "form");
  }
});

test("discord: question, plan summary and form message are quoted plain text, never Markdown", () => {
  const hostile =
    "**Approve?** [https://github.com/login](https://evil.example/x) <@&111> <#222> <@333> <t:1:R> @everyone https://x.example ||spoiler|| `c`";
  const prompts: Prompt[] = [
    {
      kind: "question",
      question: `${hostile}\n# Heading\n- item\n1. step`,
      choices: [],
      allowFreeform: true,
    },
    { kind: "plan", summary: hostile, planContent: "", actions: ["interactive"] },
    { kind: "form", message: hostile, fields: [] },
  ];
  for (const prompt of prompts) {
    const rendered = renderDiscord(card("discord", prompt), true);
    const { allowed_mentions } = rendered;
    const content = discordText(rendered);
    const quoted = content.split("\n").filter((l) => l.includes("Approve"));
    assert.equal(quoted.length, 1, content);
    const line = quoted[0] ?? "";
    assert.match(line, /^> \\\*\\\*Approve\?\\\*\\\* /, "formatting is escaped");
    assert.ok(!/<[@#t]/.test(line), `no mention or tag renders: ${line}`);
    assert.ok(!/https:\/\//.test(line), `no URL links: ${line}`);
    assert.ok(!/(^|[^\\])\[/.test(line), `no masked link: ${line}`);
    assert.ok(!/@everyone/.test(line), line);
    assert.deepEqual(allowed_mentions.users, ["210000000000000001"], "only the owner may be pinged");
    if (prompt.kind === "question") {
      for (const l of content.split("\n").slice(2, 5)) assert.match(l, /^> \\[#-]|^> 1\\\./, l);
    }
  }
});

test("URLs and paths on permission cards are code, never links", () => {
  const prompt: Prompt = {
    kind: "permission",
    view: {
      kind: "url",
      rawKind: "url",
      title: "Fetch a URL",
      intention: "[github.com](https://evil.example/x)",
      url: "https://evil.example/x?next=https://github.com",
      canApproveForSession: false,
    },
  };
  const slack = renderSlack(card("slack", prompt))
    .blocks.map((b) => JSON.stringify(b))
    .join("\n");
  assert.match(slack, /URL: `https:\/\/evil\.example\/x\?next=https:\/\/github\.com`/);
  assert.ok(!/<https?:/.test(slack), slack);
  const discord = discordText(renderDiscord(card("discord", prompt), true));
  assert.match(discord, /URL: `https:\/\/evil\.example\/x\?next=https:\/\/github\.com`/);
  assert.ok(!/[^\\]\]\(|<https?:/.test(discord), discord);

  const paths = shell({
    kind: "read",
    rawKind: "path",
    title: "Access paths",
    path: `/etc/passwd\n${forged}`,
  });
  for (const platform of ["slack", "discord"] as const) {
    const lines = linesOf[platform](card(platform, paths));
    assert.ok(!lines.some((l) => l.includes("Approved once")), "several paths are one code block");
  }
});

test("a decider from the other platform is named readably, not as a bare id", () => {
  const outcome: Outcome = { kind: "permission", outcome: "approved" };
  const slack = renderSlack(card("slack", shell({ command: "ls" }), decided(outcome, owners.discord)));
  assert.match(JSON.stringify(slack.blocks), /Approved once\* by Discord user 210000000000000001 · /);
  const discord = renderDiscord(
    card("discord", shell({ command: "ls" }), decided(outcome, owners.slack)),
    true,
  );
  assert.match(discordText(discord), /Approved once\*\* by Slack user UOWNER1 · /);
  assert.deepEqual(discord.allowed_mentions.users, []);
});

test("a plan approved with an action the bridge does not know names it as code", () => {
  const plan: Prompt = { kind: "plan", summary: "s", planContent: "", actions: ["x"] };
  const closed = card(
    "slack",
    plan,
    decided({ kind: "plan", approved: true, action: `x*\n${forged}` }, owners.slack),
  );
  const lines = slackLines(closed);
  assert.equal(lines.filter((l) => statusLike.test(l)).length, 1, lines.join("\n"));
  assert.match(lines[2] ?? "", /^✅ \*Plan approved\* \(`…`\) by <@UOWNER1>/);
});

test("quoted text stays readable: words, names and line breaks are kept", () => {
  const question: Prompt = {
    kind: "question",
    question: "Rename get_user_id in src/app.py?\n_Yes_ or *no*",
    choices: [],
    allowFreeform: true,
  };
  const slack = slackLines(card("slack", question));
  assert.ok(slack.includes("> Rename get_user_id in src/app.py?"), slack.join("\n"));
  assert.ok(slack.includes("> ˍYesˍ or ∗no∗"), slack.join("\n"));
  const discord = discordLines(card("discord", question));
  assert.ok(discord.includes("> Rename get\\_user\\_id in src/app.py?"), discord.join("\n"));
  assert.ok(discord.includes("> \\_Yes\\_ or \\*no\\*"), discord.join("\n"));
});
