import { plugins } from "../adapters/index.js";
import { type Config, ConfigError, loadDotEnv, parseConfig } from "./config.js";
import { SdkGateway } from "./copilot/gateway.js";
import { runtimeEnv } from "./copilot/runtime-env.js";
import { Bridge } from "./core/bridge.js";
import { errorText } from "./core/errors.js";
import { createLogger } from "./core/log.js";
import { AccessPolicy } from "./core/policy.js";
import type { ChatAdapter } from "./core/ports/chat.js";
import { GitHubIdentityProvider } from "./identity/provider.js";
import { qrPng } from "./qr.js";
import { KeyvBridgeStore } from "./store/keyv-store.js";
import { GitHubPublisher } from "./workspace/github.js";
import { GitWorkspaces } from "./workspace/index.js";

async function main(): Promise<void> {
  let config: Config;
  try {
    loadDotEnv(process.cwd());
    config = parseConfig(process.env, process.cwd(), plugins);
  } catch (error) {
    if (error instanceof ConfigError || (error instanceof Error && /\.env/.test(error.message))) {
      process.stderr.write(`copilot-chat-bridge: configuration error: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const log = createLogger(config.logLevel, config.secrets);
  // Opened first: a store that cannot be opened stops start-up with one line, before anything starts.
  const store = await KeyvBridgeStore.connect(config.storeUrl, log, {
    ...(config.secretKey ? { secretKey: config.secretKey } : {}),
  });
  const adapters: ChatAdapter[] = [];
  // Only configured platforms are created, and each plug-in loads its library only then.
  for (const { plugin, config: settings } of config.platforms) {
    const adapter = await plugin.create(settings, { log, rateLimits: config.rateLimits });
    // Thread keys, stored records and people lists all use the plug-in's name: they must agree.
    if (adapter.platform !== plugin.platform) {
      throw new Error(`the ${plugin.platform} plug-in created an adapter for ${adapter.platform}`);
    }
    adapters.push(adapter);
  }
  // The agent's tools, and the bridge's own git, see only an allow-listed environment: never its secrets.
  const toolEnv = runtimeEnv(process.env, config.agentEnv);
  const publisher = new GitHubPublisher({ log, env: toolEnv });
  const workspaces = new GitWorkspaces({
    repos: config.repos,
    workdir: config.workingDirectory,
    dataDir: config.dataDir,
    maxWorktrees: config.maxWorktrees,
    publisher,
    log,
    env: toolEnv,
  });
  const gateway = new SdkGateway({
    log,
    ...(config.runtimeUrl ? { runtimeUrl: config.runtimeUrl } : {}),
    ...(config.runtimeToken ? { runtimeToken: config.runtimeToken } : {}),
    ...(config.gitHubToken ? { gitHubToken: config.gitHubToken } : {}),
    ...(config.provider ? { provider: config.provider } : {}),
    ...(config.model ? { model: config.model } : {}),
    ...(config.mcpServers ? { mcpServers: config.mcpServers } : {}),
    ...(config.maxAiCredits ? { maxAiCredits: config.maxAiCredits } : {}),
    env: toolEnv,
  });
  const bridge = new Bridge({
    adapters,
    gateway,
    store,
    policy: new AccessPolicy({
      approvers: config.approvers,
      approverRoles: config.approverRoles,
      admins: config.admins,
      adminRoles: config.adminRoles,
      replyMode: config.replyMode,
      cloud: config.cloud,
      attach: config.attach,
      ...(config.allowedChannels ? { allowedChannels: config.allowedChannels } : {}),
      ...(config.allowedUsers ? { allowedUsers: config.allowedUsers } : {}),
      ...(config.allowedUserRoles ? { allowedUserRoles: config.allowedUserRoles } : {}),
    }),
    log,
    workingDirectory: config.workingDirectory,
    maxPromptChars: config.maxPromptChars,
    maxQueued: config.maxQueued,
    userRate: config.userRate,
    streamIntervalMs: config.streamIntervalMs,
    dedupTtlMs: 24 * 3600 * 1000,
    resumeConcurrency: 8,
    remoteByDefault: config.remoteByDefault,
    sessionIdleMs: config.sessionIdleDays * 24 * 3600 * 1000,
    auditRetentionMs: config.auditDays * 24 * 3600 * 1000,
    qrCode: qrPng,
    workspaces,
    ...(config.oauth && config.secretKey
      ? {
          identity: new GitHubIdentityProvider({
            clientId: config.oauth.clientId,
            clientSecret: config.oauth.clientSecret,
            host: config.oauth.host,
            env: toolEnv,
            log,
          }),
        }
      : {}),
    ...(config.gitHubToken ? { gitHubToken: config.gitHubToken } : {}),
    ...(config.model ? { model: config.model } : {}),
    identityPolicy: config.identityPolicy,
    cloudAsBridge: config.cloudAsBridge,
  });
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info("stopping", { signal });
    void bridge
      .stop()
      .then(() => publisher.close())
      .finally(() => process.exit(0));
  };
  // A late reply on a closed runtime connection must not take the whole bridge down.
  process.on("unhandledRejection", (reason) =>
    log.error("unhandled rejection", { error: errorText(reason) }),
  );
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  await bridge.start();
  log.info("copilot-chat-bridge is serving", {
    platforms: adapters.map((a) => a.platform),
    workdir: config.workingDirectory,
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`copilot-chat-bridge: could not start: ${errorText(error)}\n`);
  process.exit(1);
});
