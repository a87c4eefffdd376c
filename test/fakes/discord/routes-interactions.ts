/**
 * Interaction callbacks (`POST /interactions/:id/:token/callback`) and the interaction webhook
 * (`/webhooks/:app/:token…`: follow-ups, `@original`). Neither needs the bot token, as on Discord.
 */
import { checkEdit, checkMessage, checkModal, MAX_FILE_BYTES, Problems } from "./limits.js";
import { createMessage, EPHEMERAL, editMessage, LOADING } from "./messages.js";
import { apiMessage } from "./objects.js";
import {
  apiError,
  type Ctx,
  invalidForm,
  noContent,
  ok,
  type Reply,
  type Req,
  type Route,
  unknownMessage,
} from "./routes.js";
import type { Interaction } from "./state.js";
import type { DiscordMessage } from "./types.js";

const unknownInteraction = (): Reply => apiError(404, 10062, "Unknown interaction");
const unknownWebhook = (): Reply => apiError(404, 10015, "Unknown Webhook");

function badType(type: unknown): Reply {
  const p = new Problems();
  p.add(
    ["type"],
    "INTERACTION_RESPONSE_TYPE_INVALID",
    `Interaction response type ${String(type)} is not valid here`,
  );
  return invalidForm(p);
}

/** Which callback types Discord accepts for each interaction type. */
function allowed(i: Interaction): number[] {
  if (i.type === 3) return [4, 5, 6, 7, 9];
  if (i.type === 5) return i.message_id !== undefined ? [4, 5, 6, 7] : [4, 5];
  if (i.type === 4) return [8];
  return [4, 5, 9];
}

function callback(req: Req, ctx: Ctx): Reply {
  const { state } = ctx;
  const i = state.interactions.get(req.params.id as string);
  if (i === undefined || i.token !== req.params.token) return unknownInteraction();
  if (i.answeredWith !== undefined) return apiError(400, 40060, "Interaction has already been acknowledged.");
  if (Date.now() - i.createdAt > state.id.interactionCallbackTimeoutMs) return unknownInteraction();
  const type = req.body?.type;
  const data = req.body?.data ?? {};
  if (typeof type !== "number" || !allowed(i).includes(type)) return badType(type);
  if (req.files.some((f) => f.bytes.length > MAX_FILE_BYTES))
    return apiError(413, 40005, "Request entity too large");
  // Type 7 edits the component's message: checked as an edit of it (the V2 flag stays, …).
  const updated = type === 7 && i.message_id !== undefined ? state.findAnyMessage(i.message_id) : undefined;
  const problems =
    type === 9
      ? checkModal(data)
      : type === 4
        ? checkMessage(data, ["data"])
        : type === 7
          ? updated === undefined
            ? checkMessage(data, ["data"])
            : checkEdit(data, updated, ["data"])
          : new Problems();
  if (problems.count > 0) return invalidForm(problems);

  let message: DiscordMessage | undefined;
  if (type === 4 || type === 5) {
    const ephemeral = ((data.flags ?? 0) & EPHEMERAL) !== 0;
    // A deferral keeps only EPHEMERAL: "the only valid message flag you may use is EPHEMERAL";
    // IS_COMPONENTS_V2 is set by editing @original (receiving-and-responding.mdx), so it is dropped.
    const flags = type === 5 ? LOADING | (ephemeral ? EPHEMERAL : 0) : data.flags;
    message = createMessage(ctx, i.channel_id, type === 5 ? {} : data, req.files, {
      webhook: true,
      interactionId: i.id,
      ephemeral,
      ...(flags !== undefined ? { flags } : {}),
      type: i.type === 2 ? 20 : 0,
    });
    i.originalId = message.id;
  } else if (type === 6 || type === 7) {
    message = i.message_id === undefined ? undefined : state.findAnyMessage(i.message_id);
    if (message === undefined) return unknownMessage();
    i.originalId = message.id;
    if (type === 7) editMessage(ctx, message, data, req.files);
  }
  i.answeredWith = type;
  state.interactionReplies.push({
    interactionId: i.id,
    token: i.token,
    type,
    data,
    files: req.files,
    at: Date.now(),
  });
  state.changed();
  if (req.query.get("with_response") !== "true") return noContent;
  return ok({
    interaction: {
      id: i.id,
      type: i.type,
      ...(message !== undefined
        ? {
            response_message_id: message.id,
            response_message_loading: type === 5,
            response_message_ephemeral: ((message.flags ?? 0) & EPHEMERAL) !== 0,
          }
        : {}),
    },
    resource: {
      type,
      ...(message !== undefined && type !== 6 ? { message: apiMessage(state, ctx.baseUrl, message) } : {}),
    },
  });
}

