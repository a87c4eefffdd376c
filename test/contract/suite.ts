import { after, before, describe } from "node:test";
import type { MessageRef, ThreadRef } from "../../src/core/vocabulary/refs.js";
import { deliveryCases } from "./delivery.js";
import { inboundCases } from "./inbound.js";
import { outboundCases } from "./outbound.js";
import { privateCases } from "./private.js";
import { type ContractSubject, line, RecordingHandler } from "./subject.js";

/** What every case works with: the subject, what the core received, and a thread the bridge opened. */
export interface ContractState {
  s: ContractSubject;
  handler: RecordingHandler;
  thread: ThreadRef;
  header: MessageRef;
}

/** A group of contract tests; `get` gives the state once the subject has started. */
export type ContractCases = (get: () => ContractState) => void;

/**
 * The behaviour every ChatAdapter must show; run once per platform. `make` starts the platform's
 * fake and the adapter (started with `handler`), and returns the subject that drives and reads them.
 */
export function adapterContract(
  name: string,
  make: (handler: RecordingHandler) => Promise<ContractSubject>,
): void {
  describe(`ChatAdapter contract: ${name}`, () => {
    const handler = new RecordingHandler();
    let subject: ContractSubject | undefined;
    let state: ContractState | undefined;
    before(async () => {
      subject = await make(handler);
      handler.adapter = subject.adapter;
      const { thread, header } = await subject.adapter.openThread(subject.channel, line("contract header"));
      state = { s: subject, handler, thread, header };
    });
    after(async () => {
      await subject?.stop();
    });
    const get = (): ContractState => {
      if (!state) throw new Error(`the ${name} subject did not start`);
      return state;
    };
    outboundCases(get);
    inboundCases(get);
    deliveryCases(get);
    privateCases(get);
  });
}
