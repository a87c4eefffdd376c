import { z } from "zod";

/** How the agent works: asks before acting, plans first, or acts on its own. */
export const agentModes = ["interactive", "plan", "autopilot"] as const;
export const agentMode = z.enum(agentModes);
export type AgentMode = z.output<typeof agentMode>;
