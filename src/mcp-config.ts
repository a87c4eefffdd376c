import { readFileSync } from "node:fs";
import { z } from "zod";

/** COPILOT_MCP_CONFIG: the MCP servers every session gets, read from a JSON file. */

const mcpServer = z
  .object({
    type: z.enum(["stdio", "local", "http", "sse"]).optional(),
    command: z.string().optional(),
    url: z.string().optional(),
  })
  .loose()
  .refine((s) => s.command !== undefined || s.url !== undefined, "each MCP server needs a command or a url");
const mcpServerMap = z.record(z.string(), mcpServer);
/** `{"mcpServers": {name: {type, command, args, tools…}}}` (the Copilot CLI's format) or the bare map. */
const mcpFile = z.union([
  z.object({ mcpServers: mcpServerMap }).transform((f) => f.mcpServers),
  mcpServerMap,
]);

/** One MCP server as COPILOT_MCP_CONFIG describes it: its known fields checked, the rest kept as given. */
export type McpServer = z.output<typeof mcpServer>;

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
  const parsed = mcpFile.safeParse(raw);
  if (!parsed.success) {
    ctx.addIssue(
      `COPILOT_MCP_CONFIG: ${parsed.error.issues[0]?.message ?? "not an MCP server map"} in ${file}`,
    );
    return z.NEVER;
  }
  return parsed.data;
}
