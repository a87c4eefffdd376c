import assert from "node:assert/strict";
import { test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { RateLimiter } from "../../adapters/shared/rate-limiter.js";
import { RateDeferred } from "../../src/core/errors.js";

/** A limiter on a hand-driven clock; the real timers only wake the queue up. */
function clocked(spec: Record<string, { capacity: number; perSecond: number }>, reserve = 0.2) {
  const clock = { t: 0 };
  const limiter = new RateLimiter({
    spec: (key) => spec[key.split(":")[0] ?? key] ?? { capacity: 1000, perSecond: 1000 },
    reserve,
    now: () => clock.t,
  });
  return { clock, limiter };
}

test("calls that must go out wait for a token, in the order they asked", async () => {
  const { clock, limiter } = clocked({ update: { capacity: 2, perSecond: 1 } });
  const order: number[] = [];
  for (let i = 0; i < 4; i++) void limiter.acquire(["update"]).then(() => order.push(i));
  await sleep(5);
  assert.deepEqual(order, [0, 1], "the bucket's two tokens go at once");
  assert.equal(limiter.queued, 2);
  clock.t = 1000;
  await sleep(1100);
  assert.deepEqual(order, [0, 1, 2], "one more per second");
  clock.t = 2000;
  await sleep(1100);
  assert.deepEqual(order, [0, 1, 2, 3]);
  assert.equal(limiter.queued, 0);
  limiter.stop();
});

test("a call needing several buckets takes a token from each; a full channel does not hold up another", async () => {
  const { limiter } = clocked({ post: { capacity: 1, perSecond: 1 }, ws: { capacity: 10, perSecond: 10 } });
  await limiter.acquire(["post:C1", "ws"]);
  let second = false;
  void limiter.acquire(["post:C1", "ws"]).then(() => {
    second = true;
  });
  await limiter.acquire(["post:C2", "ws"]); // another channel: not behind C1's waiter
  assert.equal(second, false, "C1's second post waits for C1's bucket");
  limiter.stop();
});

test("interim updates never wait: they are refused with the time to ask again, and leave the reserve alone", () => {
  const { clock, limiter } = clocked({ update: { capacity: 10, perSecond: 1 } }, 0.2);
  let granted = 0;
  while (limiter.tryAcquire(["update"]) === 0) granted++;
  assert.equal(granted, 8, "2 of 10 tokens (20 %) are kept for calls that must go out");
  const wait = limiter.tryAcquire(["update"]);
  assert.ok(wait > 0 && wait <= 1000, `asked to come back in ${wait} ms`);
  clock.t = 1000;
  assert.equal(limiter.tryAcquire(["update"]), 0, "a refilled token can be had");
  limiter.stop();
});

test("interim updates yield to calls already waiting for the same bucket", async () => {
  const { clock, limiter } = clocked({ update: { capacity: 1, perSecond: 1 } }, 0);
  await limiter.acquire(["update"]);
  let final = false;
  void limiter.acquire(["update"]).then(() => {
    final = true;
  });
  clock.t = 1500;
  assert.ok(limiter.tryAcquire(["update"]) > 0, "the waiting call goes first");
  await sleep(1100); // the queue wakes up when the token was due
  assert.equal(final, true);
  limiter.stop();
});

test("after a 429 nothing goes out on that bucket until the pause is over", async () => {
  const { clock, limiter } = clocked({ update: { capacity: 50, perSecond: 50 } });
  limiter.pause("update", 2000);
  assert.ok(limiter.tryAcquire(["update"]) >= 2000);
  let sent = false;
  void limiter.acquire(["update"]).then(() => {
    sent = true;
  });
  await sleep(5);
  assert.equal(sent, false);
  clock.t = 2000;
  limiter.pause("other", 0); // wakes the queue up, as any call would
  await sleep(5);
  assert.equal(sent, true);
  limiter.stop();
});

test("an interim update guarded by a bucket it will need later waits until that bucket is half full, without spending it", () => {
  const { clock, limiter } = clocked(
    { post: { capacity: 10, perSecond: 10 }, update: { capacity: 4, perSecond: 1 } },
    0,
  );
  for (let i = 0; i < 3; i++) assert.equal(limiter.tryAcquire(["update"]), 0);
  assert.ok(
    limiter.tryAcquire(["post:C1"], ["update"]) > 0,
    "1 of 4 edits left: do not post what must be edited",
  );
  clock.t = 1000;
  assert.equal(limiter.tryAcquire(["post:C1"], ["update"]), 0, "2 of 4: post");
  assert.equal(limiter.tryAcquire(["update"]), 0, "the guard was not spent");
  limiter.stop();
});

test("admit: a call that must go out waits, an interim one is refused with RateDeferred; disabled, neither", async () => {
  const { clock, limiter } = clocked({ update: { capacity: 1, perSecond: 1 } }, 0);
  await limiter.admit(["update"]);
  await assert.rejects(limiter.admit(["update"], { interim: true }), (error: unknown) => {
    assert.ok(error instanceof RateDeferred && error.retryInMs > 0 && error.retryInMs <= 1000);
    return true;
  });
  clock.t = 1000;
  await limiter.admit(["update"], { interim: true });
  limiter.stop();
  const off = new RateLimiter({
    spec: () => ({ capacity: 1, perSecond: 0.001 }),
    enabled: false,
    now: () => 0,
  });
  for (let i = 0; i < 100; i++) await off.admit(["update"], { interim: true });
  off.stop();
});
