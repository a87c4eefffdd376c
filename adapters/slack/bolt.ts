import { App, type Logger as BoltLogger, LogLevel, SocketModeReceiver } from "@slack/bolt";
import { BridgeError } from "../../src/core/errors.js";
import type { Logger } from "../../src/core/log.js";

/** What the Bolt app is built from (a subset of the adapter's options). */
export interface BoltAppOptions {
  botToken: string;
  mode: "socket" | "http";
  appToken?: string;
  signingSecret?: string;
  apiUrl?: string;
  /** Web API retries for 429/5xx/network errors (Retry-After is honoured). */
  retries?: number;
  log: Logger;
}

/** The Bolt app, over Socket Mode (with its receiver) or signed HTTP deliveries; not yet initialised. */
export function createBoltApp(options: BoltAppOptions): { app: App; socket: SocketModeReceiver | undefined } {
  const clientOptions = {
    ...(options.apiUrl ? { slackApiUrl: options.apiUrl } : {}),
    retryConfig: { retries: options.retries ?? 4, factor: 2, minTimeout: 250, maxTimeout: 5000 },
  };
  const logger = boltLogger(options.log);
  if (options.mode === "socket") {
    if (!options.appToken) throw new BridgeError("CONFIG", "SLACK_APP_TOKEN is required for Socket Mode");
    const socket = new SocketModeReceiver({
      appToken: options.appToken,
      logger,
      installerOptions: { clientOptions },
    });
    const app = new App({
      token: options.botToken,
      receiver: socket,
      clientOptions,
      logger,
      deferInitialization: true,
    });
    return { app, socket };
  }
  const app = new App({
    token: options.botToken,
    signingSecret: options.signingSecret ?? "",
    clientOptions,
    logger,
    deferInitialization: true,
  });
  return { app, socket: undefined };
}

function boltLogger(log: Logger): BoltLogger {
  let level = LogLevel.INFO;
  return {
    debug: () => {
      // Bolt's debug output is a wire dump: too noisy to keep.
    },

    info: (...m: unknown[]) => log.debug(`slack: ${m.map(String).join(" ")}`),
    warn: (...m: unknown[]) => log.warn(`slack: ${m.map(String).join(" ")}`),
    error: (...m: unknown[]) => log.error(`slack: ${m.map(String).join(" ")}`),
    setLevel: (l: LogLevel) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => {
      // Log lines carry no logger name.
    },
  };
}
