import { z } from "zod";
import type { Logger } from "../log.js";
import type { ChatAdapter } from "./chat.js";

/** The environment, as the process has it: every setting is a string or absent. */
export type Environment = Record<string, string | undefined>;

/**
 * One setting as the environment gives it: trimmed, and an empty value counts as unset. Plug-ins
 * start every setting's schema with it, as the core does.
 */
export const envSetting = z
  .string()
  .optional()
  .transform((v) => v?.trim() || undefined);

/** What the bridge hands every adapter it creates. */
export interface AdapterDeps {
  log: Logger;
  /** Pace platform calls to the platform's documented rate limits (BRIDGE_RATE_LIMITS). */
  rateLimits: boolean;
}

/**
 * A chat platform, as a plug-in: `adapters/<platform>/index.ts` exports one, and `adapters/index.ts`
 * lists them. The bridge reads each plug-in's settings from the environment and creates the adapters
 * of the platforms that are configured.
 */
export interface AdapterPlugin<Config = unknown> {
  /** The platform's name: in thread keys, in stored records and in `platform:id` settings. */
  readonly platform: string;
  /**
   * Reads the platform's settings from the environment: `undefined` when the platform is not
   * configured. A setting that is wrong fails with an issue whose message names it.
   */
  readonly config: z.ZodType<Config | undefined, Environment>;
  /** The values in `config` that must never be printed (tokens, secrets). */
  secrets(config: Config): string[];
  /** Builds the adapter; loads the platform's library only now, so an unused platform costs nothing. */
  create(config: Config, deps: AdapterDeps): Promise<ChatAdapter>;
}
