import assert from "node:assert/strict";
import { test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { RateDeferred } from "../../src/core/errors.js";
import type { MessageRef } from "../../src/core/vocabulary/refs.js";
import { settle } from "./inbound.js";
import { line } from "./subject.js";
import type { ContractCases } from "./suite.js";

/**
 * Where and when the bridge's messages go: links to them, threads grown from a person's message,
 * and interim updates held back while the platform's rate budget is spent.
 */
export const deliveryCases: ContractCases = (get) => {
  /*
   * `linkTo` (the core links `status` to pending cards): a platform whose messages have addresses
   * must give a URL that opens that very message; one without (the subject has no `opens`) resolves
   * undefined, and the core shows no link. It never throws for a message the adapter posted.
   */
  test("a link to a posted message opens that message", async () => {
    const { s, thread, header } = get();
    const first = await s.adapter.post(thread, line("link target"));
    const second = await s.adapter.post(thread, line("another link target"));
    const url = await s.adapter.linkTo(thread, first);
    if (!s.opens) {
      assert.equal(url, undefined, "a platform without message links returns no URL");
      return;
    }
    assert.ok(url, "no URL for a posted message");
    assert.equal(new URL(url).protocol, "https:", url);
    assert.deepEqual(s.opens(url), first, url);
    for (const ref of [second, header]) {
      const link = (await s.adapter.linkTo(thread, ref)) ?? "";
      assert.deepEqual(s.opens(link), ref, link);
    }
  });

  test("a thread opened under a person's message grows from that message", async () => {
    const { s, handler } = get();
    const anchor = await s.postAsUser(s.user, s.channel, "a person's message to grow a thread from");
    const opened = await s.adapter.openThread({ ...s.channel, anchor }, line("anchored header"));
    const { thread, header } = opened;
    assert.equal(s.threadRoot(thread), anchor, "the thread does not grow from the person's message");
    assert.equal(thread.platform, s.adapter.platform);
    assert.ok(thread.key.startsWith(`${s.adapter.platform}:${thread.workspace}:`), thread.key);
    assert.match(s.read(header).text, /anchored header/);
    assert.ok(includes(s.replies(thread), header), "the header is not in the thread");
    const reply = await s.adapter.post(thread, line("a reply under the person's message"));
    assert.deepEqual(s.replies(thread).at(-1), reply);
    await settle(get(), thread, "anchored-thread words");
    assert.equal(handler.messages("anchored-thread words")[0]?.thread.key, thread.key);
  });

  test("while the rate budget is spent, interim updates are deferred unsent and final ones wait their turn", async () => {
    const { s, thread } = get();
    const ref = await s.adapter.post(thread, line("streaming reply"));
    await s.exhaustBudget(thread, ref);
    const shown = s.read(ref).text;
    const replies = s.replies(thread).length;

    const post = await deferral(s.adapter.post(thread, line("deferred-post words"), { interim: true }));
    const edit = await deferral(s.adapter.edit(ref, line("deferred-edit words"), { interim: true }));
    assert.equal(s.replies(thread).length, replies, "a deferred post was sent");
    assert.equal(s.read(ref).text, shown, "a deferred edit was sent");

    const final = await s.adapter.post(thread, line("final-post words"));
    assert.match(s.read(final).text, /final-post words/);
    await s.adapter.edit(ref, line("final-edit words"));
    await s.waitFor(() => /final-edit words/.test(s.read(ref).text), "the final edit");
    // Nothing deferred went out later either.
    assert.ok(
      !s.publicTexts().some((t) => /deferred-(post|edit) words/.test(t)),
      "a deferred update was sent",
    );

    // The budget comes back: asked again after `retryInMs`, an interim update goes out.
    await retry(post.retryInMs, () => s.adapter.post(thread, line("interim-again post"), { interim: true }));
    await retry(edit.retryInMs, () => s.adapter.edit(ref, line("interim-again edit"), { interim: true }));
    await s.waitFor(() => /interim-again edit/.test(s.read(ref).text), "the interim edit");
  });
};

function includes(list: MessageRef[], ref: MessageRef): boolean {
  return list.some((r) => r.channel === ref.channel && r.id === ref.id);
}

/** The `RateDeferred` a send rejects with (it must reject with one). */
async function deferral(send: Promise<unknown>): Promise<RateDeferred> {
  try {
    await send;
  } catch (error) {
    if (!(error instanceof RateDeferred)) throw error;
    assert.ok(error.retryInMs > 0, `retryInMs is ${error.retryInMs}`);
    return error;
  }
  assert.fail("an interim update was sent while the rate budget was spent");
}

/** Waits `ms`, then sends; deferred again, waits as told (up to 15 s in all). */
async function retry(ms: number, send: () => Promise<unknown>): Promise<void> {
  const deadline = Date.now() + 15_000;
  let wait = ms;
  for (;;) {
    await sleep(wait);
    try {
      await send();
      return;
    } catch (error) {
      if (!(error instanceof RateDeferred) || Date.now() + error.retryInMs > deadline) throw error;
      wait = error.retryInMs;
    }
  }
}
