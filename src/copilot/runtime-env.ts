/**
 * The environment the bundled Copilot runtime is started with. Every command the agent runs inherits
 * it, so it is an allow-list: what a shell, git, compilers and the runtime's own networking need, and
 * nothing of the bridge's (platform tokens, signing secrets, provider keys, its own settings).
 */

/** Names passed through when set. */
const allowed: readonly string[] = [
  // the process basics tools expect
  "PATH",
  "HOME",
  "USER",
  "LOGNAME",
  "SHELL",
  "TERM",
  "TZ",
  "TMPDIR",
  "LANG",
  "LANGUAGE",
  // outbound networking behind a corporate proxy or with a private CA
  "HTTP_PROXY",
  "HTTPS_PROXY",
  "NO_PROXY",
  "http_proxy",
  "https_proxy",
  "no_proxy",
  "SSL_CERT_FILE",
  "SSL_CERT_DIR",
  "NODE_EXTRA_CA_CERTS",
  "GIT_SSL_CAINFO",
  "GIT_SSL_CAPATH",
  // the runtime's own settings: its home and Mission Control endpoints
  "COPILOT_HOME",
  "COPILOT_MC_BASE_URL",
  "COPILOT_MC_FRONTEND_URL",
];

/** Families passed through by prefix: locale and XDG directories. */
const allowedPrefixes: readonly string[] = ["LC_", "XDG_"];

/**
 * Names that may never be passed on, even when an operator lists them in BRIDGE_AGENT_ENV: the
 * bridge's own secrets and settings.
 */
export function isBridgeSetting(name: string): boolean {
  return (
    /^(SLACK|DISCORD|BRIDGE)_/.test(name) ||
    /^COPILOT_(PROVIDER_|CONNECTION_TOKEN$|RUNTIME_URL$|MCP_CONFIG$|MODEL$|SDK_AUTH_TOKEN$)/.test(name) ||
    name === "GITHUB_TOKEN" ||
    name === "GH_TOKEN" ||
    name === "COPILOT_GITHUB_TOKEN" ||
    name === "GITHUB_OAUTH_CLIENT_ID"
  );
}

/**
 * The runtime's environment: the allow-listed names from `source`, plus `extra` (BRIDGE_AGENT_ENV:
 * names an operator wants the agent's tools to see, such as JAVA_HOME). Bridge settings are never
 * included, whatever `extra` says.
 */
export function runtimeEnv(
  source: Record<string, string | undefined>,
  extra: readonly string[] = [],
): Record<string, string> {
  const names = new Set([...allowed, ...extra]);
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(source)) {
    if (value === undefined || isBridgeSetting(name)) continue;
    if (names.has(name) || allowedPrefixes.some((p) => name.startsWith(p))) env[name] = value;
  }
  return env;
}
