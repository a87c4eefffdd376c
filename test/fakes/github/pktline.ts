/**
 * Just enough of git's pkt-line format to reword a receive-pack report the way GitHub words it.
 *
 * A real pre-receive hook that declines makes receive-pack report `ng <ref> pre-receive hook declined`;
 * GitHub's branch protection reports `ng <ref> protected branch hook declined` (the client prints
 * ` ! [remote rejected] main -> main (protected branch hook declined)`). The report travels in
 * side-band channel 1 when the client asked for side-band-64k (it always does), or bare otherwise.
 */

const FLUSH = Buffer.from("0000");

type Pkt = Buffer | "flush";

function readPkts(buf: Buffer): Pkt[] | undefined {
  const out: Pkt[] = [];
  let i = 0;
  while (i < buf.length) {
    if (i + 4 > buf.length) return undefined;
    const len = Number.parseInt(buf.subarray(i, i + 4).toString("latin1"), 16);
    if (Number.isNaN(len)) return undefined;
    if (len === 0) {
      out.push("flush");
      i += 4;
      continue;
    }
    if (len < 4 || i + len > buf.length) return undefined;
    out.push(buf.subarray(i + 4, i + len));
    i += len;
  }
  return out;
}

function pkt(payload: Buffer): Buffer {
  return Buffer.concat([Buffer.from((payload.length + 4).toString(16).padStart(4, "0")), payload]);
}

function rewriteLines(pkts: Pkt[], from: string, to: string): Buffer {
  return Buffer.concat(
    pkts.map((p) => (p === "flush" ? FLUSH : pkt(Buffer.from(p.toString("utf8").split(from).join(to))))),
  );
}

/**
 * Replaces `from` by `to` in the report-status lines of a receive-pack response. Anything that does
 * not parse as pkt-lines is returned unchanged.
 */
export function rewriteReport(body: Buffer, from: string, to: string): Buffer {
  if (!body.includes(from)) return body;
  const pkts = readPkts(body);
  const first = pkts?.find((p): p is Buffer => p !== "flush");
  if (!pkts || !first) return body;
  const band = first[0];
  if (band !== 1 && band !== 2 && band !== 3) return rewriteLines(pkts, from, to);
  // Side-band: the report is the concatenation of channel-1 payloads; re-send it as one packet.
  const inner = Buffer.concat(
    pkts.filter((p): p is Buffer => p !== "flush" && p[0] === 1).map((p) => p.subarray(1)),
  );
  const innerPkts = readPkts(inner);
  if (!innerPkts) return body;
  const report = rewriteLines(innerPkts, from, to);
  const out: Buffer[] = [];
  let sent = false;
  for (const p of pkts) {
    if (p === "flush") out.push(FLUSH);
    else if (p[0] !== 1) out.push(pkt(p));
    else if (!sent) {
      sent = true;
      for (let i = 0; i < report.length; i += 65515) {
        out.push(pkt(Buffer.concat([Buffer.from([1]), report.subarray(i, i + 65515)])));
      }
    }
  }
  return Buffer.concat(out);
}
