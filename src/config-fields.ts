/**
 * How one setting is read from the environment: `on`/`off`, whole numbers in a range, one of a few
 * words, http(s) URLs, and comma-separated lists of people, roles and channels. Each check's message
 * names the setting.
 */
import { z } from "zod";
import { envSetting } from "./core/ports/plugin.js";
import type { UserRef } from "./core/vocabulary/refs.js";

export const setting = envSetting;

/** `a, b or c`, as the messages list a setting's choices. */
const choices = (values: readonly string[]) =>
  values.length < 2 ? values.join("") : `${values.slice(0, -1).join(", ")} or ${values.at(-1)}`;

export const oneOf = <const T extends readonly [string, ...string[]]>(name: string, values: T) =>
  z.enum(values, `${name} must be ${choices(values)}`);

/** A whole number from `min` to `max`, in digits: coercion alone would also take `1e3` or `0x10`. */
export const wholeNumber = (name: string, min: number, max: number, fallback: number) => {
  const message = `${name} must be a whole number from ${min} to ${max}`;
  return setting.pipe(
    z
      .string()
      .regex(/^\d+$/, message)
      .pipe(z.coerce.number<string>().int(message).min(min, message).max(max, message))
      .default(fallback),
  );
};

/** Exactly `on` or `off`: `ON`, `yes` or `true` are refused rather than guessed at. */
export const onOff = (name: string, fallback: boolean) =>
  setting.pipe(
    z
      .stringbool({ truthy: ["on"], falsy: ["off"], case: "sensitive", error: `${name} must be on or off` })
      .default(fallback),
  );

export const httpUrl = (name: string) =>
  setting.pipe(
    z
      .string()
      .regex(/^https?:\/\/[^\s]+$/, `${name} must be an http(s) URL`)
      .optional(),
  );

/** A comma-separated setting, each entry trimmed and checked by `entry`. */
export const list = <T>(entry: z.ZodType<T, string>) =>
  z
    .string()
    .transform((v) => v.split(",").map((p) => p.trim()))
    .pipe(z.array(entry));

/**
 * `platform:id` (a person) or `platform-role:id` (everyone with that role), for any platform a
 * plug-in serves: `slack:U1,discord:2,discord-role:3` → people and roles, each platform-qualified.
 */
export function peopleList(name: string, platforms: readonly string[]) {
  const [first = "chat", last = first] = [platforms[0], platforms.at(-1)];
  const format = `${name} must be a comma-separated list of platform:id or platform-role:id, like ${first}:U123,${last}-role:789`;
  const entry = z
    .string()
    .regex(/^[a-z][a-z0-9]*(-role)?:[\w-]+$/, format)
    .transform((v) => {
      const [kind = "", id = ""] = v.split(":");
      return { platform: kind.replace(/-role$/, ""), id, role: kind.endsWith("-role") };
    })
    .superRefine((p, ctx) => knownPlatform(name, platforms, p.platform, ctx));
  return setting.pipe(
    list(entry)
      .transform((entries) => ({
        users: entries.filter((e) => !e.role).map(({ platform, id }): UserRef => ({ platform, id })),
        roles: entries.filter((e) => e.role).map(({ platform, id }): UserRef => ({ platform, id })),
      }))
      .optional(),
  );
}

/** `platform:channel` entries, for any platform a plug-in serves. */
export function channelList(name: string, platforms: readonly string[]) {
  const [first = "chat", last = first] = [platforms[0], platforms.at(-1)];
  const format = `${name} must be a comma-separated list of platform:channel, like ${first}:C123,${last}:456`;
  const entry = z
    .string()
    .regex(/^[a-z][a-z0-9]*:[\w-]+$/, format)
    .superRefine((c, ctx) => knownPlatform(name, platforms, c.slice(0, c.indexOf(":")), ctx));
  return setting.pipe(list(entry).optional());
}

function knownPlatform(name: string, platforms: readonly string[], platform: string, ctx: z.RefinementCtx) {
  if (!platforms.includes(platform)) {
    ctx.addIssue(`${name}: ${platform} is not a platform of this bridge (it serves ${platforms.join(", ")})`);
  }
}
