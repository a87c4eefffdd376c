/**
 * The bridge's configuration: the core's settings (config-core.ts, built from the checks in
 * config-fields.ts), then each plug-in's, as one `Config`.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import type { z } from "zod";
import { type CoreConfig, coreSettings } from "./config-core.js";
import type { AdapterPlugin, Environment } from "./core/ports/plugin.js";

export type { CoreConfig } from "./config-core.js";
export { storeUrlOf } from "./config-core.js";

/** A chat platform whose settings are present: its plug-in, and what the plug-in read from them. */
export interface ConfiguredPlatform {
  readonly plugin: AdapterPlugin<unknown>;
  /** Always the output of `plugin.config`: they are paired here, so `plugin.create(config)` fits. */
  readonly config: unknown;
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

export interface Config extends CoreConfig {
  /** The platforms whose settings are present, in the plug-in list's order. */
  platforms: ConfiguredPlatform[];
  /** Values never to be printed: the core's tokens and keys, and every configured plug-in's secrets. */
  secrets: string[];
}

/** Reads `.env` (if present) under the real environment, which wins. */
export function loadDotEnv(cwd: string): void {
  const file = resolve(cwd, ".env");
  if (existsSync(file)) process.loadEnvFile(file);
}

/**
 * Parses the environment: the core's settings, then each plug-in's. Throws `ConfigError` with one
 * line naming the first bad or missing setting, or when no plug-in finds its platform configured.
 */
export function parseConfig(
  env: Environment,
  cwd: string,
  plugins: readonly AdapterPlugin<unknown>[],
): Config {
  const names = plugins.map((p) => p.platform);
  const core = orThrow(coreSettings(cwd, names).safeParse(env));
  const platforms: ConfiguredPlatform[] = [];
  for (const plugin of plugins) {
    const config = orThrow(plugin.config.safeParse(env));
    if (config !== undefined) platforms.push({ plugin, config });
  }
  if (platforms.length === 0) {
    throw new ConfigError(
      `No chat platform configured: set the token of at least one platform (${names.join(", ")})`,
    );
  }
  const secrets = [...core.secrets, ...platforms.flatMap((p) => p.plugin.secrets(p.config))];
  return { ...core, platforms, secrets };
}

/**
 * The parsed value, or a `ConfigError` with the first issue. A plug-in's own message may not name
 * its setting (a bare zod check): then the setting's name leads, so the line always says which.
 */
function orThrow<T>(result: z.ZodSafeParseResult<T>): T {
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (!issue) throw new ConfigError("invalid configuration");
  const setting = issue.path[0];
  throw new ConfigError(
    typeof setting === "string" && !issue.message.includes(setting)
      ? `${setting}: ${issue.message}`
      : issue.message,
  );
}
