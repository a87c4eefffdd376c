import assert from "node:assert/strict";
import { test } from "node:test";
import { AccessPolicy } from "../../src/core/policy.js";
import type { UserRef } from "../../src/core/vocabulary/refs.js";

const owner: UserRef = { platform: "slack", id: "UOWNER" };
const stranger: UserRef = { platform: "slack", id: "USTRANGER" };
const admin: UserRef = { platform: "slack", id: "UADMIN" };
const roleAdmin: UserRef = { platform: "discord", id: "1", roles: ["42"] };
const here = { platform: "slack" as const, channel: "C1" };

test("admins (by id or Discord role) are approvers everywhere; strangers decide nothing", () => {
  const p = new AccessPolicy({ admins: [admin], adminRoles: [{ platform: "discord", id: "42" }] });
  assert.equal(p.canDecide(owner, owner), true);
  assert.equal(p.canDecide(admin, owner), true);
  assert.equal(p.canDecide(roleAdmin, owner), true);
  assert.equal(p.canDecide(stranger, owner), false);
  // A Slack user with the same id as a Discord admin is nobody special.
  assert.equal(p.isAdmin({ platform: "discord", id: "UADMIN" }), false);
});

test("attach and cloud are admins-only by default, configurable, and off means off", () => {
  const p = new AccessPolicy({ admins: [admin] });
  assert.equal(p.check(admin, { kind: "attach" }, here).allowed, true);
  assert.equal(p.check(admin, { kind: "cloud" }, here).allowed, true);
  const attach = p.check(owner, { kind: "attach" }, here);
  assert.ok(!attach.allowed && /Only a bridge admin may attach/.test(attach.reason));
  const cloud = p.check(owner, { kind: "cloud" }, here);
  assert.ok(!cloud.allowed && /bridge's GitHub identity/.test(cloud.reason));
  const open = new AccessPolicy({ cloud: "everyone", attach: "everyone" });
  assert.equal(open.check(stranger, { kind: "attach" }, here).allowed, true);
  assert.equal(open.check(stranger, { kind: "cloud" }, here).allowed, true);
  const off = new AccessPolicy({ admins: [admin], cloud: "off", attach: "off" });
  const offCloud = off.check(admin, { kind: "cloud" }, here);
  assert.ok(!offCloud.allowed && /turned off/.test(offCloud.reason));
  assert.equal(off.check(admin, { kind: "attach" }, here).allowed, false);
});

test("allowed channels and users fence commands; admins may work anywhere", () => {
  const p = new AccessPolicy({
    admins: [admin],
    allowedChannels: ["slack:C1"],
    allowedUsers: [owner],
    allowedUserRoles: [{ platform: "discord", id: "7" }],
  });
  assert.equal(p.check(owner, { kind: "start" }, here).allowed, true);
  const elsewhere = p.check(owner, { kind: "start" }, { platform: "slack", channel: "C2" });
  assert.ok(!elsewhere.allowed && /BRIDGE_ALLOWED_CHANNELS/.test(elsewhere.reason));
  const outsider = p.check(stranger, { kind: "start" }, here);
  assert.ok(!outsider.allowed && /BRIDGE_ALLOWED_USERS/.test(outsider.reason));
  assert.equal(p.check(admin, { kind: "start" }, { platform: "slack", channel: "C2" }).allowed, true);
  const member: UserRef = { platform: "discord", id: "9", roles: ["7"] };
  assert.equal(
    new AccessPolicy({ allowedUserRoles: [{ platform: "discord", id: "7" }] }).check(member, {
      kind: "start",
    }).allowed,
    true,
  );
  assert.equal(p.check(stranger, { kind: "channel-settings" }).allowed, false);
  assert.equal(p.check(admin, { kind: "channel-settings" }).allowed, true);
});

test("without lists, everyone may start sessions", () => {
  assert.equal(new AccessPolicy().check(stranger, { kind: "start" }, here).allowed, true);
});
