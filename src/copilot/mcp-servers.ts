import type { MCPServerConfig } from "@github/copilot-sdk";
import { z } from "zod";

/**
 * One MCP server as the Copilot CLI's config file describes it, checked against the fields the SDK
 * takes (other fields are kept as given): a local command, or a remote URL over http or sse.
 */
const common = {
  tools: z.array(z.string()).exactOptional(),
  timeout: z.number().positive().exactOptional(),
};

const local = z.looseObject({
  type: z.enum(["stdio", "local"]).exactOptional(),
  command: z.string().min(1),
  args: z.array(z.string()).exactOptional(),
  env: z.record(z.string(), z.string()).exactOptional(),
  workingDirectory: z.string().exactOptional(),
  ...common,
});

const remote = z.looseObject({
  type: z.enum(["http", "sse"]),
  url: z.string().min(1),
  headers: z.record(z.string(), z.string()).exactOptional(),
  ...common,
});

/** A server that matches neither shape gets one message: the two fields that tell them apart. */
export const mcpServer = z.union([remote, local], {
  error: "each MCP server needs a command or a url",
}) satisfies z.ZodType<MCPServerConfig, unknown>;

export type McpServer = z.output<typeof mcpServer>;
