import assert from "node:assert/strict";
import { type TestContext, test } from "node:test";
import { RateLimiter } from "../../adapters/common/rate-limiter.js";
import { RateDeferred } from "../../src/core/errors.js";

/**
 * A limiter on the test's mock clock: `setTime` moves the clock without firing the queue's timer
 * (as a clock running ahead of it), `tick` moves it and fires what falls due.
 */
function clocked(
  t: TestContext,
  spec: Record<string, { capacity: number; perSecond: number }>,
  reserve = 0.2,
) {
  t.mock.timers.enable({ apis: ["setTimeout", "setInterval", "Date"], now: 0 });
  const limiter = new RateLimiter({
    spec: (key) => spec[key.split(":")[0] ?? key] ?? { capacity: 1000, perSecond: 1000 },
    reserve,
    now: () => Date.now(),
  });
  return { timers: t.mock.timers, limiter };
}

/** Lets everything already resolved run (setImmediate is not mocked). */
const settle = () => new Promise<void>((done) => setImmediate(done));

test("calls that must go out wait for a token, in the order they asked", async (t) => {
  const { timers, limiter } = clocked(t, { update: { capacity: 2, perSecond: 1 } });
  const order: number[] = [];
  for (let i = 0; i < 4; i++) void limiter.acquire(["update"]).then(() => order.push(i));
  await settle();
  assert.deepEqual(order, [0, 1], "the bucket's two tokens go at once");
  assert.equal(limiter.queued, 2);
  timers.tick(999);
  await settle();
  assert.deepEqual(order, [0, 1], "not before the next token is due");
  timers.tick(1);
  await settle();
  assert.deepEqual(order, [0, 1, 2], "one more per second");
  timers.tick(1000);
  await settle();
  assert.deepEqual(order, [0, 1, 2, 3]);
  assert.equal(limiter.queued, 0);
  limiter.stop();
});

test("a call needing several buckets takes a token from each; a full channel does not hold up another", async (t) => {
  const { limiter } = clocked(t, {
    post: { capacity: 1, perSecond: 1 },
    ws: { capacity: 10, perSecond: 10 },
  });
  await limiter.acquire(["post:C1", "ws"]);
  let second = false;
  void limiter.acquire(["post:C1", "ws"]).then(() => {
    second = true;
  });
  await limiter.acquire(["post:C2", "ws"]); // another channel: not behind C1's waiter
  assert.equal(second, false, "C1's second post waits for C1's bucket");
  limiter.stop();
});

test("interim updates never wait: they are refused with the time to ask again, and leave the reserve alone", (t) => {
  const { timers, limiter } = clocked(t, { update: { capacity: 10, perSecond: 1 } }, 0.2);
  let granted = 0;
  while (limiter.tryAcquire(["update"]) === 0) granted++;
  assert.equal(granted, 8, "2 of 10 tokens (20 %) are kept for calls that must go out");
  const wait = limiter.tryAcquire(["update"]);
  assert.ok(wait > 0 && wait <= 1000, `asked to come back in ${wait} ms`);
  timers.setTime(1000);
  assert.equal(limiter.tryAcquire(["update"]), 0, "a refilled token can be had");
  limiter.stop();
});

test("interim updates yield to calls already waiting for the same bucket", async (t) => {
  const { timers, limiter } = clocked(t, { update: { capacity: 1, perSecond: 1 } }, 0);
  await limiter.acquire(["update"]);
  let final = false;
  void limiter.acquire(["update"]).then(() => {
    final = true;
  });
  timers.setTime(1500); // the token is there, the queue's timer (due at 1000) has not fired yet
  assert.ok(limiter.tryAcquire(["update"]) > 0, "the waiting call goes first");
  await settle();
  assert.equal(final, false);
  timers.tick(0); // the queue wakes up when the token was due
  await settle();
  assert.equal(final, true);
  limiter.stop();
});

test("after a 429 nothing goes out on that bucket until the pause is over", async (t) => {
  const { timers, limiter } = clocked(t, { update: { capacity: 50, perSecond: 50 } });
  limiter.pause("update", 2000);
  assert.ok(limiter.tryAcquire(["update"]) >= 2000);
  let sent = false;
  void limiter.acquire(["update"]).then(() => {
    sent = true;
  });
  await settle();
  assert.equal(sent, false);
  timers.tick(1999);
  await settle();
  assert.equal(sent, false, "still paused a millisecond before the end");
  timers.setTime(2000); // the pause is over; the queue's own timer has not fired yet
  limiter.pause("other", 0); // wakes the queue up, as any call would
  await settle();
  assert.equal(sent, true);
  limiter.stop();
});

test("an interim update guarded by a bucket it will need later waits until that bucket is half full, without spending it", (t) => {
  const { timers, limiter } = clocked(
    t,
    { post: { capacity: 10, perSecond: 10 }, update: { capacity: 4, perSecond: 1 } },
    0,
  );
  for (let i = 0; i < 3; i++) assert.equal(limiter.tryAcquire(["update"]), 0);
  assert.ok(
    limiter.tryAcquire(["post:C1"], ["update"]) > 0,
    "1 of 4 edits left: do not post what must be edited",
  );
  timers.setTime(1000);
  assert.equal(limiter.tryAcquire(["post:C1"], ["update"]), 0, "2 of 4: post");
  assert.equal(limiter.tryAcquire(["update"]), 0, "the guard was not spent");
  limiter.stop();
});

test("admit: a call that must go out waits, an interim one is refused with RateDeferred; disabled, neither", async (t) => {
  const { timers, limiter } = clocked(t, { update: { capacity: 1, perSecond: 1 } }, 0);
  await limiter.admit(["update"]);
  await assert.rejects(limiter.admit(["update"], { interim: true }), (error: unknown) => {
    assert.ok(error instanceof RateDeferred && error.retryInMs > 0 && error.retryInMs <= 1000);
    return true;
  });
  timers.setTime(1000);
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
