/**
 * Every ChatAdapter passes the same contract: the core's fake, and the real Slack and Discord
 * adapters against their fakes — all in one process, so Bolt and discord.js are loaded together
 * (with Bolt loaded, discord.js multipart uploads break unless its REST client uses fetch).
 */
import "@slack/bolt";
import { FakeChat } from "../fakes/chat.js";
import { adapterContract } from "./index.js";
import { discordSubject } from "./subjects/discord.js";
import { fakeChatSubject } from "./subjects/fake-chat.js";
import { slackSubject } from "./subjects/slack.js";

adapterContract("core fake", async (handler) => {
  const chat = new FakeChat();
  await chat.start(handler);
  return fakeChatSubject(chat);
});

adapterContract("Slack", slackSubject);

adapterContract("Discord", discordSubject);
