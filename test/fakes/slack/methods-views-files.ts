/** Web API methods: modals (views.*) and the external file upload flow (files.*UploadExternal). */
import { checkBlocks, MAX_VIEW_BLOCKS } from "./limits.js";
import { type Args, fail, type Method, type Result, str } from "./methods.js";
import type { SlackState } from "./state.js";
import type { OpenedView, SlackMessage, UploadedFile } from "./types.js";

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function plainTextProblem(value: unknown, where: string, max: number): string | undefined {
  if (value === undefined) return undefined;
  if (!isObject(value) || value.type !== "plain_text" || typeof value.text !== "string") {
    return `${where}: must be a plain_text object`;
  }
  if (value.text.length === 0 || value.text.length > max) return `${where}: 1 to ${max} characters`;
  return undefined;
}

/** Modal limits: title/submit/close 24 chars, 100 blocks, callback_id 255, private_metadata 3000. */
function checkView(view: unknown): string[] {
  if (!isObject(view)) return ["view: must be an object"];
  const problems: string[] = [];
  if (view.type !== "modal" && view.type !== "home") problems.push("view.type: must be modal or home");
  if (view.type === "modal" && view.title === undefined) problems.push("view.title: required for modals");
  for (const key of ["title", "submit", "close"] as const) {
    const p = plainTextProblem(view[key], `view.${key}`, 24);
    if (p) problems.push(p);
  }
  if (typeof view.callback_id === "string" && view.callback_id.length > 255) {
    problems.push("view.callback_id: at most 255 characters");
  }
  if (typeof view.private_metadata === "string" && view.private_metadata.length > 3000) {
    problems.push("view.private_metadata: at most 3000 characters");
  }
  const blocks = checkBlocks(view.blocks ?? [], MAX_VIEW_BLOCKS);
  if (blocks?.errors) problems.push(...blocks.errors.map((e) => `view.blocks${e}`));
  return problems;
}

function viewResult(record: OpenedView, state: SlackState): Result {
  const view = isObject(record.view) ? record.view : {};
  return {
    ok: true,
    view: {
      ...view,
      id: record.id,
      team_id: state.id.teamId,
      app_id: state.id.appId,
      bot_id: state.id.botId,
      state: { values: {} },
      hash: `hash-${record.id}-${state.nextSeq()}`,
      root_view_id: record.id,
      private_metadata: typeof view.private_metadata === "string" ? view.private_metadata : "",
      callback_id: typeof view.callback_id === "string" ? view.callback_id : "",
    },
  };
}

function openView(args: Args, state: SlackState): Result {
  const trigger = str(args.trigger_id);
  if (trigger === undefined) return fail("invalid_trigger_id");
  const problems = checkView(args.view);
  if (problems.length > 0) return fail("invalid_arguments", { errors: problems });
  const record: OpenedView = {
    trigger_id: trigger,
    view: args.view,
    id: `V${String(state.nextSeq()).padStart(4, "0")}`,
  };
  state.views.push(record);
  return viewResult(record, state);
}

const viewsOpen: Method = (args, { state }) => openView(args, state);
const viewsPush: Method = (args, { state }) => openView(args, state);

const viewsUpdate: Method = (args, { state }) => {
  const id = str(args.view_id);
  const external = str(args.external_id);
  const record = state.views.find(
    (v) => (id !== undefined && v.id === id) || (external !== undefined && v.view?.external_id === external),
  );
  if (record === undefined) return fail("not_found");
  const problems = checkView(args.view);
  if (problems.length > 0) return fail("invalid_arguments", { errors: problems });
  record.view = args.view;
  return viewResult(record, state);
};

const getUploadUrl: Method = (args, { state, baseUrl }) => {
  const filename = str(args.filename);
  const length = Number(args.length);
  if (filename === undefined || !Number.isInteger(length) || length < 0) return fail("invalid_arguments");
  const id = `F${String(state.nextSeq()).padStart(6, "0")}`;
  state.pendingUploads.set(id, { id, filename, length });
  return { ok: true, upload_url: `${baseUrl}/upload/${id}`, file_id: id };
};

const completeUpload: Method = (args, { state }) => {
  if (!Array.isArray(args.files) || args.files.length === 0) return fail("invalid_arguments");
  const entries: { id: string; title?: string }[] = [];
  for (const entry of args.files as unknown[]) {
    if (!isObject(entry) || typeof entry.id !== "string") return fail("invalid_arguments");
    const pending = state.pendingUploads.get(entry.id);
    if (pending?.bytes === undefined) return fail("file_not_found");
    entries.push({ id: entry.id, ...(typeof entry.title === "string" ? { title: entry.title } : {}) });
  }
  const channel = str(args.channel_id);
  const unusable = channel === undefined ? undefined : state.channelProblem(channel);
  if (unusable) return fail(unusable);
  const threadTs = str(args.thread_ts);
  const comment = typeof args.initial_comment === "string" ? args.initial_comment : undefined;
  const shared: Result[] = [];
  for (const { id, title } of entries) {
    const pending = state.pendingUploads.get(id);
    if (pending?.bytes === undefined) continue;
    state.pendingUploads.delete(id);
    const file: UploadedFile = {
      id,
      filename: pending.filename,
      ...(title !== undefined ? { title } : {}),
      bytes: pending.bytes,
      ...(channel !== undefined ? { channel_id: channel } : {}),
      ...(threadTs !== undefined ? { thread_ts: threadTs } : {}),
      ...(comment !== undefined ? { initial_comment: comment } : {}),
    };
    state.files.push(file);
    shared.push({ id, name: pending.filename, title: title ?? pending.filename, size: pending.bytes.length });
  }
  if (channel !== undefined) {
    // Slack shares the files as a message from the bot in the channel (or thread).
    const message: SlackMessage = {
      channel,
      ts: state.nextTs(),
      ...(threadTs !== undefined ? { thread_ts: threadTs } : {}),
      text: comment ?? "",
      user: state.id.botUserId,
      bot_id: state.id.botId,
      edits: 0,
      files: shared,
    };
    state.messages.push(message);
  }
  return { ok: true, files: shared };
};

export const viewFileMethods: Record<string, Method> = {
  "views.open": viewsOpen,
  "views.push": viewsPush,
  "views.update": viewsUpdate,
  "files.getUploadURLExternal": getUploadUrl,
  "files.completeUploadExternal": completeUpload,
};
