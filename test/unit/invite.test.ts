import assert from "node:assert/strict";
import { test } from "node:test";
import { applicationIdFromToken, inviteUrl, requiredPermissions } from "../../adapters/discord/invite.js";

test("the invite URL asks for the bot and command scopes and exactly the needed permissions", () => {
  const url = new URL(inviteUrl("123456789012345678"));
  assert.equal(url.searchParams.get("client_id"), "123456789012345678");
  assert.equal(url.searchParams.get("scope"), "bot applications.commands");
  const bits = BigInt(url.searchParams.get("permissions") ?? "0");
  assert.equal(bits, requiredPermissions);
  // View channels, send, send in threads, create public threads, read history, attach files — nothing else.
  assert.equal(bits, (1n << 10n) | (1n << 11n) | (1n << 38n) | (1n << 35n) | (1n << 16n) | (1n << 15n));
});

test("the application id is read from a bot token", () => {
  const token = `${Buffer.from("123456789012345678").toString("base64")}.GhIjKl.secretpart`;
  assert.equal(applicationIdFromToken(token), "123456789012345678");
  assert.equal(applicationIdFromToken("not-a-token"), undefined);
});
