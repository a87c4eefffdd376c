import { readFileSync } from "node:fs";
import { z } from "zod";
import { type McpServer, mcpServer } from "./copilot/mcp-servers.js";

/** COPILOT_MCP_CONFIG: the MCP servers every session gets, read from a JSON file. */

const mcpServerMap = z.record(z.string(), mcpServer);

export type { McpServer };

export function readMcpConfig(file: string, ctx: z.RefinementCtx): Record<string, McpServer> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    ctx.addIssue(
      `COPILOT_MCP_CONFIG: cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`,
    );
    return z.NEVER;
  }
  // `{"mcpServers": {name: {type, command, args, tools…}}}` (the Copilot CLI's format) or the bare map.
  const servers = typeof raw === "object" && raw !== null && "mcpServers" in raw ? raw.mcpServers : raw;
  const parsed = mcpServerMap.safeParse(servers);
  if (!parsed.success) {
    ctx.addIssue(
      `COPILOT_MCP_CONFIG: ${parsed.error.issues[0]?.message ?? "not an MCP server map"} in ${file}`,
    );
    return z.NEVER;
  }
  return parsed.data;
}
