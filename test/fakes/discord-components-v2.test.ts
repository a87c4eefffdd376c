/**
 * The fake Discord's Components V2 messages and new modal components, spoken to over HTTP as
 * discord.js speaks (REST with the bot token; callbacks and the interaction webhook without it):
 * what is accepted and stored, each rule that refuses a body (exact 50035 paths and codes), the
 * V2 flag on edits, modal submissions with Label children, the typing indicator, classic messages
 * unchanged — and one round trip with the real discord.js Client and its builders.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  ButtonStyle,
  Client,
  ContainerBuilder,
  Events,
  GatewayIntentBits,
  type Interaction,
  MessageFlags,
  ModalBuilder,
  type TextChannel,
  TextInputStyle,
} from "discord.js";
import { ComponentType as ApiComponentType, MessageFlags as ApiMessageFlags } from "discord-api-types/v10";
import {
  buttonByLabel,
  ComponentType,
  FakeDiscord,
  type InteractionHandle,
  IS_COMPONENTS_V2,
  messageButtons,
  messageText,
  readMessage,
} from "./discord/index.js";

const USER = "200000000000000001";
const ROLE = "300000000000000001";
const V2 = 1 << 15;

// biome-ignore lint/suspicious/noExplicitAny: Discord JSON
type Json = Record<string, any>;
interface Reply {
  status: number;
  body: Json;
}

// ---- Component JSON as discord.js's builders serialise it --------------------------------------
const text = (content: string) => ({ type: 10, content });
const button = (custom_id: string, label = custom_id) => ({ type: 2, style: 1, custom_id, label });
const row = (...components: Json[]) => ({ type: 1, components });
const container = (...components: Json[]) => ({ type: 17, components });
const section = (texts: string[], accessory: Json) => ({ type: 9, components: texts.map(text), accessory });
const options = (...values: string[]) => values.map((value) => ({ label: value.toUpperCase(), value }));
const select = (custom_id: string, extra: Json = {}) => ({
  type: 3,
  custom_id,
  options: options("a", "b"),
  ...extra,
});
const label = (component: Json, extra: Json = {}) => ({ type: 18, label: "Pick", component, ...extra });
const modal = (components: Json[], extra: Json = {}) => ({
  custom_id: "m",
  title: "Title",
  components,
  ...extra,
});

describe("FakeDiscord Components V2 and modal components (HTTP, as discord.js sends them)", () => {
  let fake: FakeDiscord;
  let card: string;

  const call = async (method: string, path: string, body?: unknown, auth = true): Promise<Reply> => {
    const res = await fetch(`${fake.apiUrl}/v10${path}`, {
      method,
      headers: {
        ...(auth ? { authorization: `Bot ${fake.token}` } : {}),
        "content-type": "application/json",
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const raw = await res.text();
    return { status: res.status, body: raw === "" ? {} : JSON.parse(raw) };
  };
  const post = (body: Json, channel = fake.channelId) => call("POST", `/channels/${channel}/messages`, body);
  const patch = (id: string, body: Json) => call("PATCH", `/channels/${fake.channelId}/messages/${id}`, body);
  const callback = (h: InteractionHandle, body: Json) =>
    call("POST", `/interactions/${h.interactionId}/${h.token}/callback`, body, false);
  const webhook = (h: InteractionHandle, method: string, suffix = "", body?: Json) =>
    call(method, `/webhooks/${fake.applicationId}/${h.token}${suffix}`, body, false);
  /** A fresh button interaction on the classic card. */
  const click = () => fake.clickButton({ user_id: USER, message_id: card, custom_id: "open" });

  /** Asserts a 50035 answer with `code` (and `message`) at `path` of its `errors`. */
  const invalid = (r: Reply, path: (string | number)[], code: string, message?: string) => {
    assert.equal(r.status, 400, JSON.stringify(r.body));
    assert.equal(r.body.code, 50035);
    assert.equal(r.body.message, "Invalid Form Body");
    let node: Json | undefined = r.body.errors;
    for (const key of path) node = node?.[String(key)];
    const errors: { code: string; message: string }[] = node?._errors ?? [];
    assert.ok(
      errors.some((e) => e.code === code && (message === undefined || e.message === message)),
      `want ${code} at ${path.join(".")}, got ${JSON.stringify(r.body.errors)}`,
    );
  };

  before(async () => {
    fake = await FakeDiscord.start({
      textChannels: 2,
      ownerRoleIds: [ROLE],
      interactionCallbackTimeoutMs: 30_000,
    });
    fake.addUser(USER, "alice", [ROLE]);
    const posted = await post({ content: "card", components: [row(button("open", "Open"))] });
    assert.equal(posted.status, 200);
    card = posted.body.id;
  });
  after(() => fake.stop());

  it("uses the installed discord-api-types numbers: component types and IS_COMPONENTS_V2", () => {
    assert.equal(IS_COMPONENTS_V2, ApiMessageFlags.IsComponentsV2);
    assert.equal(IS_COMPONENTS_V2, 32768);
    for (const [name, value] of Object.entries(ComponentType))
      assert.equal(value, ApiComponentType[name as keyof typeof ApiComponentType], name);
  });

  it("accepts a V2 message of every layout and content type; stores flags, ids, text and buttons", async () => {
    const components = [
      container(
        text("## Session started"),
        section(["Plan ready", "3 steps"], button("plan", "Review plan")),
        section(["Screenshot"], {
          type: 11,
          media: { url: "https://example.com/a.png" },
          description: "alt",
        }),
        { type: 14, divider: true, spacing: 2 },
        { type: 12, items: [{ media: { url: "https://example.com/b.png" }, description: "b" }] },
        { type: 13, file: { url: "attachment://log.txt" } },
        row(button("approve", "Approve"), { type: 2, style: 5, label: "Docs", url: "https://example.com" }),
      ),
      { type: 14 },
      text("```ts\nconst x = 1;\n```"),
      row(select("pick")),
    ];
    const r = await post({ flags: V2, components, allowed_mentions: { parse: [] } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.flags, V2);
    assert.equal(r.body.content, "");
    const stored = fake.messages.find((m) => m.id === r.body.id);
    assert.ok(stored);
    assert.equal(stored.flags, V2);
    // Ids as Discord fills them in: 1, 2, … depth first, parents before children.
    assert.deepEqual(
      [stored.components[0].id, stored.components[0].components[0].id, stored.components[0].components[1].id],
      [1, 2, 3],
    );
    assert.equal(stored.components[0].components[1].accessory.id, 6);
    assert.equal((components[0] as Json).id, undefined, "the request body is not changed");
    assert.deepEqual(readMessage(stored), {
      v2: true,
      text: "## Session started\nPlan ready\n3 steps\nScreenshot\n```ts\nconst x = 1;\n```",
      texts: ["## Session started", "Plan ready", "3 steps", "Screenshot", "```ts\nconst x = 1;\n```"],
      buttons: [
        { label: "Review plan", custom_id: "plan", style: 1, disabled: false, id: 6 },
        { label: "Approve", custom_id: "approve", style: 1, disabled: false, id: 14 },
        { label: "Docs", url: "https://example.com", style: 5, disabled: false, id: 15 },
      ],
      labels: ["Review plan", "Approve", "Docs"],
    });
    assert.deepEqual(fake.read(r.body.id), readMessage(stored));
    assert.equal(buttonByLabel(stored, "Approve")?.custom_id, "approve");
    const got = await call("GET", `/channels/${fake.channelId}/messages/${r.body.id}`);
    assert.deepEqual([got.body.flags, got.body.components], [V2, stored.components]);
    // A section's accessory button is clickable, and the click carries its component id.
    const h = await fake.clickButton({ user_id: USER, message_id: r.body.id, custom_id: "plan" });
    assert.deepEqual(fake.interactionPayload(h.interactionId).data, {
      custom_id: "plan",
      component_type: 2,
      id: 6,
    });
    assert.equal((await callback(h, { type: 6 })).status, 204);
  });

  it("V2: content, embeds, sticker_ids and poll are refused (even content ''); null and [] pass", async () => {
    const body = { flags: V2, components: [text("hi")] };
    const legacy = (field: string) =>
      `The '${field}' field cannot be used when using MessageFlags.IS_COMPONENTS_V2`;
    const code = "MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2";
    invalid(await post({ ...body, content: "hello" }), ["content"], code, legacy("content"));
    invalid(await post({ ...body, content: "" }), ["content"], code, legacy("content"));
    invalid(await post({ ...body, embeds: [{ title: "x" }] }), ["embeds"], code, legacy("embeds"));
    invalid(await post({ ...body, sticker_ids: ["1"] }), ["sticker_ids"], code, legacy("sticker_ids"));
    const poll = { question: { text: "?" }, answers: [{ poll_media: { text: "a" } }] };
    invalid(await post({ ...body, poll }), ["poll"], code, legacy("poll"));
    const ok = await post({ ...body, content: null, embeds: [], sticker_ids: [], poll: null });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(messageText(fake.messages.at(-1) ?? { content: "", components: [] }), "hi");
    const empty = await post({ flags: V2, components: [] });
    assert.deepEqual([empty.status, empty.body.code], [400, 50006]);
  });

  it("V2 limits: 40 components counting nested ones, 4000 characters of text", async () => {
    const texts = (n: number, each = "x") => Array.from({ length: n }, () => text(each));
    assert.equal((await post({ flags: V2, components: [container(...texts(39))] })).status, 200);
    invalid(
      await post({ flags: V2, components: [container(...texts(40))] }),
      ["components"],
      "MAX_COMPONENTS_EXCEEDED",
      "Must be 40 or fewer components in total (nested ones included); got 41.",
    );
    // A section's text displays and its accessory count too: 13 sections × 3 = 39, + 1 row + 1 button.
    const sections = Array.from({ length: 13 }, (_, i) => section(["s"], button(`b${i}`)));
    invalid(
      await post({ flags: V2, components: [...sections, row(button("last"))] }),
      ["components"],
      "MAX_COMPONENTS_EXCEEDED",
    );
    assert.equal(
      (await post({ flags: V2, components: [text("a".repeat(2500)), text("b".repeat(1500))] })).status,
      200,
    );
    invalid(
      await post({ flags: V2, components: [text("a".repeat(2500)), container(text("b".repeat(1501)))] }),
      ["components"],
      "MAX_TEXT_DISPLAY_LENGTH_EXCEEDED",
      "Text displays must total 4000 or fewer characters; got 4001.",
    );
  });

  it("V2 component rules: where each type may stand, and each one's own limits", async () => {
    const TOP = 'Value of field "type" must be one of (1, 9, 10, 12, 13, 14, 17).';
    const cases: [string, Json[], (string | number)[], string, string?][] = [
      [
        "thumbnail at the top level",
        [{ type: 11, media: { url: "https://x/y.png" } }],
        [0],
        "UNION_TYPE_CHOICES",
        TOP,
      ],
      ["a label in a message", [label(select("s"))], [0], "UNION_TYPE_CHOICES", TOP],
      [
        "a container in a container",
        [container(container(text("x")))],
        [0, "components", 0],
        "UNION_TYPE_CHOICES",
        'Value of field "type" must be one of (1, 9, 10, 12, 13, 14).',
      ],
      [
        "a section of 4 text displays",
        [section(["1", "2", "3", "4"], button("b"))],
        [0, "components"],
        "BASE_TYPE_BAD_LENGTH",
        "Must be between 1 and 3 in length.",
      ],
      [
        "a section without accessory",
        [{ type: 9, components: [text("x")] }],
        [0, "accessory"],
        "BASE_TYPE_REQUIRED",
      ],
      [
        "a select as a section accessory",
        [section(["x"], select("s"))],
        [0, "accessory"],
        "UNION_TYPE_CHOICES",
        'Value of field "type" must be one of (2, 11).',
      ],
      [
        "a button in a section body",
        [{ type: 9, components: [button("b")], accessory: button("c") }],
        [0, "components", 0],
        "UNION_TYPE_CHOICES",
        'Value of field "type" must be one of (10,).',
      ],
      ["an empty text display", [text("")], [0, "content"], "BASE_TYPE_REQUIRED"],
      [
        "6 buttons in a row",
        [row(...["a", "b", "c", "d", "e", "f"].map((id) => button(id)))],
        [0, "components"],
        "BASE_TYPE_BAD_LENGTH",
        "Must be between 1 and 5 in length.",
      ],
      [
        "a select beside a button",
        [row(select("s"), button("b"))],
        [0, "components"],
        "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
      ],
      [
        "a custom_id used twice (accessory and row)",
        [section(["x"], button("same")), container(row(button("same")))],
        [1, "components", 0, "components", 0, "custom_id"],
        "COMPONENT_CUSTOM_ID_DUPLICATED",
        "Component custom id cannot be duplicated",
      ],
      [
        "a custom_id of 101 characters",
        [row(button("x".repeat(101)))],
        [0, "components", 0, "custom_id"],
        "BASE_TYPE_BAD_LENGTH",
        "Must be between 1 and 100 in length.",
      ],
      [
        "a button label of 81 characters",
        [row(button("b", "x".repeat(81)))],
        [0, "components", 0, "label"],
        "BASE_TYPE_MAX_LENGTH",
        "Must be 80 or fewer in length.",
      ],
      [
        "a link button with a custom_id",
        [row({ type: 2, style: 5, url: "https://x", custom_id: "l" })],
        [0, "components", 0, "custom_id"],
        "BUTTON_LINK_CUSTOM_ID",
      ],
      [
        "separator spacing 3",
        [{ type: 14, spacing: 3 }],
        [0, "spacing"],
        "BASE_TYPE_CHOICES",
        "Value must be one of (1, 2).",
      ],
      [
        "accent_color over 0xFFFFFF",
        [{ ...container(text("x")), accent_color: 0x1000000 }],
        [0, "accent_color"],
        "NUMBER_TYPE_MAX",
        "int value should be less than or equal to 16777215.",
      ],
      [
        "11 media gallery items",
        [{ type: 12, items: Array.from({ length: 11 }, () => ({ media: { url: "https://x/y.png" } })) }],
        [0, "items"],
        "BASE_TYPE_BAD_LENGTH",
        "Must be between 1 and 10 in length.",
      ],
      [
        "a file not pointing at an attachment",
        [{ type: 13, file: { url: "https://x/y.txt" } }],
        [0, "file", "url"],
        "UNFURLED_MEDIA_ITEM_ATTACHMENT_REQUIRED",
      ],
      [
        "a component id used twice",
        [
          { ...text("a"), id: 7 },
          { ...text("b"), id: 7 },
        ],
        [1, "id"],
        "COMPONENT_ID_DUPLICATED",
      ],
      [
        "26 select options",
        [row(select("s", { options: options(...Array.from({ length: 26 }, (_, i) => `o${i}`)) }))],
        [0, "components", 0, "options"],
        "BASE_TYPE_BAD_LENGTH",
        "Must be between 1 and 25 in length.",
      ],
      [
        "a select option value twice",
        [row(select("s", { options: options("a", "a") }))],
        [0, "components", 0, "options", 1, "value"],
        "SELECT_COMPONENT_OPTION_VALUE_DUPLICATED",
      ],
      [
        "select max_values 26",
        [row(select("s", { max_values: 26 }))],
        [0, "components", 0, "max_values"],
        "NUMBER_TYPE_MAX",
        "int value should be less than or equal to 25.",
      ],
      [
        "a text input in a message row",
        [row({ type: 4, custom_id: "t", style: 1 })],
        [0, "components", 0],
        "UNION_TYPE_CHOICES",
        'Value of field "type" must be one of (2, 3, 5, 6, 7, 8).',
      ],
    ];
    for (const [what, components, path, code, message] of cases) {
      const r = await post({ flags: V2, components });
      assert.equal(r.status, 400, `${what}: ${JSON.stringify(r.body)}`);
      invalid(r, ["components", ...path], code, message);
    }
  });

  it("without the flag: only action rows at the top; classic messages read as before", async () => {
    invalid(
      await post({ content: "x", components: [text("hi")] }),
      ["components", 0],
      "UNION_TYPE_CHOICES",
      'Value of field "type" must be one of (1,).',
    );
    invalid(
      await post({ content: "x", components: [container(text("hi"))] }),
      ["components", 0],
      "UNION_TYPE_CHOICES",
    );
    invalid(
      await post({ content: "rows", components: [1, 2, 3, 4, 5, 6].map((n) => row(button(`r${n}`))) }),
      ["components"],
      "BASE_TYPE_MAX_LENGTH",
      "Must be 5 or fewer in length.",
    );
    invalid(await post({ content: "x".repeat(2001) }), ["content"], "BASE_TYPE_MAX_LENGTH");
    const components = [row(button("ok", "Approve"), button("no", "Deny"))];
    const r = await post({ content: "Approve the plan?", components });
    assert.equal(r.status, 200);
    const m = fake.messages.find((x) => x.id === r.body.id);
    assert.ok(m);
    assert.equal(m.content, "Approve the plan?");
    assert.equal(m.flags, undefined);
    assert.deepEqual(m.components, components, "classic components are stored as sent (no ids added)");
    assert.deepEqual(
      m.components.flatMap((x: Json) => x.components).map((b: Json) => b.label),
      ["Approve", "Deny"],
    );
    assert.deepEqual(readMessage(m), {
      v2: false,
      text: "Approve the plan?",
      texts: [],
      buttons: [
        { label: "Approve", custom_id: "ok", style: 1, disabled: false },
        { label: "Deny", custom_id: "no", style: 1, disabled: false },
      ],
      labels: ["Approve", "Deny"],
    });
    assert.deepEqual(
      messageButtons(m).map((b) => b.custom_id),
      ["ok", "no"],
    );
  });

  it("edits (REST): the V2 flag stays; dropping it or adding content is refused; becoming V2 resets content", async () => {
    const created = await post({ flags: V2, components: [text(`Working… <@${USER}>`)] });
    const id = created.body.id as string;
    assert.deepEqual(
      fake.messages.find((m) => m.id === id)?.mentions,
      [USER],
      "mentions come from text displays",
    );
    const edited = await patch(id, { components: [container(text("Done"))] });
    assert.equal(edited.status, 200, JSON.stringify(edited.body));
    assert.deepEqual([edited.body.flags, fake.read(id).text], [V2, "Done"]);
    assert.deepEqual(fake.messages.find((m) => m.id === id)?.mentions, []);
    // flags: 0 drops the flag: refused, and the components are then read as a classic message's.
    const dropped = await patch(id, { flags: 0, components: [text("x")] });
    invalid(dropped, ["flags"], "MESSAGE_CANNOT_REMOVE_COMPONENTS_V2_FLAG");
    invalid(dropped, ["components", 0], "UNION_TYPE_CHOICES", 'Value of field "type" must be one of (1,).');
    invalid(
      await patch(id, { content: "plain" }),
      ["content"],
      "MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2",
    );
    invalid(
      await patch(id, { embeds: [{ title: "t" }] }),
      ["embeds"],
      "MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2",
    );
    assert.equal((await patch(id, { flags: V2 | 4 })).status, 200, "keeping the flag among others is fine");
    assert.equal(fake.read(id).text, "Done");
    // A classic message becomes V2 only if the same edit empties its content.
    const classic = (await post({ content: "old text", components: [row(button("c1"))] })).body.id as string;
    invalid(
      await patch(classic, { flags: V2, components: [text("new")] }),
      ["content"],
      "MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2",
    );
    const upgraded = await patch(classic, { flags: V2, content: null, components: [text("new")] });
    assert.equal(upgraded.status, 200, JSON.stringify(upgraded.body));
    assert.deepEqual([upgraded.body.flags, upgraded.body.content, fake.read(classic).text], [V2, "", "new"]);
    // A V2 edit of a classic message that keeps content without the flag stays a classic edit.
    const plain = (await post({ content: "one" })).body.id as string;
    assert.equal((await patch(plain, { content: "two" })).status, 200);
    invalid(await patch(plain, { components: [text("x")] }), ["components", 0], "UNION_TYPE_CHOICES");
  });

  it("interaction replies (type 4), updates (type 7) and webhook messages follow the same rules", async () => {
    // Type 4 with the flag creates a V2 reply; a legacy field is reported under `data`.
    const h = await click();
    invalid(
      await callback(h, { type: 4, data: { flags: V2, embeds: [{ title: "x" }], components: [text("a")] } }),
      ["data", "embeds"],
      "MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2",
    );
    invalid(
      await callback(h, { type: 4, data: { content: "x", components: [text("a")] } }),
      ["data", "components", 0],
      "UNION_TYPE_CHOICES",
    );
    const replied = await callback(h, {
      type: 4,
      data: { flags: V2, components: [section(["Pick a model"], button("model", "Change"))] },
    });
    assert.equal(replied.status, 204, JSON.stringify(replied.body));
    const reply = fake.messages.find((m) => m.interaction_id === h.interactionId);
    assert.ok(reply);
    assert.deepEqual(
      [reply.flags, fake.read(reply).text, fake.read(reply).labels],
      [V2, "Pick a model", ["Change"]],
    );
    // Follow-ups through the webhook.
    invalid(
      await webhook(h, "POST", "", { flags: V2, content: "x", components: [text("a")] }),
      ["content"],
      "MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2",
    );
    const follow = await webhook(h, "POST", "", { flags: V2, components: [text("follow-up")] });
    assert.deepEqual([follow.status, follow.body.flags], [200, V2]);
    // Type 7 on the V2 reply: an edit of it, so the flag stays and content is refused.
    const u = await fake.clickButton({ user_id: USER, message_id: reply.id, custom_id: "model" });
    invalid(
      await callback(u, { type: 7, data: { content: "no" } }),
      ["data", "content"],
      "MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2",
    );
    invalid(
      await callback(u, { type: 7, data: { flags: 0 } }),
      ["data", "flags"],
      "MESSAGE_CANNOT_REMOVE_COMPONENTS_V2_FLAG",
    );
    assert.equal(
      (await callback(u, { type: 7, data: { components: [container(text("Model: gpt-5"))] } })).status,
      204,
    );
    assert.deepEqual(
      [reply.flags, fake.read(reply.id).text, fake.read(reply.id).buttons],
      [V2, "Model: gpt-5", []],
    );
    // Deferred (type 5): the flag comes with the edit of @original, which empties nothing.
    const d = await click();
    assert.equal((await callback(d, { type: 5 })).status, 204);
    const edited = await webhook(d, "PATCH", "/messages/@original", {
      flags: V2,
      components: [text("Ready")],
    });
    assert.equal(edited.status, 200, JSON.stringify(edited.body));
    assert.equal(edited.body.flags, V2, "LOADING cleared, IS_COMPONENTS_V2 set");
    invalid(
      await webhook(d, "PATCH", "/messages/@original", { content: "x" }),
      ["content"],
      "MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2",
    );
    invalid(
      await webhook(d, "PATCH", "/messages/@original", { flags: 64, components: [text("x")] }),
      ["flags"],
      "MESSAGE_CANNOT_REMOVE_COMPONENTS_V2_FLAG",
    );
  });

  it("modals: Label (text input, selects, file upload, radio/checkbox groups, checkbox) and Text Display", async () => {
    const accepted = [
      modal([
        text("Pick how the session runs."),
        label(
          { type: 4, custom_id: "notes", style: 2, required: false, max_length: 500 },
          { label: "Notes" },
        ),
        label(select("langs", { options: options("ts", "go", "rs"), max_values: 2 }), {
          description: "Up to two",
        }),
        label({ type: 21, custom_id: "tier", options: [...options("free", "pro")] }),
        label({
          type: 22,
          custom_id: "tools",
          options: options("shell", "web"),
          min_values: 0,
          required: false,
        }),
      ]),
      modal([
        label({ type: 23, custom_id: "agree" }),
        label({ type: 5, custom_id: "who" }),
        label({ type: 6, custom_id: "roles", max_values: 2, default_values: [{ id: ROLE, type: "role" }] }),
        label({ type: 8, custom_id: "where", channel_types: [0] }),
        label({ type: 19, custom_id: "logs", max_values: 2, file_types: [".txt"] }),
      ]),
      modal([row({ type: 4, custom_id: "model", label: "Model", style: 1 })]),
      modal([label(select("opt", { min_values: 0, required: false }))]),
      modal([label({ type: 7, custom_id: "mention" })]),
    ];
    for (const data of accepted) {
      const r = await callback(await click(), { type: 9, data });
      assert.equal(r.status, 204, `${JSON.stringify(data)}: ${JSON.stringify(r.body)}`);
    }
  });

  it("modal rules: title, 1-5 components, what a Label holds, option counts, min/max values, custom_ids", async () => {
    const TOP = 'Value of field "type" must be one of (1, 10, 18).';
    const IN_LABEL = 'Value of field "type" must be one of (3, 4, 5, 6, 7, 8, 19, 21, 22, 23).';
    const at = (...path: (string | number)[]) => ["data", "components", 0, ...path];
    const ok = [label(select("s"))];
    const cases: [string, Json, (string | number)[], string, string?][] = [
      [
        "a 46-character title",
        modal(ok, { title: "x".repeat(46) }),
        ["data", "title"],
        "BASE_TYPE_BAD_LENGTH",
        "Must be between 1 and 45 in length.",
      ],
      ["no title", modal(ok, { title: undefined }), ["data", "title"], "BASE_TYPE_REQUIRED"],
      [
        "a 101-character custom_id",
        modal(ok, { custom_id: "m".repeat(101) }),
        ["data", "custom_id"],
        "BASE_TYPE_BAD_LENGTH",
      ],
      [
        "no components",
        modal([]),
        ["data", "components"],
        "BASE_TYPE_BAD_LENGTH",
        "Must be between 1 and 5 in length.",
      ],
      [
        "6 components",
        modal(Array.from({ length: 6 }, (_, i) => label(select(`s${i}`)))),
        ["data", "components"],
        "BASE_TYPE_BAD_LENGTH",
        "Must be between 1 and 5 in length.",
      ],
      ["a container", modal([container(text("x"))]), at(), "UNION_TYPE_CHOICES", TOP],
      ["a section", modal([section(["x"], button("b"))]), at(), "UNION_TYPE_CHOICES", TOP],
      [
        "a 46-character label",
        modal([label(select("s"), { label: "x".repeat(46) })]),
        at("label"),
        "BASE_TYPE_BAD_LENGTH",
        "Must be between 1 and 45 in length.",
      ],
      [
        "a 101-character description",
        modal([label(select("s"), { description: "x".repeat(101) })]),
        at("description"),
        "BASE_TYPE_MAX_LENGTH",
        "Must be 100 or fewer in length.",
      ],
      ["a label without component", modal([{ type: 18, label: "x" }]), at("component"), "BASE_TYPE_REQUIRED"],
      ["a button in a label", modal([label(button("b"))]), at("component"), "UNION_TYPE_CHOICES", IN_LABEL],
      [
        "a text display in a label",
        modal([label(text("x"))]),
        at("component"),
        "UNION_TYPE_CHOICES",
        IN_LABEL,
      ],
      [
        "a text input's own label in a Label",
        modal([label({ type: 4, custom_id: "t", style: 1, label: "T" })]),
        at("component", "label"),
        "TEXT_INPUT_LABEL_IN_LABEL",
      ],
      [
        "a text input without style",
        modal([label({ type: 4, custom_id: "t" })]),
        at("component", "style"),
        "BASE_TYPE_REQUIRED",
      ],
      [
        "text input max_length 4001",
        modal([label({ type: 4, custom_id: "t", style: 1, max_length: 4001 })]),
        at("component", "max_length"),
        "NUMBER_TYPE_MAX",
        "int value should be less than or equal to 4000.",
      ],
      [
        "a select without options",
        modal([label(select("s", { options: [] }))]),
        at("component", "options"),
        "BASE_TYPE_BAD_LENGTH",
        "Must be between 1 and 25 in length.",
      ],
      [
        "26 select options",
        modal([label(select("s", { options: options(...Array.from({ length: 26 }, (_, i) => `o${i}`)) }))]),
        at("component", "options"),
        "BASE_TYPE_BAD_LENGTH",
      ],
      [
        "an option label of 101 characters",
        modal([label(select("s", { options: [{ label: "x".repeat(101), value: "v" }] }))]),
        at("component", "options", 0, "label"),
        "BASE_TYPE_BAD_LENGTH",
        "Must be between 1 and 100 in length.",
      ],
      [
        "min_values 0 on a required select",
        modal([label(select("s", { min_values: 0 }))]),
        at("component", "min_values"),
        "NUMBER_TYPE_MIN",
        "int value should be greater than or equal to 1.",
      ],
      [
        "max_values 26",
        modal([label(select("s", { max_values: 26 }))]),
        at("component", "max_values"),
        "NUMBER_TYPE_MAX",
        "int value should be less than or equal to 25.",
      ],
      [
        "min_values over max_values",
        modal([label(select("s", { min_values: 2, max_values: 1 }))]),
        at("component", "min_values"),
        "NUMBER_TYPE_MAX",
      ],
      [
        "a disabled select",
        modal([label(select("s", { disabled: true }))]),
        at("component", "disabled"),
        "MODAL_COMPONENT_DISABLED",
      ],
      [
        "a user select's default role",
        modal([label({ type: 5, custom_id: "u", default_values: [{ id: ROLE, type: "role" }] })]),
        at("component", "default_values", 0, "type"),
        "BASE_TYPE_CHOICES",
        "Value must be one of (user,).",
      ],
      [
        "2 default users for max_values 1",
        modal([
          label({
            type: 5,
            custom_id: "u",
            default_values: [
              { id: "1", type: "user" },
              { id: "2", type: "user" },
            ],
          }),
        ]),
        at("component", "default_values"),
        "BASE_TYPE_BAD_LENGTH",
      ],
      [
        "a radio group of 1 option",
        modal([label({ type: 21, custom_id: "r", options: options("a") })]),
        at("component", "options"),
        "BASE_TYPE_BAD_LENGTH",
        "Must be between 2 and 10 in length.",
      ],
      [
        "a radio group of 11 options",
        modal([label({ type: 21, custom_id: "r", options: options(..."abcdefghijk".split("")) })]),
        at("component", "options"),
        "BASE_TYPE_BAD_LENGTH",
      ],
      [
        "a checkbox group of 11 options",
        modal([label({ type: 22, custom_id: "c", options: options(..."abcdefghijk".split("")) })]),
        at("component", "options"),
        "BASE_TYPE_BAD_LENGTH",
        "Must be between 1 and 10 in length.",
      ],
      [
        "checkbox group max_values 11",
        modal([label({ type: 22, custom_id: "c", options: options("a"), max_values: 11 })]),
        at("component", "max_values"),
        "NUMBER_TYPE_MAX",
        "int value should be less than or equal to 10.",
      ],
      [
        "a checkbox without custom_id",
        modal([label({ type: 23 })]),
        at("component", "custom_id"),
        "BASE_TYPE_REQUIRED",
      ],
      [
        "file upload max_values 11",
        modal([label({ type: 19, custom_id: "f", max_values: 11 })]),
        at("component", "max_values"),
        "NUMBER_TYPE_MAX",
        "int value should be less than or equal to 10.",
      ],
      [
        "11 file types",
        modal([label({ type: 19, custom_id: "f", file_types: "abcdefghijk".split("").map((x) => `.${x}`) })]),
        at("component", "file_types"),
        "BASE_TYPE_MAX_LENGTH",
        "Must be 10 or fewer in length.",
      ],
      [
        "one custom_id in two labels",
        modal([label(select("same")), label({ type: 23, custom_id: "same" })]),
        ["data", "components", 1, "component", "custom_id"],
        "COMPONENT_CUSTOM_ID_DUPLICATED",
      ],
      [
        "two text inputs in one row",
        modal([
          row(
            { type: 4, custom_id: "a", label: "A", style: 1 },
            { type: 4, custom_id: "b", label: "B", style: 1 },
          ),
        ]),
        at("components"),
        "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
      ],
      [
        "a select in a modal row",
        modal([row(select("s"))]),
        at("components", 0),
        "UNION_TYPE_CHOICES",
        'Value of field "type" must be one of (4,).',
      ],
    ];
    const h = await click();
    for (const [what, data, path, code, message] of cases) {
      const r = await callback(h, { type: 9, data });
      assert.equal(r.status, 400, `${what}: ${JSON.stringify(r.body)}`);
      invalid(r, path, code, message);
    }
    assert.equal(
      (await callback(h, { type: 9, data: modal(ok) })).status,
      204,
      "refused callbacks leave it unanswered",
    );
  });

  it("submitModal: answers for every Label child, in the payload shape Discord sends", async () => {
    await callback(await click(), {
      type: 9,
      data: modal(
        [
          text("Pick how the session runs."),
          label({ type: 4, custom_id: "notes", style: 2, required: false }, { label: "Notes" }),
          label(select("langs", { options: options("ts", "go", "rs"), max_values: 2 })),
          label({
            type: 21,
            custom_id: "tier",
            options: [{ label: "Free", value: "free", default: true }, ...options("pro")],
          }),
          label({
            type: 22,
            custom_id: "tools",
            options: options("shell", "web"),
            min_values: 0,
            required: false,
          }),
        ],
        { custom_id: "setup" },
      ),
    });
    const submit = await fake.submitModal({
      user_id: USER,
      channel_id: fake.channelId,
      custom_id: "setup",
      fields: { notes: "be brief", langs: ["ts", "go"], tier: "pro", tools: ["web"] },
    });
    const payload = fake.interactionPayload(submit.interactionId);
    assert.equal(payload.type, 5);
    assert.equal(payload.message.id, card, "a modal from a button carries its message");
    assert.deepEqual(payload.data, {
      custom_id: "setup",
      components: [
        { type: 10, id: 1 },
        { type: 18, id: 2, component: { type: 4, id: 3, custom_id: "notes", value: "be brief" } },
        { type: 18, id: 4, component: { type: 3, id: 5, custom_id: "langs", values: ["ts", "go"] } },
        { type: 18, id: 6, component: { type: 21, id: 7, custom_id: "tier", value: "pro" } },
        { type: 18, id: 8, component: { type: 22, id: 9, custom_id: "tools", values: ["web"] } },
      ],
    });
    // Left out: the modal's defaults (the default radio option, no tools, an empty text input).
    const defaults = await fake.submitModal({
      user_id: USER,
      channel_id: fake.channelId,
      custom_id: "setup",
      fields: { langs: "rs" },
    });
    assert.deepEqual(
      fake.interactionPayload(defaults.interactionId).data.components.map((c: Json) => c.component),
      [
        undefined,
        { type: 4, id: 3, custom_id: "notes", value: "" },
        { type: 3, id: 5, custom_id: "langs", values: ["rs"] },
        { type: 21, id: 7, custom_id: "tier", value: "free" },
        { type: 22, id: 9, custom_id: "tools", values: [] },
      ],
    );
    const refused: [Json, RegExp][] = [
      [{ langs: ["ts", "go", "rs"] }, /field "langs" takes 1-2 values, got 3/],
      [{ langs: [] }, /field "langs" takes 1-2 values, got 0/],
      [{ langs: ["java"] }, /field "langs" has no option java/],
      [{ langs: "ts", tier: null }, /radio group "tier" is required/],
      [{ langs: "ts", tier: "gold" }, /field "tier" has no option gold/],
      [{ langs: "ts", tier: ["free", "pro"] }, /radio group "tier" takes one option value/],
      [{ langs: "ts", tools: ["ftp"] }, /field "tools" has no option ftp/],
      [{ langs: "ts", notes: true }, /text input "notes" takes a string/],
      [{ langs: "ts", nope: "x" }, /modal "setup" has no field nope/],
    ];
    for (const [fields, error] of refused)
      await assert.rejects(
        fake.submitModal({ user_id: USER, channel_id: fake.channelId, custom_id: "setup", fields }),
        error,
      );
  });

  it("submitModal: checkbox, user/role/channel selects and file upload, with `resolved`", async () => {
    await callback(await click(), {
      type: 9,
      data: modal(
        [
          label({ type: 23, custom_id: "agree" }),
          label({ type: 5, custom_id: "who" }),
          label({ type: 6, custom_id: "roles", max_values: 2 }),
          label({ type: 8, custom_id: "where" }),
          label({ type: 19, custom_id: "logs", max_values: 2 }),
        ],
        { custom_id: "grant" },
      ),
    });
    const other = fake.channelIds[1] as string;
    const submit = await fake.submitModal({
      user_id: USER,
      channel_id: fake.channelId,
      custom_id: "grant",
      fields: {
        agree: true,
        who: [USER],
        roles: [ROLE],
        where: [other],
        logs: [{ name: "run.log", bytes: Buffer.from("it ran"), contentType: "text/plain" }],
      },
    });
    const { data } = fake.interactionPayload(submit.interactionId);
    const [agree, who, roles, where, logs] = data.components.map((c: Json) => c.component);
    assert.deepEqual(agree, { type: 23, id: 2, custom_id: "agree", value: true });
    assert.deepEqual(who, { type: 5, id: 4, custom_id: "who", values: [USER] });
    assert.deepEqual(roles, { type: 6, id: 6, custom_id: "roles", values: [ROLE] });
    assert.deepEqual(where, { type: 8, id: 8, custom_id: "where", values: [other] });
    assert.equal(logs.type, 19);
    assert.equal(logs.values.length, 1);
    const file = logs.values[0] as string;
    assert.deepEqual(Object.keys(data.resolved).sort(), [
      "attachments",
      "channels",
      "members",
      "roles",
      "users",
    ]);
    assert.equal(data.resolved.users[USER].username, "alice");
    assert.deepEqual(data.resolved.members[USER].roles, [ROLE]);
    assert.equal(data.resolved.roles[ROLE].name, "owner-1");
    assert.equal(data.resolved.channels[other].name, "copilot-2");
    const attachment = data.resolved.attachments[file];
    assert.deepEqual(
      [attachment.filename, attachment.size, attachment.content_type],
      ["run.log", 6, "text/plain"],
    );
    assert.equal(await (await fetch(attachment.url)).text(), "it ran");
    // Unanswered: the checkbox is false; the required selects and upload must be answered.
    const refused: [Json, RegExp][] = [
      [{ agree: "yes" }, /checkbox "agree" takes true or false/],
      [{ who: [USER, USER], roles: [ROLE] }, /field "who" takes 1-1 values, got 2/],
      [{ who: ["999"] }, /field "who": no user 999/],
      [{ who: [USER], roles: [USER] }, /field "roles": no role/],
      [{ who: [USER], roles: [ROLE], where: ["42"] }, /field "where": no channel 42/],
      [{ who: [USER], roles: [ROLE], where: [other] }, /field "logs" takes 1-2 files, got 0/],
      [
        { who: [USER], roles: [ROLE], where: [other], logs: ["x"] },
        /file upload "logs" takes a list of files/,
      ],
    ];
    for (const [fields, error] of refused)
      await assert.rejects(
        fake.submitModal({ user_id: USER, channel_id: fake.channelId, custom_id: "grant", fields }),
        error,
      );
  });

  it("submitModal: the deprecated action row of text inputs still works", async () => {
    await callback(await click(), {
      type: 9,
      data: modal([row({ type: 4, custom_id: "model", label: "Model", style: 1 })], { custom_id: "old" }),
    });
    const submit = await fake.submitModal({
      user_id: USER,
      channel_id: fake.channelId,
      custom_id: "old",
      fields: { model: "gpt-5" },
    });
    assert.deepEqual(fake.interactionPayload(submit.interactionId).data.components, [
      { type: 1, id: 1, components: [{ type: 4, id: 2, custom_id: "model", value: "gpt-5" }] },
    ]);
  });

  it("typing: POST /channels/:id/typing → 204, counted per channel; unknown channel → 10003", async () => {
    const [first, second] = fake.channelIds as [string, string];
    for (let n = 0; n < 2; n++) assert.equal((await call("POST", `/channels/${first}/typing`)).status, 204);
    assert.equal((await call("POST", `/channels/${second}/typing`)).status, 204);
    assert.deepEqual([fake.typingCount(first), fake.typingCount(second)], [2, 1]);
    const unknown = await call("POST", "/channels/1/typing");
    assert.deepEqual([unknown.status, unknown.body.code], [404, 10003]);
    assert.equal((await call("POST", `/channels/${first}/typing`, undefined, false)).status, 401);
    assert.equal(fake.typingCount(first), 2);
  });
});

