/**
 * The ChatAdapter contract: what every chat platform's adapter must do, outbound (posts, edits,
 * buttons, forms, notices, uploads, limits, who a message notifies, links, threads grown from a
 * person's message, interim updates held back by the rate budget, private messages with a file that
 * reach one person only or reject) and inbound (commands, messages in the bridge's threads, mentions
 * of the bot, never the bot's own words, delivery ids).
 *
 * A new platform runs it with one call, in `test/contract/<platform>.test.ts`:
 *
 *   adapterContract("Acme", async (handler) => {
 *     const acme = await FakeAcme.start();                // a fake of the platform's wire
 *     const config = acmePlugin.config.parse({ ACME_TOKEN: acme.token, ACME_URL: acme.url });
 *     if (!config) throw new Error("Acme is not configured");
 *     const adapter = await acmePlugin.create(config, { log: silentLogger, rateLimits: true });
 *     await adapter.start(handler);                       // `handler` records what the core receives
 *     return { adapter, channel, user, otherUser, read, privateTo, dmRefusals, sendCommand, … };
 *   });
 *
 * The subject (`ContractSubject`) drives the platform's fake as people would — a command, a message
 * in a thread, a click, a redelivery — and reads what people see there; it never calls the handler
 * itself, so the adapter's inbound side is what is tested. `exhaustBudget` spends the rate budget
 * as the platform counts it (`spendUntilDeferred` does that by sending interim updates). Every
 * case asserts what a person sees or what the core receives. See `subjects/` for the Slack, Discord
 * and in-memory subjects, and `loopback/` for a whole platform plug-in that passes.
 */

export { discordNotified, slackNotified } from "./pings.js";
export {
  type ContractSubject,
  type Delivery,
  line,
  type RecordedEvent,
  RecordingHandler,
  spendUntilDeferred,
} from "./subject.js";
export { adapterContract, type ContractCases, type ContractState } from "./suite.js";
