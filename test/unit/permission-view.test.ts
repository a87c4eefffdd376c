/**
 * Every permission kind the runtime can raise becomes a readable card (a title in words, the fields
 * as quotes or code, never a JSON dump of the request), and "Approve for session" is offered where
 * the protocol has a session-wide approval for it, which the answer then names. Kinds the scripted
 * model can raise are also tested end to end (test/e2e/slack-permission-kinds.test.ts).
 */

import assert from "node:assert/strict";
import { test } from "node:test";
import type {
  PermissionPromptRequest,
  PermissionPromptRequestCommands,
  PermissionPromptRequestCustomTool,
  PermissionPromptRequestExtensionEnvAccess,
  PermissionPromptRequestExtensionManagement,
  PermissionPromptRequestExtensionPermissionAccess,
  PermissionPromptRequestFactory,
  PermissionPromptRequestHook,
  PermissionPromptRequestMcp,
  PermissionPromptRequestMemory,
  PermissionPromptRequestPath,
  PermissionPromptRequestRead,
  PermissionPromptRequestUrl,
  PermissionPromptRequestWrite,
} from "@github/copilot-sdk";
import { slackChatLimits } from "../../adapters/slack/limits.js";
import { renderMessage } from "../../adapters/slack/render.js";
import { permissionView } from "../../src/copilot/events.js";
import { toResult } from "../../src/copilot/gateway.js";
import { promptCard } from "../../src/core/cards.js";
import type { PermissionView } from "../../src/core/vocabulary/permission.js";
import { prompt as promptSchema } from "../../src/core/vocabulary/prompt.js";

const judged = {
  recommendation: "requireApproval",
} as unknown as NonNullable<PermissionPromptRequestRead["assistedApproval"]>;

/** The view as the core gets it: checked by the schema every event and stored card passes. */
function viewOf(request: PermissionPromptRequest): PermissionView {
  const parsed = promptSchema.parse({ kind: "permission", view: permissionView(request) });
  assert.equal(parsed.kind, "permission");
  return parsed.kind === "permission" ? parsed.view : assert.fail("not a permission");
}

/** What a Slack reader sees of the card: its text and its buttons. */
function cardOf(view: PermissionView): { text: string; buttons: string[] } {
  const message = promptCard(
    "req-1",
    { kind: "permission", view },
    { status: "pending" },
    { platform: "slack", id: "UOWNER1" },
    slackChatLimits,
  );
  const blocks = renderMessage(message).blocks as {
    type: string;
    text?: { text: string };
    elements?: unknown[];
  }[];
  const text = JSON.stringify(blocks.filter((b) => b.type !== "actions"));
  const buttons = blocks
    .filter((b) => b.type === "actions")
    .flatMap((b) => (b.elements as { text: { text: string } }[]).map((e) => e.text.text));
  return { text, buttons };
}

/** The answer "Approve for session" sends to the runtime. */
const forSession = (view: PermissionView) => toResult({ kind: "approve-for-session" }, view);

