import type {
  FactoryPermissionPhase,
  PermissionPromptRequest,
  PermissionPromptRequestCommands,
  PermissionPromptRequestFactory,
  PermissionPromptRequestMemory,
  PermissionPromptRequestPath,
  PermissionPromptRequestUrl,
} from "@github/copilot-sdk";
import type { PermissionView, SessionApproval } from "../core/vocabulary/permission.js";

/**
 * What a permission prompt would do, for a card: a title in the bridge's own words (never text the
 * model or a tool chose: names, paths and arguments go to `command`, `path`, `url`, `details`, which
 * the card shows quoted or as code), and what "Approve for session" would cover where the runtime
 * allows it. Kinds the bridge does not know yet get a generic `key: value` list.
 */
export function permissionView(prompt: PermissionPromptRequest): PermissionView {
  try {
    return knownView(prompt);
  } catch {
    // A known kind without the fields it should have is still a request someone must answer.
    return genericView(prompt);
  }
}

function knownView(prompt: PermissionPromptRequest): PermissionView {
  switch (prompt.kind) {
    case "commands":
      return view("shell", prompt.kind, "Run a shell command", {
        intention: prompt.intention,
        command: prompt.fullCommandText,
        details: commandDetails(prompt),
        sessionApproval:
          prompt.canOfferSessionApproval && prompt.commandIdentifiers.length > 0
            ? { kind: "commands", commandIdentifiers: prompt.commandIdentifiers }
            : undefined,
      });
    case "write":
      return view("write", prompt.kind, "Write a file", {
        intention: prompt.intention,
        path: prompt.fileName,
        diff: prompt.diff || prompt.newFileContents || "",
        sessionApproval: prompt.canOfferSessionApproval ? { kind: "write" } : undefined,
      });
    case "read":
      // Asked for reads outside the workspace (and, seen in temp directories, inside it too); the
      // runtime remembers `{kind: "read"}` for every later read (its location check, `path`, still asks).
      return view("read", prompt.kind, "Read a file or folder", {
        intention: prompt.intention,
        path: prompt.path,
        sessionApproval: { kind: "read" },
      });
    case "path":
      return pathView(prompt);
    case "url":
      return view("url", prompt.kind, "Fetch a URL", {
        intention: prompt.intention,
        url: prompt.url,
        details: urlDetails(prompt),
        sessionApproval: urlApproval(prompt.url),
      });
    case "mcp":
      return view("mcp", prompt.kind, "Use an MCP tool", {
        intention: prompt.toolTitle && prompt.toolTitle !== prompt.toolName ? prompt.toolTitle : undefined,
        command: `${prompt.serverName}/${prompt.toolName}`,
        details: json(prompt.args),
        sessionApproval: { kind: "mcp", serverName: prompt.serverName, toolName: prompt.toolName },
      });
    case "memory":
      return view("other", prompt.kind, memoryTitle(prompt), {
        intention: prompt.fact,
        details: lines([
          ["Subject", prompt.subject],
          ["Citations", prompt.citations],
          ["Reason", prompt.reason],
        ]),
        sessionApproval: { kind: "memory" },
      });
    case "custom-tool":
      return view("other", prompt.kind, "Use a custom tool", {
        intention: prompt.toolDescription,
        command: prompt.toolName,
        details: json(prompt.args),
        sessionApproval: { kind: "custom-tool", toolName: prompt.toolName },
      });
    case "hook":
      // The protocol has no session-wide approval for a hook's confirmation.
      return view("other", prompt.kind, "Let a hook-gated tool call run", {
        intention: prompt.hookMessage,
        command: prompt.toolName,
        details: json(prompt.toolArgs),
      });
    case "extension-management": {
      // The operation (scaffold, reload…) names itself in the title when it is a plain word.
      const word = /^[a-z][a-z-]{0,30}$/i.test(prompt.operation);
      const title = word ? `Manage an extension (${prompt.operation})` : "Manage an extension";
      return view("other", prompt.kind, title, {
        command: prompt.extensionName,
        details: lines([["Operation", prompt.operation]]),
        sessionApproval: { kind: "extension-management", operation: prompt.operation },
      });
    }
    case "factory":
      return factoryView(prompt);
    case "extension-permission-access":
      return view("other", prompt.kind, "Let an extension use more capabilities", {
        command: prompt.extensionName,
        details: lines([["Capabilities", prompt.capabilities.join(", ")]]),
        sessionApproval: { kind: "extension-permission-access", extensionName: prompt.extensionName },
      });
    case "extension-env-access":
      return view("other", prompt.kind, "Let an extension read environment variables", {
        command: prompt.extensionName,
        details: lines([["Variables", prompt.environmentVariables.join(", ")]]),
        sessionApproval: {
          kind: "extension-env-access",
          extensionName: prompt.extensionName,
          environmentVariables: prompt.environmentVariables,
        },
      });
    default:
      return genericView(prompt);
  }
}

type Fields = Omit<PermissionView, "kind" | "rawKind" | "title" | "canApproveForSession" | "sessionApproval">;
type Optional<T> = { [K in keyof T]?: T[K] | undefined };

/** A view without its empty fields; "Approve for session" is offered exactly when `sessionApproval` is set. */
function view(
  kind: PermissionView["kind"],
  rawKind: string,
  title: string,
  fields: Optional<Fields> & { sessionApproval?: SessionApproval | undefined },
): PermissionView {
  const out: PermissionView = { kind, rawKind, title, canApproveForSession: false };
  for (const key of ["intention", "command", "path", "diff", "url", "details"] as const) {
    const value = fields[key];
    if (value !== undefined && (value !== "" || key === "diff")) out[key] = value;
  }
  if (fields.sessionApproval) {
    out.canApproveForSession = true;
    out.sessionApproval = fields.sessionApproval;
  }
  return out;
}

