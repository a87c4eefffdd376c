/**
 * A throwaway certificate authority and one server certificate for the faked GitHub hosts, made with
 * the `openssl` CLI in a temp dir at test time (no keys are checked in).
 *
 * The runtime's TLS stack (rustls/webpki) wants a proper chain: a v3 CA with basicConstraints
 * CA:TRUE + keyCertSign, and a leaf with subjectAltName and extendedKeyUsage serverAuth.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Hosts the server certificate covers by default. */
export const FAKED_HOSTS = [
  "api.github.com",
  "github.com",
  "*.github.com",
  "*.githubcopilot.com",
  "*.individual.githubcopilot.com",
] as const;

export interface TestCertificates {
  dir: string;
  /** CA certificate (PEM file): pass as SSL_CERT_FILE. */
  caCertPath: string;
  caCertPem: string;
  certPath: string;
  certPem: string;
  keyPath: string;
  keyPem: string;
  hosts: string[];
  /** Removes the temp dir. */
  remove(): void;
}

function run(args: string[], cwd: string): void {
  execFileSync("openssl", args, { cwd, stdio: ["ignore", "ignore", "pipe"] });
}

/** Creates a CA and a leaf certificate for `hosts` (~50 ms with EC P-256 keys). */
export function makeTestCertificates(hosts: readonly string[] = FAKED_HOSTS): TestCertificates {
  const dir = mkdtempSync(join(tmpdir(), "fake-gh-tls-"));
  try {
    writeFileSync(
      join(dir, "ca.ext"),
      [
        "basicConstraints=critical,CA:TRUE",
        "keyUsage=critical,keyCertSign,cRLSign",
        "subjectKeyIdentifier=hash",
      ].join("\n"),
    );
    writeFileSync(
      join(dir, "leaf.ext"),
      [
        "basicConstraints=critical,CA:FALSE",
        "keyUsage=critical,digitalSignature,keyEncipherment",
        "extendedKeyUsage=serverAuth",
        "subjectKeyIdentifier=hash",
        "authorityKeyIdentifier=keyid",
        `subjectAltName=${hosts.map((h) => `DNS:${h}`).join(",")}`,
      ].join("\n"),
    );
    const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
    run(
      ["req", "-new", ...ec, "-keyout", "ca.key", "-out", "ca.csr", "-subj", "/CN=Fake GitHub Test CA"],
      dir,
    );
    run(
      [
        "x509",
        "-req",
        "-in",
        "ca.csr",
        "-signkey",
        "ca.key",
        "-days",
        "2",
        "-sha256",
        "-extfile",
        "ca.ext",
      ].concat(["-out", "ca.pem"]),
      dir,
    );
    run(
      ["req", "-new", ...ec, "-keyout", "server.key", "-out", "server.csr", "-subj", `/CN=${hosts[0]}`],
      dir,
    );
    run(
      ["x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial"].concat([
        "-days",
        "2",
        "-sha256",
        "-extfile",
        "leaf.ext",
        "-out",
        "server.pem",
      ]),
      dir,
    );
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`openssl failed: ${String((err as { stderr?: Buffer }).stderr ?? err)}`);
  }
  const read = (f: string) => readFileSync(join(dir, f), "utf8");
  return {
    dir,
    caCertPath: join(dir, "ca.pem"),
    caCertPem: read("ca.pem"),
    certPath: join(dir, "server.pem"),
    certPem: read("server.pem"),
    keyPath: join(dir, "server.key"),
    keyPem: read("server.key"),
    hosts: [...hosts],
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
