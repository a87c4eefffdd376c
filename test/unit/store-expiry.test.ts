import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type TestContext, test } from "node:test";
import KeyvSqlite from "@keyv/sqlite";
import Keyv from "keyv";
import { silentLogger } from "../../src/core/log.js";
import type { AuditEntry, ThreadRecord } from "../../src/core/vocabulary/records.js";
import { KeyvBridgeStore } from "../../src/store/keyv-store.js";

/** Puts `Date` (which keyv's expiry and the sweep read) on the test's mock clock; returns it. */
function mockClock(t: TestContext) {
  t.mock.timers.enable({ apis: ["Date"], now: 1_750_000_000_000 });
  return t.mock.timers;
}

/** A SQLite store in a temp directory, closed and removed after the test. */
function sqliteStore(t: { after(fn: () => Promise<void>): void }): { store: KeyvBridgeStore; url: string } {
  const dir = mkdtempSync(join(tmpdir(), "ccb-store-"));
  const url = `sqlite://${join(dir, "bridge.sqlite")}`;
  const store = KeyvBridgeStore.open(url, silentLogger);
  t.after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { store, url };
}

function thread(n: number, state: ThreadRecord["state"] = "active"): ThreadRecord {
  const ts = `1700000000.${String(n).padStart(6, "0")}`;
  return {
    thread: { platform: "slack", key: `slack:T1:C1:${ts}`, channel: "C1", thread: ts, workspace: "T1" },
    origin: { platform: "slack", channel: "C1", workspace: "T1" },
    title: `session ${n}`,
    sessionId: `session-${n}`,
    owner: { platform: "slack", id: "U1" },
    header: { channel: "C1", id: ts },
    workingDirectory: "/tmp",
    mode: "interactive",
    state,
    createdAt: 1_700_000_000_000 + n,
    queue: [],
  };
}

const stop = (at: number, threadKey = "slack:T1:C1:1.1"): AuditEntry => ({
  kind: "stop",
  at,
  threadKey,
  user: { platform: "slack", id: "U1" },
  dropped: 0,
});

for (const kind of ["sqlite", "memory"] as const) {
  const open = (t: { after(fn: () => Promise<void>): void }) =>
    kind === "sqlite" ? sqliteStore(t).store : KeyvBridgeStore.open("memory://", silentLogger);

  test(`${kind}: a de-duplication record past its TTL counts as never seen`, async (t) => {
    const clock = mockClock(t);
    const store = open(t);
    assert.equal(await store.firstSeen("evt-1", 40), true);
    assert.equal(await store.firstSeen("evt-1", 40), false, "a duplicate within the TTL");
    clock.tick(39);
    assert.equal(await store.firstSeen("evt-1", 40), false, "still a duplicate just before the TTL");
    clock.tick(41);
    assert.equal(await store.firstSeen("evt-1", 40), true, "seen again after the TTL");
  });

  test(`${kind}: the sweep removes expired de-duplication records and keeps live ones`, async (t) => {
    const clock = mockClock(t);
    const store = open(t);
    for (let i = 0; i < 20; i++) await store.firstSeen(`old-${i}`, 30);
    for (let i = 0; i < 5; i++) await store.firstSeen(`new-${i}`, 60_000);
    assert.equal((await store.counts()).dedup, 25);
    clock.tick(60);
    const removed = await store.sweep({ auditBefore: 0 });
    assert.deepEqual(removed, { dedup: 20, cards: 0, audit: 0 });
    assert.equal((await store.counts()).dedup, 5);
    assert.equal(await store.firstSeen("new-0", 60_000), false, "live records stay");
  });

  test(`${kind}: a large backlog of expired records is removed in full (in chunks)`, async (t) => {
    const clock = mockClock(t);
    const store = open(t);
    await Promise.all(Array.from({ length: 1200 }, (_, i) => store.firstSeen(`backlog-${i}`, 20)));
    clock.tick(50);
    assert.equal((await store.sweep({ auditBefore: 0 })).dedup, 1200);
    assert.equal((await store.counts()).dedup, 0);
  });

  test(`${kind}: audit entries are kept until older than the retention, read newest first`, async (t) => {
    const store = open(t);
    const day = 24 * 3600 * 1000;
    const now = 1_750_000_000_000;
    for (const age of [100, 91, 89, 10, 1]) await store.audit(stop(now - age * day));
    const all = await store.auditLog({});
    assert.deepEqual(
      all.map((e) => Math.round((now - e.at) / day)),
      [1, 10, 89, 91, 100],
    );
    assert.equal((await store.auditLog({ limit: 2 })).length, 2);
    assert.deepEqual(
      (await store.auditLog({ since: now - 50 * day, oldestFirst: true })).map((e) =>
        Math.round((now - e.at) / day),
      ),
      [10, 1],
    );
    const removed = await store.sweep({ auditBefore: now - 90 * day });
    assert.equal(removed.audit, 2);
    assert.equal((await store.auditLog({})).length, 3);
  });

  test(`${kind}: ended sessions leave the active index; live ones are listed`, async (t) => {
    const store = open(t);
    for (let i = 0; i < 30; i++) await store.putThread(thread(i, i % 3 === 0 ? "active" : "ended"));
    const live = await store.activeThreads();
    assert.deepEqual(live.map((r) => r.title).sort(), [
      "session 0",
      "session 12",
      "session 15",
      "session 18",
      "session 21",
      "session 24",
      "session 27",
      "session 3",
      "session 6",
      "session 9",
    ]);
    await store.putThread({ ...thread(3), state: "ended" });
    assert.equal((await store.activeThreads()).length, 9);
    assert.equal((await store.counts()).threads, 30, "ended records are kept (a reply there is answered)");
  });
}

test("a store written before the active index existed: its live threads are found and indexed once", async (t) => {
  const { store, url } = sqliteStore(t);
  await store.close();
  // Rows as the earlier version wrote them: thread records only, and an audit row without `kind`.
  const sqlite = new KeyvSqlite({ uri: url });
  const threads = new Keyv({ store: sqlite, namespace: "threads" });
  for (let i = 0; i < 6; i++) await threads.set(thread(i).thread.key, thread(i, i < 2 ? "active" : "ended"));
  const audit = new Keyv({ store: new KeyvSqlite({ uri: url }), namespace: "audit" });
  await audit.set("1700000000000:req-1:0", {
    at: 1_700_000_000_000,
    threadKey: thread(0).thread.key,
    requestId: "req-1",
    user: { platform: "slack", id: "U1" },
    answer: { kind: "permission", decision: { kind: "approve-once" } },
    won: true,
  });
  await threads.disconnect();
  await audit.disconnect();

  const again = KeyvBridgeStore.open(url, silentLogger);
  t.after(() => again.close());
  assert.deepEqual((await again.activeThreads()).map((r) => r.title).sort(), ["session 0", "session 1"]);
  assert.equal((await again.counts()).active, 3, "two live threads and the index's mark");
  const [old] = await again.auditLog({});
  assert.equal(old?.kind, "answer");
  assert.equal(old?.kind === "answer" && old.won, true);
});