const pathTitles: Record<PermissionPromptRequestPath["accessKind"], [PermissionView["kind"], string]> = {
  read: ["read", "Read outside the workspace"],
  write: ["write", "Write outside the workspace"],
  shell: ["shell", "Let a shell command use a path outside the workspace"],
};

/**
 * The runtime's location check, asked before the tool's own permission (a write outside the
 * workspace asks `path`, then `write`). A plain approve-for-session makes the runtime allow the
 * path's folder (and below) for the session; the protocol sends no `approval` for it.
 */
function pathView(prompt: PermissionPromptRequestPath): PermissionView {
  const [kind, title] = pathTitles[prompt.accessKind] ?? ["other", "Use a path outside the workspace"];
  return view(kind, prompt.kind, title, {
    path: prompt.paths.join("\n"),
    sessionApproval: { kind: "path" },
  });
}

/**
 * A session approval of a URL must name its `domain` (the runtime fails the tool without one). The
 * runtime matches it like an origin: a bare host covers only https on port 443, so the URL's origin
 * (scheme, host and port; not its subdomains) is what "Approve for session" covers.
 */
function urlApproval(url: string): SessionApproval | undefined {
  try {
    const { protocol, origin } = new URL(url);
    return protocol === "https:" || protocol === "http:" ? { kind: "url", domain: origin } : undefined;
  } catch {
    return undefined;
  }
}

function urlDetails(prompt: PermissionPromptRequestUrl): string | undefined {
  return lines([
    ["Redirected from", prompt.redirectedFrom],
    ["Asks to fetch outside the sandbox", sandboxBypass(prompt)],
  ]);
}

function commandDetails(prompt: PermissionPromptRequestCommands): string | undefined {
  const bypass = sandboxBypass(prompt);
  if (!bypass) return prompt.warning || undefined;
  return lines([
    ["Warning", prompt.warning],
    ["Asks to run outside the sandbox", bypass],
  ]);
}

function sandboxBypass(prompt: {
  requestSandboxBypass?: boolean;
  requestSandboxBypassReason?: string | null;
}): string | undefined {
  if (!prompt.requestSandboxBypass) return undefined;
  return prompt.requestSandboxBypassReason || "yes";
}

function memoryTitle(prompt: PermissionPromptRequestMemory): string {
  if (prompt.action !== "vote") return "Remember a fact";
  if (prompt.direction === "upvote") return "Confirm a remembered fact";
  if (prompt.direction === "downvote") return "Flag a remembered fact as wrong";
  return "Vote on a remembered fact";
}

/** A factory's run (or its authoring: JavaScript loaded into the session), with its phases and limits. */
function factoryView(prompt: PermissionPromptRequestFactory): PermissionView {
  const limit = (n: number | undefined, unit = "") => (n === undefined ? "unlimited" : `${n}${unit}`);
  const details = lines([
    ["Phases", phases(prompt.phases)],
    ["Subagents in all", limit(prompt.maxTotalSubagents)],
    ["Subagents at once", limit(prompt.maxConcurrentSubagents)],
    ["Active time", limit(prompt.timeoutSeconds, " s")],
    ["AI credits", limit(prompt.maxAiCredits)],
  ]);
  const title =
    prompt.operation === "author" ? "Write a factory (code loaded into this session)" : "Run a factory";
  return view("other", prompt.kind, title, {
    intention: prompt.description,
    command: prompt.name,
    details,
    // Factories the runtime does not let users keep approving are approved once only.
    sessionApproval: prompt.canPersistApproval
      ? { kind: "factory", ...(prompt.approvalKey ? { approvalKey: prompt.approvalKey } : {}) }
      : undefined,
  });
}

function phases(list: FactoryPermissionPhase[] | undefined): string | undefined {
  if (!list?.length) return undefined;
  return list.map((p, i) => `\n  ${i + 1}. ${p.title}${p.detail ? `: ${p.detail}` : ""}`).join("");
}

/** A kind the bridge does not know: its fields as a `key: value` list, without internal ones. */
function genericView(prompt: object): PermissionView {
  const kind = "kind" in prompt && typeof prompt.kind === "string" ? prompt.kind : "unknown";
  const hidden = new Set(["kind", "toolCallId", "assistedApproval"]);
  const entries = Object.entries(prompt)
    .filter(([key]) => !hidden.has(key))
    .map(([key, value]): [string, string | undefined] => [
      key,
      typeof value === "string" ? value : value == null ? undefined : JSON.stringify(value),
    ]);
  return view("other", kind, `Permission request: ${kind}`, { details: lines(entries) });
}

/** `Label: value` lines for the values that are set (a list starts on the next line); undefined when none is. */
function lines(pairs: [string, string | undefined][]): string | undefined {
  const set = pairs.filter((p): p is [string, string] => p[1] !== undefined && p[1] !== "");
  const line = ([label, value]: [string, string]) => `${label}:${value.startsWith("\n") ? "" : " "}${value}`;
  return set.length ? set.map(line).join("\n") : undefined;
}

/** Tool arguments, pretty-printed (the card shows them as code). */
function json(value: unknown): string | undefined {
  return value === undefined || value === null ? undefined : JSON.stringify(value, null, 2);
}
