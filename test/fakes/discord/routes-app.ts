/** Identity routes (gateway, @me, the application, the guild and its members) and application commands. */
import { checkCommand, Problems } from "./limits.js";
import { apiGuild, apiMember, apiRoles, apiTextChannels, apiThread, apiUser } from "./objects.js";
import {
  apiError,
  type Ctx,
  invalidForm,
  noContent,
  ok,
  type Reply,
  type Req,
  type Route,
} from "./routes.js";

const unknownGuild = (): Reply => apiError(404, 10004, "Unknown Guild");

function guildOnly(handler: (req: Req, ctx: Ctx) => Reply) {
  return (req: Req, ctx: Ctx): Reply =>
    req.params.guild === ctx.state.id.guildId ? handler(req, ctx) : unknownGuild();
}

function application(ctx: Ctx) {
  const { state } = ctx;
  return {
    id: state.id.applicationId,
    name: "Copilot",
    icon: null,
    description: "",
    summary: "",
    type: null,
    bot_public: false,
    bot_require_code_grant: false,
    verify_key: "0".repeat(64),
    flags: 0,
    team: null,
    owner: apiUser(state, [...state.members.values()].find((m) => !m.bot)?.id ?? state.id.botUserId),
    bot: apiUser(state, state.id.botUserId),
    install_params: undefined,
    integration_types_config: { "0": {} },
  };
}

/** Registers one command (upsert by name and type within its scope), as Discord stores it. */
// biome-ignore lint/suspicious/noExplicitAny: command JSON
function storeCommand(ctx: Ctx, cmd: any, guildId: string | undefined): any {
  const { state } = ctx;
  const type = cmd.type ?? 1;
  const existing = state.commands.find(
    (c) => c.name === cmd.name && c.type === type && c.guild_id === guildId,
  );
  const stored = {
    default_member_permissions: null,
    nsfw: false,
    contexts: null,
    integration_types: [0],
    options: [],
    description: "",
    ...cmd,
    type,
    id: existing?.id ?? state.nextId(),
    application_id: state.id.applicationId,
    version: state.nextId(),
    ...(guildId !== undefined ? { guild_id: guildId } : {}),
  };
  if (existing !== undefined) state.commands.splice(state.commands.indexOf(existing), 1, stored);
  else state.commands.push(stored);
  return stored;
}

function commandRoutes(prefix: string, guildOf: (req: Req) => string | undefined): Route[] {
  const scoped = (ctx: Ctx, req: Req) => ctx.state.commands.filter((c) => c.guild_id === guildOf(req));
  const check =
    (handler: (req: Req, ctx: Ctx) => Reply) =>
    (req: Req, ctx: Ctx): Reply => {
      if (req.params.app !== ctx.state.id.applicationId) return apiError(403, 50001, "Missing Access");
      const guild = guildOf(req);
      if (guild !== undefined && guild !== ctx.state.id.guildId) return unknownGuild();
      return handler(req, ctx);
    };
  return [
    { method: "GET", pattern: prefix, auth: true, handler: check((req, ctx) => ok(scoped(ctx, req))) },
    {
      method: "PUT",
      pattern: prefix,
      auth: true,
      handler: check((req, ctx) => {
        const list: unknown[] = Array.isArray(req.body) ? req.body : [];
        const problems = new Problems();
        for (const [i, cmd] of list.entries()) checkCommand(cmd, problems, [i]);
        if (problems.count > 0) return invalidForm(problems);
        const keep = ctx.state.commands.filter((c) => c.guild_id !== guildOf(req));
        const stored = list.map((cmd) => storeCommand(ctx, cmd, guildOf(req)));
        ctx.state.commands.splice(0, ctx.state.commands.length, ...keep, ...stored);
        ctx.state.changed();
        return ok(stored);
      }),
    },
    {
      method: "POST",
      pattern: prefix,
      auth: true,
      handler: check((req, ctx) => {
        const problems = new Problems();
        checkCommand(req.body, problems);
        if (problems.count > 0) return invalidForm(problems);
        const existed = scoped(ctx, req).some((c) => c.name === req.body.name);
        const stored = storeCommand(ctx, req.body, guildOf(req));
        ctx.state.changed();
        return ok(stored, existed ? 200 : 201);
      }),
    },
    {
      method: "DELETE",
      pattern: `${prefix}/:command`,
      auth: true,
      handler: check((req, ctx) => {
        const index = ctx.state.commands.findIndex((c) => c.id === req.params.command);
        if (index < 0) return apiError(404, 10063, "Unknown application command");
        ctx.state.commands.splice(index, 1);
        return noContent;
      }),
    },
  ];
}

export const appRoutes: Route[] = [
  {
    method: "GET",
    pattern: "/gateway/bot",
    auth: true,
    handler: (_req, ctx) =>
      ok({
        url: ctx.gateway.url,
        shards: 1,
        session_start_limit: { total: 1000, remaining: 999, reset_after: 14_400_000, max_concurrency: 1 },
      }),
  },
  { method: "GET", pattern: "/gateway", auth: false, handler: (_req, ctx) => ok({ url: ctx.gateway.url }) },
  {
    method: "GET",
    pattern: "/users/@me",
    auth: true,
    handler: (_req, ctx) => ok(apiUser(ctx.state, ctx.state.id.botUserId)),
  },
  {
    method: "GET",
    pattern: "/users/:user",
    auth: true,
    handler: (req, ctx) =>
      ctx.state.members.has(req.params.user as string)
        ? ok(apiUser(ctx.state, req.params.user as string))
        : apiError(404, 10013, "Unknown User"),
  },
  { method: "GET", pattern: "/applications/@me", auth: true, handler: (_req, ctx) => ok(application(ctx)) },
  {
    method: "GET",
    pattern: "/guilds/:guild",
    auth: true,
    handler: guildOnly((_req, ctx) => ok(apiGuild(ctx.state))),
  },
  {
    method: "GET",
    pattern: "/guilds/:guild/roles",
    auth: true,
    handler: guildOnly((_req, ctx) => ok(apiRoles(ctx.state))),
  },
  {
    method: "GET",
    pattern: "/guilds/:guild/channels",
    auth: true,
    handler: guildOnly((_req, ctx) => ok(apiTextChannels(ctx.state))),
  },
  {
    method: "GET",
    pattern: "/guilds/:guild/threads/active",
    auth: true,
    handler: guildOnly((_req, ctx) => {
      const threads = ctx.state.threads.filter((t) => !t.archived).map((t) => apiThread(ctx.state, t));
      return ok({ threads, members: [] });
    }),
  },
  {
    method: "GET",
    pattern: "/guilds/:guild/members/:user",
    auth: true,
    handler: guildOnly((req, ctx) =>
      ctx.state.members.has(req.params.user as string)
        ? ok(apiMember(ctx.state, req.params.user as string))
        : apiError(404, 10007, "Unknown Member"),
    ),
  },
  ...commandRoutes("/applications/:app/commands", () => undefined),
  ...commandRoutes("/applications/:app/guilds/:guild/commands", (req) => req.params.guild),
];