/** The interaction a webhook URL belongs to, once its initial callback was sent. */
function hook(req: Req, ctx: Ctx): Interaction | undefined {
  if (req.params.app !== ctx.state.id.applicationId) return undefined;
  const i = ctx.state.interactionByToken(req.params.token as string);
  return i?.answeredWith === undefined ? undefined : i;
}

function target(req: Req, ctx: Ctx, i: Interaction): DiscordMessage | undefined {
  const id = req.params.message === "@original" ? i.originalId : req.params.message;
  if (id === undefined) return undefined;
  const m = ctx.state.findAnyMessage(id);
  const mine = m !== undefined && (m.id === i.originalId || m.interaction_id === i.id);
  return mine ? m : undefined;
}

function followUp(req: Req, ctx: Ctx): Reply {
  const i = hook(req, ctx);
  if (i === undefined) return unknownWebhook();
  const body = req.body ?? {};
  const problems = checkMessage(body);
  if (problems.count > 0) return invalidForm(problems);
  const m = createMessage(ctx, i.channel_id, body, req.files, { webhook: true, interactionId: i.id });
  ctx.state.followups.push(m);
  ctx.state.changed();
  return req.query.get("wait") === "false" ? noContent : ok(apiMessage(ctx.state, ctx.baseUrl, m));
}

function editHooked(req: Req, ctx: Ctx): Reply {
  const i = hook(req, ctx);
  if (i === undefined) return unknownWebhook();
  const m = target(req, ctx, i);
  if (m === undefined) return unknownMessage();
  const problems = checkEdit(req.body ?? {}, m);
  if (problems.count > 0) return invalidForm(problems);
  editMessage(ctx, m, req.body ?? {}, req.files);
  if (!ctx.state.followups.includes(m)) ctx.state.followups.push(m);
  ctx.state.changed();
  return ok(apiMessage(ctx.state, ctx.baseUrl, m));
}

function getHooked(req: Req, ctx: Ctx): Reply {
  const i = hook(req, ctx);
  if (i === undefined) return unknownWebhook();
  const m = target(req, ctx, i);
  return m === undefined ? unknownMessage() : ok(apiMessage(ctx.state, ctx.baseUrl, m));
}

function deleteHooked(req: Req, ctx: Ctx): Reply {
  const i = hook(req, ctx);
  if (i === undefined) return unknownWebhook();
  const m = target(req, ctx, i);
  if (m === undefined) return unknownMessage();
  const { state } = ctx;
  if (!state.ephemeral.delete(m.id)) state.removeMessage(m);
  state.changed();
  return noContent;
}

const W = "/webhooks/:app/:token";

export const interactionRoutes: Route[] = [
  { method: "POST", pattern: "/interactions/:id/:token/callback", auth: false, handler: callback },
  { method: "POST", pattern: W, auth: false, handler: followUp },
  { method: "GET", pattern: `${W}/messages/:message`, auth: false, handler: getHooked },
  { method: "PATCH", pattern: `${W}/messages/:message`, auth: false, handler: editHooked },
  { method: "DELETE", pattern: `${W}/messages/:message`, auth: false, handler: deleteHooked },
];
