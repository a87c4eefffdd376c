import type { ChatAdapter } from "../../../src/core/ports/chat.js";
import type { MessageRef } from "../../../src/core/vocabulary/refs.js";
import type { FakeChat } from "../../fakes/chat.js";
import { slackNotified } from "../pings.js";
import type { ContractSubject } from "../subject.js";

/**
 * The contract's subject for the core's in-memory fake, which is its own platform: `adapter` is the
 * adapter the bridge was given (`chat` itself, or the same object as a plug-in created it). People's
 * actions go through the fake's driving methods, the nearest it has to a wire.
 */
export function fakeChatSubject(chat: FakeChat, adapter: ChatAdapter = chat): ContractSubject {
  const opens = (url: string): MessageRef | undefined => {
    const [, workspace, channel, id] = /^https:\/\/fake\.chat\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(url) ?? [];
    if (workspace !== chat.workspace || channel === undefined || id === undefined) return undefined;
    try {
      return chat.shown({ channel, id }).ref;
    } catch {
      return undefined; // no such message: the link opens nothing
    }
  };
  return {
    adapter,
    channel: { platform: chat.platform, channel: "C1", workspace: chat.workspace },
    user: "UCONTRACT",
    otherUser: "UOTHER",
    read: (ref) => ({ text: chat.shown(ref).text, buttons: chat.shown(ref).buttons.map((b) => b.label) }),
    replies: (thread) => chat.thread(thread).replies.map((r) => r.ref),
    uploads: (thread) =>
      chat.thread(thread).uploads.map((f) => ({ name: f.name, bytes: Buffer.from(f.bytes) })),
    noticesFor: (user) => chat.noticesFor(user),
    publicTexts: () => [
      ...chat.threads.flatMap((t) => [t.header.text, ...t.replies.map((r) => r.text)]),
      ...chat.posts.map((p) => p.text),
    ],
    privateTo: (user) => {
      const dms = chat.directMessages(user);
      return {
        texts: dms.map((d) => d.message.text),
        files: dms.flatMap((d) => (d.file ? [{ name: d.file.name, bytes: Buffer.from(d.file.bytes) }] : [])),
        notified: [...new Set(dms.flatMap((d) => slackNotified(d.message.wire)))],
      };
    },
    // The fake knows everyone; it refuses those it is told do not accept direct messages.
    dmRefusals: {
      closed: async () => {
        chat.closedDms("UCLOSED");
        return { user: "UCLOSED", error: /does not accept direct messages/ };
      },
    },
    modalsOpened: () =>
      chat.modals.map((m) => ({ title: m.modal.title, fields: m.modal.fields.map((f) => f.id) })),
    // The fake renders like a platform (Slack's syntax): who its rendering would notify.
    notified: (ref) => slackNotified(chat.shown(ref).wire),
    threadRoot: (thread) => chat.thread(thread).root,
    opens,
    click: async (user, ref, label) => {
      const button = chat.shown(ref).buttons.find((b) => b.label === label);
      if (!button) throw new Error(`no button ${label}`);
      await chat.click(user, ref, button.action, button.payload);
    },
    submitLastModal: async (user, values) => {
      const opened = chat.modals.at(-1);
      if (!opened) throw new Error("no modal");
      await chat.submitModal(user, opened, values);
    },
    sendCommand: async (user, channel, text) => {
      await chat.command(user, text, { channel: channel.channel });
    },
    sendThreadMessage: async (user, thread, text, options = {}) => {
      const typed = options.mention === "other" ? `<@UOTHER> ${text}` : text;
      const mentionsBot = options.mention === "bot";
      const id = await chat.message(thread, user, typed, mentionsBot);
      return {
        redeliver: async () => {
          await chat.message(thread, user, typed, mentionsBot, { id });
        },
      };
    },
    // The fake never delivers the bot's own posts.
    echoOwn: async () => undefined,
    postAsUser: async (user, channel, text) => chat.postAs(user, channel.channel, text).id,
    exhaustBudget: async () => chat.exhaustBudget(300),
    waitFor: (probe, what) => chat.waitFor(() => probe() ?? undefined, what),
    stop: () => chat.stop(),
  };
}