/** A readable card: the title, no internal fields, and only the buttons the request allows. */
function assertReadable(view: PermissionView, title: string, forSessionOffered: boolean) {
  assert.equal(view.title, title);
  assert.doesNotMatch(view.title, /[{}"]/);
  const card = cardOf(view);
  assert.doesNotMatch(card.text, /toolCallId|assistedApproval|call_7|requireApproval/);
  assert.equal(card.buttons.includes("Approve for session"), forSessionOffered, card.buttons.join(", "));
  assert.equal(view.canApproveForSession, forSessionOffered);
}

test("shell: the command, and a session approval naming the runtime's command identifiers", () => {
  const request: PermissionPromptRequestCommands = {
    kind: "commands",
    fullCommandText: "git status && ls",
    intention: "Look around",
    commandIdentifiers: ["git status", "ls"],
    canOfferSessionApproval: true,
    toolCallId: "call_7",
  };
  const view = viewOf(request);
  assertReadable(view, "Run a shell command", true);
  assert.equal(view.command, "git status && ls");
  assert.deepEqual(forSession(view), {
    kind: "approve-for-session",
    approval: { kind: "commands", commandIdentifiers: ["git status", "ls"] },
  });
  const once = viewOf({ ...request, canOfferSessionApproval: false, warning: "deletes files" });
  assertReadable(once, "Run a shell command", false);
  assert.equal(once.details, "deletes files");
  assert.deepEqual(forSession(once), { kind: "approve-once" });
});

test("write: the file and its diff; session approval for writes where the runtime offers it", () => {
  const request: PermissionPromptRequestWrite = {
    kind: "write",
    fileName: "/w/a.txt",
    intention: "Create file",
    diff: "+hello",
    canOfferSessionApproval: true,
    toolCallId: "call_7",
  };
  const view = viewOf(request);
  assertReadable(view, "Write a file", true);
  assert.equal(view.path, "/w/a.txt");
  assert.deepEqual(forSession(view), { kind: "approve-for-session", approval: { kind: "write" } });
  assertReadable(viewOf({ ...request, canOfferSessionApproval: false }), "Write a file", false);
});

test("read: the path; approving for the session approves reads", () => {
  const request: PermissionPromptRequestRead = {
    kind: "read",
    path: "/etc/hosts",
    intention: "Read file: /etc/hosts",
    toolCallId: "call_7",
    assistedApproval: judged,
  };
  const view = viewOf(request);
  assertReadable(view, "Read a file or folder", true);
  assert.equal(view.path, "/etc/hosts");
  assert.deepEqual(forSession(view), { kind: "approve-for-session", approval: { kind: "read" } });
});

test("path: the paths and what is done with them; a session approval carries no `approval`", () => {
  const request: PermissionPromptRequestPath = {
    kind: "path",
    accessKind: "write",
    paths: ["/var/tmp/x/a.txt", "/var/tmp/x/b.txt"],
    toolCallId: "call_7",
  };
  const view = viewOf(request);
  assertReadable(view, "Write outside the workspace", true);
  assert.equal(view.path, "/var/tmp/x/a.txt\n/var/tmp/x/b.txt");
  assert.match(cardOf(view).text, /Paths:/);
  assert.deepEqual(forSession(view), { kind: "approve-for-session" });
  assertReadable(viewOf({ ...request, accessKind: "read" }), "Read outside the workspace", true);
  assertReadable(
    viewOf({ ...request, accessKind: "shell" }),
    "Let a shell command use a path outside the workspace",
    true,
  );
});

test("url: the URL; a session approval names its origin, and a URL without one gets none", () => {
  const request: PermissionPromptRequestUrl = {
    kind: "url",
    url: "https://docs.example.com/a?b=1",
    intention: "Fetch content from this URL.",
    redirectedFrom: "https://example.com/old",
    toolCallId: "call_7",
  };
  const view = viewOf(request);
  assertReadable(view, "Fetch a URL", true);
  assert.equal(view.url, "https://docs.example.com/a?b=1");
  assert.equal(view.details, "Redirected from: https://example.com/old");
  assert.deepEqual(forSession(view), { kind: "approve-for-session", domain: "https://docs.example.com" });
  const { redirectedFrom: _from, ...direct } = request;
  const odd = viewOf({ ...direct, url: "not a url" });
  assertReadable(odd, "Fetch a URL", false);
  assert.deepEqual(forSession(odd), { kind: "approve-once" });
});

test("mcp: the server and tool as code, the arguments as JSON; session approval for that tool", () => {
  const request: PermissionPromptRequestMcp = {
    kind: "mcp",
    serverName: "github",
    toolName: "create_issue",
    toolTitle: "Create an issue",
    args: { title: "Bug" },
    toolCallId: "call_7",
  };
  const view = viewOf(request);
  assertReadable(view, "Use an MCP tool", true);
  assert.equal(view.command, "github/create_issue");
  assert.equal(view.intention, "Create an issue");
  assert.equal(view.details, JSON.stringify({ title: "Bug" }, null, 2));
  assert.deepEqual(forSession(view), {
    kind: "approve-for-session",
    approval: { kind: "mcp", serverName: "github", toolName: "create_issue" },
  });
});

test("memory: the fact to remember or vote on, in words; session approval for memory", () => {
  const store: PermissionPromptRequestMemory = {
    kind: "memory",
    action: "store",
    fact: "Tests run with npm test",
    subject: "testing",
    citations: "package.json:5",
    toolCallId: "call_7",
  };
  const view = viewOf(store);
  assertReadable(view, "Remember a fact", true);
  assert.equal(view.intention, "Tests run with npm test");
  assert.equal(view.details, "Subject: testing\nCitations: package.json:5");
  assert.deepEqual(forSession(view), { kind: "approve-for-session", approval: { kind: "memory" } });
  const base = { kind: "memory", action: "vote", fact: "f" } as const;
  assertReadable(viewOf({ ...base, direction: "upvote" }), "Confirm a remembered fact", true);
  const down = viewOf({ ...base, direction: "downvote", reason: "outdated" });
  assertReadable(down, "Flag a remembered fact as wrong", true);
  assert.equal(down.details, "Reason: outdated");
});

test("custom tool: its name as code, its description and arguments; session approval for that tool", () => {
  const request: PermissionPromptRequestCustomTool = {
    kind: "custom-tool",
    toolName: "deploy",
    toolDescription: "Deploys the app",
    args: { env: "prod" },
    toolCallId: "call_7",
  };
  const view = viewOf(request);
  assertReadable(view, "Use a custom tool", true);
  assert.equal(view.command, "deploy");
  assert.equal(view.intention, "Deploys the app");
  assert.deepEqual(forSession(view), {
    kind: "approve-for-session",
    approval: { kind: "custom-tool", toolName: "deploy" },
  });
});

test("hook: the gated tool and the hook's message; no session approval exists for it", () => {
  const request: PermissionPromptRequestHook = {
    kind: "hook",
    toolName: "bash",
    toolArgs: { command: "rm -rf build" },
    hookMessage: "Deleting needs a confirmation",
    toolCallId: "call_7",
  };
  const view = viewOf(request);
  assertReadable(view, "Let a hook-gated tool call run", false);
  assert.equal(view.command, "bash");
  assert.equal(view.intention, "Deleting needs a confirmation");
  assert.equal(view.details, JSON.stringify({ command: "rm -rf build" }, null, 2));
  assert.deepEqual(forSession(view), { kind: "approve-once" });
});

test("extension management: the operation in words, the extension as code", () => {
  const request: PermissionPromptRequestExtensionManagement = {
    kind: "extension-management",
    operation: "reload",
    extensionName: "my-ext",
    toolCallId: "call_7",
  };
  const view = viewOf(request);
  assertReadable(view, "Manage an extension (reload)", true);
  assert.equal(view.command, "my-ext");
  assert.deepEqual(forSession(view), {
    kind: "approve-for-session",
    approval: { kind: "extension-management", operation: "reload" },
  });
  const { extensionName: _name, ...unnamed } = request;
  const odd = viewOf({ ...unnamed, operation: "x\n✅ Approved" });
  assertReadable(odd, "Manage an extension", true);
  assert.equal(odd.details, "Operation: x\n✅ Approved");
});

test("factory: its name, description, phases and limits; session approval only where persistable", () => {
  const request: PermissionPromptRequestFactory = {
    kind: "factory",
    name: "triage",
    description: "Triages issues",
    operation: "run",
    approvalKey: "factory:triage",
    canPersistApproval: true,
    phases: [{ title: "Collect", detail: "read issues" }, { title: "Label" }],
    maxTotalSubagents: 10,
    timeoutSeconds: 600,
    toolCallId: "call_7",
  };
  const view = viewOf(request);
  assertReadable(view, "Run a factory", true);
  assert.equal(view.command, "triage");
  assert.equal(view.intention, "Triages issues");
  assert.equal(
    view.details,
    [
      "Phases:",
      "  1. Collect: read issues",
      "  2. Label",
      "Subagents in all: 10",
      "Subagents at once: unlimited",
      "Active time: 600 s",
      "AI credits: unlimited",
    ].join("\n"),
  );
  assert.deepEqual(forSession(view), {
    kind: "approve-for-session",
    approval: { kind: "factory", approvalKey: "factory:triage" },
  });
  const author = viewOf({ ...request, operation: "author", canPersistApproval: false });
  assertReadable(author, "Write a factory (code loaded into this session)", false);
});

test("extension capabilities and environment variables: listed; session approval for that extension", () => {
  const caps: PermissionPromptRequestExtensionPermissionAccess = {
    kind: "extension-permission-access",
    extensionName: "my-ext",
    capabilities: ["network", "shell"],
    toolCallId: "call_7",
  };
  const capsView = viewOf(caps);
  assertReadable(capsView, "Let an extension use more capabilities", true);
  assert.equal(capsView.command, "my-ext");
  assert.equal(capsView.details, "Capabilities: network, shell");
  assert.deepEqual(forSession(capsView), {
    kind: "approve-for-session",
    approval: { kind: "extension-permission-access", extensionName: "my-ext" },
  });
  const env: PermissionPromptRequestExtensionEnvAccess = {
    kind: "extension-env-access",
    extensionName: "my-ext",
    environmentVariables: ["NPM_TOKEN", "AWS_PROFILE"],
    toolCallId: "call_7",
  };
  const envView = viewOf(env);
  assertReadable(envView, "Let an extension read environment variables", true);
  assert.equal(envView.details, "Variables: NPM_TOKEN, AWS_PROFILE");
  assert.deepEqual(forSession(envView), {
    kind: "approve-for-session",
    approval: {
      kind: "extension-env-access",
      extensionName: "my-ext",
      environmentVariables: ["NPM_TOKEN", "AWS_PROFILE"],
    },
  });
});

test("a kind the bridge does not know: a key: value list without internal fields, approved once", () => {
  const future = {
    kind: "teleport",
    destination: "mars",
    crew: ["a", "b"],
    toolCallId: "call_7",
    assistedApproval: judged,
  } as unknown as PermissionPromptRequest;
  const view = viewOf(future);
  assertReadable(view, "Permission request: teleport", false);
  assert.equal(view.details, 'destination: mars\ncrew: ["a","b"]');
  assert.deepEqual(forSession(view), { kind: "approve-once" });
});

test("a known kind with fields missing still gets a card, as a key: value list", () => {
  const broken = {
    kind: "extension-env-access",
    extensionName: "my-ext",
  } as unknown as PermissionPromptRequest;
  const view = viewOf(broken);
  assertReadable(view, "Permission request: extension-env-access", false);
  assert.equal(view.details, "extensionName: my-ext");
});

test("a card stored before session approvals were named keeps its Approve for session", () => {
  const stored = (view: Record<string, unknown>) => {
    const parsed = promptSchema.parse({ kind: "permission", view });
    return parsed.kind === "permission" ? parsed.view : assert.fail("not a permission");
  };
  const base = { rawKind: "commands", title: "Run a shell command", canApproveForSession: true };
  const shell = stored({ ...base, kind: "shell", commandIdentifiers: ["ls"] });
  assert.deepEqual(shell.sessionApproval, { kind: "commands", commandIdentifiers: ["ls"] });
  assert.equal("commandIdentifiers" in shell, false);
  assert.deepEqual(forSession(shell), {
    kind: "approve-for-session",
    approval: { kind: "commands", commandIdentifiers: ["ls"] },
  });
  const write = stored({ ...base, kind: "write", rawKind: "write", title: "Write a file" });
  assert.deepEqual(forSession(write), { kind: "approve-for-session", approval: { kind: "write" } });
  const read = stored({ ...base, kind: "read", rawKind: "read", canApproveForSession: false });
  assert.equal(read.sessionApproval, undefined);
  assert.equal(read.canApproveForSession, false);
});
