/**
 * User routes the bot writes to: Create DM (`POST /users/@me/channels {recipient_id}`). It opens the
 * bot's DM channel (type 1) with a person the fake knows as a guild member (or gives the one already
 * open); any other id is 10013 Unknown User, a malformed one 50035. Opening succeeds even for
 * someone who does not accept DMs: Discord refuses the first message instead (50007).
 */
import { Problems } from "./limits.js";
import { apiDmChannel } from "./objects.js";
import { apiError, type Ctx, invalidForm, ok, type Reply, type Req, type Route } from "./routes.js";

const SNOWFLAKE = /^\d{17,20}$/;

function createDm(req: Req, ctx: Ctx): Reply {
  const recipient: unknown = req.body?.recipient_id;
  const problems = new Problems();
  if (recipient === undefined || recipient === null)
    problems.add(["recipient_id"], "BASE_TYPE_REQUIRED", "This field is required");
  else if (
    (typeof recipient !== "string" && typeof recipient !== "number") ||
    !SNOWFLAKE.test(String(recipient))
  )
    problems.add(["recipient_id"], "NUMBER_TYPE_COERCE", `Value "${String(recipient)}" is not snowflake.`);
  if (problems.count > 0) return invalidForm(problems);
  const user = String(recipient);
  if (!ctx.state.members.has(user)) return apiError(404, 10013, "Unknown User");
  const channel = ctx.state.openDm(user);
  ctx.state.changed();
  return ok(apiDmChannel(ctx.state, channel, user));
}

export const userRoutes: Route[] = [
  { method: "POST", pattern: "/users/@me/channels", auth: true, handler: createDm },
];