describe("FakeDiscord Components V2 with the real discord.js Client and its builders", () => {
  let fake: FakeDiscord;
  let client: Client;
  const seen: Record<string, unknown>[] = [];
  const errors: unknown[] = [];

  before(async () => {
    fake = await FakeDiscord.start();
    fake.addUser(USER, "alice");
    client = new Client({
      intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages],
      rest: { api: fake.apiUrl, makeRequest: fetch as never },
    });
    client.on(Events.InteractionCreate, (i: Interaction) => {
      const handle = async () => {
        if (i.isButton() && i.customId === "review")
          await i.showModal(
            new ModalBuilder()
              .setCustomId("verdict")
              .setTitle("Review the plan")
              .addTextDisplayComponents((t) => t.setContent("Three steps, no migrations."))
              .addLabelComponents(
                (l) =>
                  l
                    .setLabel("Verdict")
                    .setRadioGroupComponent((r) =>
                      r
                        .setCustomId("verdict")
                        .addOptions(
                          { label: "Approve", value: "approve" },
                          { label: "Reject", value: "reject" },
                        ),
                    ),
                (l) =>
                  l
                    .setLabel("Checks")
                    .setCheckboxGroupComponent((g) =>
                      g
                        .setCustomId("checks")
                        .addOptions({ label: "Tests", value: "tests" }, { label: "Lint", value: "lint" }),
                    ),
                (l) => l.setLabel("Notify me").setCheckboxComponent((c) => c.setCustomId("notify")),
                (l) =>
                  l
                    .setLabel("Why")
                    .setTextInputComponent((t) => t.setCustomId("why").setStyle(TextInputStyle.Paragraph)),
              ),
          );
        if (i.isModalSubmit() && i.customId === "verdict") {
          const verdict = i.fields.getRadioGroup("verdict", true);
          seen.push({
            verdict,
            checks: [...i.fields.getCheckboxGroup("checks")],
            notify: i.fields.getCheckbox("notify"),
            why: i.fields.getTextInputValue("why"),
          });
          if (i.isFromMessage())
            await i.update({
              components: [
                new ContainerBuilder().addTextDisplayComponents((t) => t.setContent(`Verdict: ${verdict}`)),
              ],
            });
        }
      };
      handle().catch((e: unknown) => errors.push(e));
    });
    const ready = new Promise((resolve) => client.once(Events.ClientReady, resolve));
    await client.login(fake.token);
    await ready;
  });
  after(async () => {
    await client.destroy();
    await fake.stop();
  });

  it("sends a V2 card with builders, shows a Label modal, reads its answers, updates the card", async () => {
    const channel = (await client.channels.fetch(fake.channelId)) as TextChannel;
    const sent = await channel.send({
      flags: MessageFlags.IsComponentsV2,
      components: [
        new ContainerBuilder()
          .setAccentColor(0x5865f2)
          .addTextDisplayComponents((t) => t.setContent("## Plan ready"))
          .addSeparatorComponents((s) => s.setDivider(true))
          .addSectionComponents((s) =>
            s
              .addTextDisplayComponents((t) => t.setContent("Three steps"))
              .setButtonAccessory((b) =>
                b.setCustomId("review").setLabel("Review").setStyle(ButtonStyle.Primary),
              ),
          ),
      ],
    });
    assert.ok(sent.flags.has(MessageFlags.IsComponentsV2));
    assert.deepEqual(fake.read(sent.id), {
      v2: true,
      text: "## Plan ready\nThree steps",
      texts: ["## Plan ready", "Three steps"],
      buttons: [{ label: "Review", custom_id: "review", style: 1, disabled: false, id: 6 }],
      labels: ["Review"],
    });
    // discord.js refuses nothing the fake accepts here, and the fake refuses what Discord would.
    await assert.rejects(
      channel.send({ flags: MessageFlags.IsComponentsV2, content: "no", components: [] }),
      (e: { code?: number; rawError?: Json }) =>
        e.code === 50035 &&
        e.rawError?.errors?.content?._errors?.[0]?.code ===
          "MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2",
    );
    const click = await fake.clickButton({ user_id: USER, message_id: sent.id, custom_id: "review" });
    const shown = await fake.replyTo(click.interactionId);
    assert.equal(shown.type, 9);
    assert.deepEqual(
      shown.data.components.map((c: Json) => [c.type, c.component?.type]),
      [
        [10, undefined],
        [18, 21],
        [18, 22],
        [18, 23],
        [18, 4],
      ],
    );
    await fake.submitModal({
      user_id: USER,
      channel_id: fake.channelId,
      custom_id: "verdict",
      fields: { verdict: "approve", checks: ["tests"], notify: true, why: "small and safe" },
    });
    await fake.waitFor(() => fake.read(sent.id).text === "Verdict: approve", { what: "the card updated" });
    assert.deepEqual(errors, []);
    assert.deepEqual(seen, [{ verdict: "approve", checks: ["tests"], notify: true, why: "small and safe" }]);
    assert.equal(fake.messages.find((m) => m.id === sent.id)?.flags, V2, "the update kept the flag");
  });
});
