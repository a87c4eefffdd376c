/**
 * The OAuth scopes the Web API methods need of a bot token (docs.slack.dev, each method's "Required
 * scopes"), for the methods the bridge calls whose scope does not depend on the kind of channel.
 * Methods not listed are not checked: `auth.test`, `chat.getPermalink` and `views.*` need none;
 * `conversations.info/replies/history` need the read or history scope of the channel's kind.
 */
const NEEDED: Readonly<Record<string, string | readonly string[]>> = {
  "chat.postMessage": "chat:write",
  "chat.startStream": "chat:write",
  "chat.appendStream": "chat:write",
  "chat.stopStream": "chat:write",
  // "accepts either the assistant:write or chat:write scope for the time being" (changelog 2026-03-05).
  "assistant.threads.setStatus": ["chat:write", "assistant:write"],
  // "Authentication token bearing the chat:write scope. Must be a granular bot token."
  "agents.sessions.setStatus": "chat:write",
  "chat.update": "chat:write",
  "chat.delete": "chat:write",
  "chat.postEphemeral": "chat:write",
  // For a 1:1 IM, the only kind the fake opens (a multi-person one needs mpim:write).
  "conversations.open": "im:write",
  "files.getUploadURLExternal": "files:write",
  "files.completeUploadExternal": "files:write",
  "reactions.add": "reactions:write",
  "reactions.remove": "reactions:write",
  "users.info": "users:read",
};

/** Slack's answer when the token lacks the scope `method` needs; undefined when it has it. */
export function missingScope(
  method: string,
  granted: ReadonlySet<string> | undefined,
): Record<string, unknown> | undefined {
  const entry = NEEDED[method];
  if (granted === undefined || entry === undefined) return undefined;
  const anyOf: readonly string[] = typeof entry === "string" ? [entry] : entry;
  if (anyOf.some((scope) => granted.has(scope))) return undefined;
  return { ok: false, error: "missing_scope", needed: anyOf[0], provided: [...granted].join(",") };
}
