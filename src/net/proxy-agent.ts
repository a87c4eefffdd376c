import { readFileSync } from "node:fs";
import { rootCertificates } from "node:tls";
import { EnvHttpProxyAgent } from "undici";

/**
 * An HTTP dispatcher that goes out the way Node's own tools would with this environment: through
 * HTTP(S)_PROXY unless NO_PROXY says otherwise, trusting NODE_EXTRA_CA_CERTS besides the default
 * authorities. Node 20's global fetch ignores all of these, so GitHub calls use this.
 * `onUnreadableCa` is told when NODE_EXTRA_CA_CERTS cannot be read (the default authorities are used).
 */
export function proxyAgentFromEnv(
  env: Readonly<Record<string, string | undefined>>,
  onUnreadableCa?: (path: string, error: unknown) => void,
): EnvHttpProxyAgent {
  let ca: string[] | undefined;
  const extra = env.NODE_EXTRA_CA_CERTS;
  if (extra) {
    try {
      ca = [...rootCertificates, readFileSync(extra, "utf8")];
    } catch (error) {
      // As Node itself does: an unreadable NODE_EXTRA_CA_CERTS leaves the default authorities.
      onUnreadableCa?.(extra, error);
    }
  }
  return new EnvHttpProxyAgent({
    httpProxy: env.http_proxy ?? env.HTTP_PROXY ?? "",
    httpsProxy: env.https_proxy ?? env.HTTPS_PROXY ?? "",
    noProxy: env.no_proxy ?? env.NO_PROXY ?? "",
    ...(ca ? { connect: { ca }, requestTls: { ca } } : {}),
  });
}
