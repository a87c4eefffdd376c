import assert from "node:assert/strict";
import { test } from "node:test";
import { BridgeError } from "../../src/core/errors.js";
import type { Message } from "../../src/core/types.js";
import type { ContractSubject } from "./subject.js";
import type { ContractCases } from "./suite.js";

/**
 * Private messages (`sendPrivately`): a sign-in code and its QR image go to one person, in a direct
 * message, with the file's bytes intact; nobody else sees them, in the channel, the thread or their
 * own direct messages. A platform that will not deliver one rejects, with nothing shown anywhere.
 */
export const privateCases: ContractCases = (get) => {
  test("a private message reaches only its person, with its text and the file's bytes", async () => {
    const { s, thread } = get();
    const image = qrLikeBytes();
    await s.adapter.sendPrivately(person(s, s.user), code("private-code 4711", pings(s)), {
      name: "sign-in-code.png",
      title: "Sign-in code",
      bytes: image,
    });
    const seen = await s.waitFor(() => {
      const dm = s.privateTo(s.user);
      return dm.files.length > 0 && dm;
    }, "the direct message and its file");
    assert.ok(
      seen.texts.some((t) => t.includes("private-code 4711")),
      `not in the direct message: ${seen.texts.join(" | ")}`,
    );
    assert.deepEqual(
      seen.files.map((f) => f.name),
      ["sign-in-code.png"],
    );
    assert.ok(seen.files[0]?.bytes.equals(image), "the file's bytes changed on the way");
    assert.deepEqual(seen.notified, [], "a private message notified someone by name or broadcast");
    assertOnlyForUser(s, "private-code 4711", "sign-in-code.png");
    assert.ok(
      !s.uploads(thread).some((f) => f.name === "sign-in-code.png"),
      "the file was shared in the thread",
    );
  });

  test("a second private message to the same person, without a file, follows the first", async () => {
    const { s } = get();
    const before = s.privateTo(s.user);
    await s.adapter.sendPrivately(person(s, s.user), code("private-code 5822"));
    const after = await s.waitFor(() => {
      const dm = s.privateTo(s.user);
      return dm.texts.some((t) => t.includes("private-code 5822")) && dm;
    }, "the second direct message");
    assert.equal(after.files.length, before.files.length, "a file came with a message that had none");
    const first = after.texts.findIndex((t) => t.includes("private-code 4711"));
    const second = after.texts.findIndex((t) => t.includes("private-code 5822"));
    assert.ok(first >= 0 && second > first, `out of order: ${after.texts.join(" | ")}`);
    assertOnlyForUser(s, "private-code 5822");
  });

  test("a private message the platform will not deliver rejects, and shows nowhere", async () => {
    const { s } = get();
    const refusals = Object.entries(s.dmRefusals);
    assert.ok(refusals.length > 0, "the subject names no refusal");
    for (const [why, arrange] of refusals) {
      const { user, error: expected } = await arrange();
      const marker = `refused-code ${why}`;
      await assert.rejects(
        s.adapter.sendPrivately(person(s, user), code(marker), { name: `${why}.png`, bytes: qrLikeBytes() }),
        (error: unknown) =>
          error instanceof BridgeError && error.code === "PLATFORM" && expected.test(error.message),
        `a direct message to ${why} (${user}) did not reject with a platform error naming ${expected}`,
      );
      assert.deepEqual(
        s.privateTo(user).texts.filter((t) => t.includes(marker)),
        [],
        why,
      );
      assert.ok(!s.publicTexts().some((t) => t.includes(marker)), `${why}: shown in public`);
    }
    // A person of another platform is no one this adapter can write to.
    await assert.rejects(
      s.adapter.sendPrivately({ platform: "elsewhere", id: s.user }, code("refused-code elsewhere")),
      (error: unknown) => error instanceof BridgeError,
    );
    assert.ok(!s.privateTo(s.user).texts.some((t) => t.includes("refused-code elsewhere")));
  });
};

function person(s: ContractSubject, id: string) {
  return { platform: s.adapter.platform, id };
}

/** What the bridge will send: a sign-in code, on a line of its own (and `extra` text under it). */
function code(marker: string, extra = ""): Message {
  return {
    blocks: [
      { type: "line", inline: ["Your sign-in code: ", { code: marker }] },
      { type: "context", inline: [`Only you can see this. ${extra}`] },
    ],
    summary: `Your sign-in code: ${marker}`,
  };
}

/** Text naming other people and everyone, in both platforms' syntax: a private message pings no one. */
function pings(s: ContractSubject): string {
  return `@everyone @here <!channel> <@${s.otherUser}> <@!${s.otherUser}>`;
}

/** `text` (and `file`) went to no one but `s.user`: not the channel, not another person, not a notice. */
function assertOnlyForUser(s: ContractSubject, text: string, file?: string): void {
  assert.ok(!s.publicTexts().some((t) => t.includes(text)), `"${text}" is shown in public`);
  const other = s.privateTo(s.otherUser);
  assert.ok(!other.texts.some((t) => t.includes(text)), `"${text}" reached ${s.otherUser} as well`);
  if (file) assert.ok(!other.files.some((f) => f.name === file), `${file} reached ${s.otherUser} as well`);
  assert.ok(
    !s.noticesFor(s.otherUser).some((t) => t.includes(text)),
    `"${text}" is a notice to someone else`,
  );
}

/** A PNG signature and every byte value: a file that survives the trip only if it is kept binary. */
function qrLikeBytes(): Buffer {
  const body = Buffer.alloc(4096);
  for (let i = 0; i < body.length; i++) body[i] = (i * 31 + 7) % 256;
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), body]);
}
