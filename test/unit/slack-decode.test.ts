import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  decodeSlackText,
  NameCache,
  type SlackNames,
  stripMention,
  unescapeSlack,
} from "../../adapters/slack/decode.js";

const known: Record<string, string> = { U123: "alice", W9: "wendy" };
const lookups: string[] = [];
const names: SlackNames = {
  user: async (id) => {
    lookups.push(id);
    return known[id];
  },
};
const decode = (text: string) => decodeSlackText(text, names);

describe("decodeSlackText", () => {
  test("escapes become the characters typed, in one pass", async () => {
    assert.equal(await decode("fix a &lt; b &amp;&amp; c &gt; d"), "fix a < b && c > d");
    assert.equal(await decode("a typed &amp;lt; stays &amp;lt;"), "a typed &lt; stays &lt;");
    assert.equal(
      await decode("&quot;other entities&quot; &#39;stay&#39;"),
      "&quot;other entities&quot; &#39;stay&#39;",
    );
    assert.equal(unescapeSlack("&amp;amp;"), "&amp;");
  });

  test("user mentions: the label, else the looked-up name, else the id", async () => {
    lookups.length = 0;
    assert.equal(await decode("ask <@U123> and <@W9>"), "ask @alice and @wendy");
    assert.equal(await decode("ask <@U777|bob>"), "ask @bob");
    assert.equal(await decode("ask <@U404>"), "ask @U404");
    assert.deepEqual(lookups, ["U123", "W9", "U404"], "no lookup for a mention that carries its name");
  });

  test("channels: the name, else the id", async () => {
    assert.equal(await decode("in <#C123|general> or <#C456> or <#C789|>"), "in #general or #C456 or #C789");
  });

  test("links: label (url), or the url alone when that is what was typed", async () => {
    assert.equal(
      await decode("see <https://x.y/a?b=1&amp;c=2|the docs>"),
      "see the docs (https://x.y/a?b=1&c=2)",
    );
    assert.equal(await decode("see <https://x.y>"), "see https://x.y");
    assert.equal(await decode("see <http://example.com|example.com>"), "see example.com");
    assert.equal(await decode("mail <mailto:a@b.c|a@b.c>"), "mail a@b.c");
    assert.equal(await decode("<https://x.y|a &amp; b>"), "a & b (https://x.y)");
  });

  test("specials: broadcasts, user groups, dates", async () => {
    assert.equal(
      await decode("<!here> <!channel> <!everyone> <!here|@here>"),
      "@here @channel @everyone @here",
    );
    assert.equal(await decode("ping <!subteam^S123|@oncall> <!subteam^S456>"), "ping @oncall @S456");
    assert.equal(
      await decode("by <!date^1392734382^{date_short}^https://x.y|Feb 18, 2014>"),
      "by Feb 18, 2014",
    );
    assert.equal(await decode("at <!date^1392734382^{time}>"), "at 2014-02-18T14:39:42.000Z");
  });

  test("text around entities is kept; only literal angle brackets delimit entities", async () => {
    assert.equal(await decode("x&lt;<@U123>&gt;y"), "x<@alice>y");
    assert.equal(await decode("a < b without a closing one"), "a < b without a closing one");
    assert.equal(await decode(""), "");
  });
});

describe("stripMention", () => {
  test("removes the bot's mention in either form, keeps words apart, says whether there was one", () => {
    assert.deepEqual(stripMention("<@UBOT> stop", "UBOT"), { text: "stop", mentioned: true });
    assert.deepEqual(stripMention("hey<@UBOT|Copilot>there", "UBOT"), { text: "hey there", mentioned: true });
    assert.deepEqual(stripMention("ask <@UBOTX> and <@U1>", "UBOT"), {
      text: "ask <@UBOTX> and <@U1>",
      mentioned: false,
    });
    assert.deepEqual(stripMention(" <@UBOT> ", ""), { text: "<@UBOT>", mentioned: false });
  });
});

describe("NameCache", () => {
  const options = (clock: { t: number }) => ({
    max: 2,
    ttlMs: 1000,
    failureTtlMs: 100,
    timeoutMs: 50,
    now: () => clock.t,
  });

  test("one lookup per key while fresh, shared by concurrent callers; again after the TTL", async () => {
    const clock = { t: 0 };
    const cache = new NameCache(options(clock));
    let calls = 0;
    const load = async () => {
      calls++;
      return "alice";
    };
    const both = await Promise.all([cache.get("U1", load), cache.get("U1", load)]);
    assert.deepEqual(both, ["alice", "alice"]);
    assert.equal(calls, 1);
    clock.t = 999;
    await cache.get("U1", load);
    assert.equal(calls, 1);
    clock.t = 1000;
    await cache.get("U1", load);
    assert.equal(calls, 2);
  });

  test("bounded: the least recently used entry goes first", async () => {
    const cache = new NameCache(options({ t: 0 }));
    const loaded: string[] = [];
    const load = (key: string) => async () => {
      loaded.push(key);
      return key;
    };
    await cache.get("a", load("a"));
    await cache.get("b", load("b"));
    await cache.get("a", load("a")); // a is now the most recently used
    await cache.get("c", load("c")); // evicts b
    assert.equal(cache.size, 2);
    await cache.get("a", load("a"));
    await cache.get("b", load("b"));
    assert.deepEqual(loaded, ["a", "b", "c", "b"]);
  });

  test("failures, rejections and slow lookups give undefined and are retried sooner", async (t) => {
    const clock = { t: 0 };
    const cache = new NameCache(options(clock));
    let calls = 0;
    const failing = async () => {
      calls++;
      throw new Error("user_not_found");
    };
    assert.equal(await cache.get("U1", failing), undefined);
    clock.t = 99;
    assert.equal(await cache.get("U1", failing), undefined);
    assert.equal(calls, 1);
    clock.t = 100;
    await cache.get("U1", failing);
    assert.equal(calls, 2);

    t.mock.timers.enable({ apis: ["setTimeout"] });
    const slow = () => new Promise<string>((done) => setTimeout(() => done("late"), 500));
    let answered = false;
    const pending = cache.get("U2", slow).then((name) => {
      answered = true;
      return name;
    });
    t.mock.timers.tick(49);
    await new Promise<void>((done) => setImmediate(done));
    assert.equal(answered, false, "not before the lookup's timeout");
    t.mock.timers.tick(1); // timeoutMs: 50, well before the lookup's 500 ms
    await new Promise<void>((done) => setImmediate(done));
    assert.equal(answered, true, "answered at the timeout");
    assert.equal(await pending, undefined);
  });
});
