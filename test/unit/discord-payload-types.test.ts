/**
 * The Discord adapter's payloads are typed with Discord's own API types, so a malformed component or
 * message body does not compile. The `@ts-expect-error` lines below make `tsc` fail if that typing is
 * ever loosened (each line would then compile, and the directive would be unused). The runtime test
 * checks a rendered card and form against Discord's documented shapes and limits.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  type APIModalInteractionResponseCallbackData,
  ButtonStyle,
  ComponentType,
  MessageFlags,
  type RESTPatchAPIChannelMessageJSONBody,
  type RESTPostAPIChannelMessageJSONBody,
  TextInputStyle,
} from "discord-api-types/v10";
import { z } from "zod";
import { discordChatLimits } from "../../adapters/discord/limits.js";
import {
  type ListedPings,
  parseButtonId,
  parseModalId,
  renderMessage,
  renderModal,
} from "../../adapters/discord/render.js";
import { promptCard } from "../../src/core/cards.js";
import type { Prompt } from "../../src/core/vocabulary/prompt.js";

type Payload = ReturnType<typeof renderMessage>;
type Row = Payload["components"][number];
type Button = Row["components"][number];
type Form = ReturnType<typeof renderModal>;
type Input = Extract<Form["components"][number], { type: ComponentType.ActionRow }>["components"][number];

/** Identity functions: an argument that does not fit the rendered type is a compile error. */
const payload = (p: Payload): Payload => p;
const row = (r: Row): Row => r;
const button = (b: Button): Button => b;
const input = (i: Input): Input => i;

const approve: Button = {
  type: ComponentType.Button,
  style: ButtonStyle.Primary,
  label: "OK",
  custom_id: "a",
};
const field: Input = {
  type: ComponentType.TextInput,
  style: TextInputStyle.Short,
  custom_id: "f",
  label: "F",
};
const pings: ListedPings = { parse: [], users: [] };

test("malformed components and message bodies do not compile", () => {
  const built = [
    button(approve),
    // A button without a custom_id is a link or SKU button, which the bridge never sends.
    // @ts-expect-error custom_id is required
    button({ type: ComponentType.Button, style: ButtonStyle.Primary, label: "OK" }),
    // @ts-expect-error a link button carries a url, not a custom_id
    button({ type: ComponentType.Button, style: ButtonStyle.Link, label: "OK", url: "https://example.com" }),
    // @ts-expect-error a text input is not a button
    button(field),
    row({ type: ComponentType.ActionRow, components: [approve] }),
    // @ts-expect-error a row of a message holds buttons, not text inputs
    row({ type: ComponentType.ActionRow, components: [field] }),
    // @ts-expect-error a button is not a row
    row(approve),
    input(field),
    // @ts-expect-error a text input is Short (1) or Paragraph (2)
    input({ type: ComponentType.TextInput, style: 3, custom_id: "f", label: "F" }),
    // @ts-expect-error a text input needs a custom_id
    input({ type: ComponentType.TextInput, style: TextInputStyle.Short, label: "F" }),
    payload({ content: "hi", components: [], allowed_mentions: pings }),
    // @ts-expect-error components are rows, not bare buttons
    payload({ content: "hi", components: [approve], allowed_mentions: pings }),
    // @ts-expect-error mentions are never parsed from content: only listed users are pinged
    payload({ content: "hi", components: [], allowed_mentions: { parse: ["everyone"], users: [] } }),
    // @ts-expect-error allowed_mentions is Discord's snake_case field
    payload({ content: "hi", components: [], allowedMentions: pings }),
  ];
  assert.equal(built.length, 14);

  // A rendered message is a body for both a new post and an edit; a rendered form is a modal.
  const rendered = renderMessage({ blocks: [], summary: "" }, false);
  const post: RESTPostAPIChannelMessageJSONBody = rendered;
  const patch: RESTPatchAPIChannelMessageJSONBody = rendered;
  const modal: APIModalInteractionResponseCallbackData = renderModal({
    callback: "perm.deny",
    meta: "r1",
    title: "Deny",
    submitLabel: "Deny",
    fields: [],
  });
  assert.deepEqual(
    [post.content, patch.content, modal.custom_id],
    ["\u200b", "\u200b", "ccb:m:perm.deny:r1"],
  );
});

