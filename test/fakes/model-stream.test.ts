/**
 * Probe test: the fake model's `STREAM: <deltas> <ms>` rule through the real Copilot runtime (the
 * benchmarks rely on a fixed number of delta events per turn, and on its pacing).
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { CopilotClient, type SessionEvent } from "@github/copilot-sdk";
import { FakeModel } from "./model/index.js";
import { streamText } from "./model/rules.js";

test("STREAM: n deltas paced over ms, one assistant.message_delta each, then the whole text", {
  timeout: 20_000,
}, async (t) => {
  const fake = await FakeModel.start();
  const home = mkdtempSync(join(tmpdir(), "fm-home-"));
  const cwd = mkdtempSync(join(tmpdir(), "fm-cwd-"));
  const client = new CopilotClient({ baseDirectory: home, workingDirectory: cwd, logLevel: "error" });
  t.after(async () => {
    await client.stop();
    await fake.stop();
    rmSync(home, { recursive: true, force: true });
    rmSync(cwd, { recursive: true, force: true });
  });
  const events: { type: string; at: number; delta?: string }[] = [];
  const session = await client.createSession({
    ...fake.sessionConfig(),
    workingDirectory: cwd,
    onPermissionRequest: () => ({ kind: "no-result" }),
    onEvent: (e: SessionEvent) =>
      events.push({
        type: e.type,
        at: performance.now(),
        ...(e.type === "assistant.message_delta" ? { delta: e.data.deltaContent } : {}),
      }),
  });
  const t0 = performance.now();
  const final = await session.sendAndWait({ prompt: "tag-1\nSTREAM: 40 800" }, 10_000);
  const elapsed = performance.now() - t0;

  assert.equal(streamText(3), "w0001 w0002 w0003");
  assert.equal(final?.data.content, streamText(40));
  const deltas = events.filter((e) => e.type === "assistant.message_delta");
  assert.equal(deltas.length, 40);
  assert.equal(deltas.map((d) => d.delta).join(""), streamText(40));
  // 41 pauses of 20 ms: the deltas are spread over the turn, not sent in one burst.
  assert.ok(elapsed >= 800, `turn took ${elapsed} ms`);
  const spread = (deltas.at(-1)?.at ?? 0) - (deltas[0]?.at ?? 0);
  assert.ok(spread >= 600, `deltas spread over ${spread} ms`);
  await session.disconnect();
});