/** A message with buttons as Discord documents it; `strictObject` rejects any field it does not know. */
const wireButton = z.strictObject({
  type: z.literal(ComponentType.Button),
  style: z.literal([ButtonStyle.Primary, ButtonStyle.Secondary, ButtonStyle.Success, ButtonStyle.Danger]),
  label: z.string().min(1).max(80),
  custom_id: z.string().min(1).max(100),
});
const wireRow = z.strictObject({
  type: z.literal(ComponentType.ActionRow),
  components: z.array(wireButton).min(1).max(5),
});
/** A card (Components V2, flag 1 << 15): no content; one container with a text display and its button rows. */
const wireCard = z.strictObject({
  flags: z.literal(MessageFlags.IsComponentsV2),
  components: z.tuple([
    z.strictObject({
      type: z.literal(ComponentType.Container),
      components: z.tuple(
        [
          z.strictObject({
            type: z.literal(ComponentType.TextDisplay),
            content: z.string().min(1).max(4000),
          }),
        ],
        wireRow,
      ),
    }),
  ]),
  allowed_mentions: z.strictObject({ parse: z.tuple([]), users: z.array(z.string().regex(/^\d{17,20}$/)) }),
});
const wireMessage = z.strictObject({
  content: z.string().max(2000),
  components: z
    .array(
      z.strictObject({
        type: z.literal(ComponentType.ActionRow),
        components: z.array(wireButton).min(1).max(5),
      }),
    )
    .max(5),
  allowed_mentions: z.strictObject({ parse: z.tuple([]), users: z.array(z.string().regex(/^\d{17,20}$/)) }),
});
const textRow = z.strictObject({
  type: z.literal(ComponentType.ActionRow),
  components: z.tuple([
    z.strictObject({
      type: z.literal(ComponentType.TextInput),
      custom_id: z.string().min(1).max(100),
      label: z.string().min(1).max(45),
      style: z.literal([TextInputStyle.Short, TextInputStyle.Paragraph]),
      required: z.boolean(),
      max_length: z.number().int().min(1).max(4000).optional(),
      placeholder: z.string().max(100).optional(),
    }),
  ]),
});
const option = z.strictObject({ label: z.string().min(1).max(100), value: z.string().min(1).max(100) });
/** A label around a choice (Components reference: Label 18, Radio Group 21, String Select 3, Checkbox 23). */
const labelled = z.strictObject({
  type: z.literal(ComponentType.Label),
  label: z.string().min(1).max(45),
  component: z.union([
    z.strictObject({
      type: z.literal(ComponentType.RadioGroup),
      custom_id: z.string().min(1).max(100),
      options: z.array(option).min(2).max(10),
      required: z.boolean(),
    }),
    z.strictObject({
      type: z.literal(ComponentType.StringSelect),
      custom_id: z.string().min(1).max(100),
      options: z.array(option).min(1).max(25),
      required: z.boolean(),
      min_values: z.number().int().min(0).max(1),
      max_values: z.literal(1),
    }),
    z.strictObject({ type: z.literal(ComponentType.Checkbox), custom_id: z.string().min(1).max(100) }),
  ]),
});
const wireModal = z.strictObject({
  custom_id: z.string().min(1).max(100),
  title: z.string().min(1).max(45),
  components: z
    .array(z.union([textRow, labelled]))
    .min(1)
    .max(5),
});

test("a rendered card and form are what Discord accepts, and their custom ids come back", () => {
  const owner = { platform: "discord", id: "210000000000000001" };
  const question: Prompt = {
    kind: "question",
    question: "Which colour?",
    choices: ["red", "green", "blue", "cyan", "magenta", "yellow", "black"],
    allowFreeform: true,
  };
  const card = promptCard("req-1", question, { status: "pending" }, owner, discordChatLimits);
  const wire: unknown = JSON.parse(JSON.stringify(renderMessage(card, true)));
  const message = wireCard.parse(wire);
  const [, ...rows] = message.components[0].components;
  assert.ok(rows.length > 1, "the choices take more than one row");
  assert.deepEqual(message.allowed_mentions.users, [owner.id]);
  const ids = rows.flatMap((r) => r.components.map((b) => b.custom_id));
  assert.equal(new Set(ids).size, ids.length, "custom ids are unique");
  for (const id of ids) assert.ok(parseButtonId(id), `${id} parses back`);
  // A message that is not a card stays classic: content and action rows.
  wireMessage.parse(
    JSON.parse(
      JSON.stringify(renderMessage({ blocks: [{ type: "line", inline: ["hi"] }], summary: "hi" }, false)),
    ),
  );

  const form = renderModal({
    callback: "perm.deny",
    meta: "req-1",
    title: "Deny with a reason",
    submitLabel: "Deny",
    fields: [
      { id: "reason", label: "Reason", multiline: true, maxLength: 9000 },
      { id: "mode", label: "Mode", options: ["once", "always"], optional: true },
      { id: "loud", label: "Loud", options: ["yes", "no"], boolean: true },
      { id: "one", label: "One", options: ["only"] },
    ],
  });
  const sent = wireModal.parse(JSON.parse(JSON.stringify(form)));
  assert.deepEqual(parseModalId(sent.custom_id), { callback: "perm.deny", meta: "req-1" });
  const [reason, mode, loud, one] = sent.components;
  assert.equal(reason?.type === ComponentType.ActionRow && reason.components[0].max_length, 4000);
  assert.deepEqual(mode?.type === ComponentType.Label && mode.component, {
    type: ComponentType.RadioGroup,
    custom_id: "mode",
    options: [
      { label: "once", value: "once" },
      { label: "always", value: "always" },
    ],
    required: false,
  });
  assert.equal(loud?.type === ComponentType.Label && loud.component.type, ComponentType.Checkbox);
  // One option is no choice Discord can show: a text input lists it.
  assert.equal(one?.type === ComponentType.ActionRow && one.components[0].placeholder, "One of: only");
});
