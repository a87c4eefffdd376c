import type { PermissionDecision, PermissionOutcome, PermissionView } from "./agent.js";

/** A form field, from the JSON schema of an elicitation (flat objects of scalars only). */
export interface FormField {
  name: string;
  title: string;
  type: "string" | "number" | "integer" | "boolean" | "enum";
  required: boolean;
  options?: string[];
  description?: string;
}

/** Something the agent waits on that a person in the thread can answer. */
export type Prompt =
  | { kind: "permission"; view: PermissionView }
  | { kind: "question"; question: string; choices: string[]; allowFreeform: boolean }
  | { kind: "plan"; summary: string; planContent: string; actions: string[]; recommended?: string }
  /** `unsupported` says why no form can be shown (the bridge then declines it). */
  | { kind: "form"; message: string; fields: FormField[]; unsupported?: string };

export type FormValue = string | number | boolean;

/** An answer given in the thread. */
export type PromptAnswer =
  | { kind: "permission"; decision: PermissionDecision }
  | { kind: "question"; answer: string; wasFreeform: boolean }
  | { kind: "plan"; approved: true; action: string }
  | { kind: "plan"; approved: false; feedback: string }
  | { kind: "form"; action: "accept" | "decline" | "cancel"; content?: Record<string, FormValue> };

/** How a prompt ended, whoever answered it. */
export type Outcome =
  | { kind: "permission"; outcome: PermissionOutcome; feedback?: string }
  | { kind: "question"; answer: string }
  | { kind: "plan"; approved: boolean; action?: string; feedback?: string }
  | { kind: "form"; action: "accept" | "decline" | "cancel"; content?: Record<string, FormValue> }
  /** The turn was stopped. */
  | { kind: "cancelled" }
  /** No longer pending, for a reason the bridge cannot tell (answered while it was offline). */
  | { kind: "gone" }
  /** Nobody answered: the Copilot runtime restarted and the request died with it. */
  | { kind: "lost" }
  /** The session was ended (by a person, or after being idle too long). */
  | { kind: "ended" };

export function outcomeOf(answer: PromptAnswer): Outcome {
  switch (answer.kind) {
    case "permission": {
      const d = answer.decision;
      if (d.kind === "approve-once") return { kind: "permission", outcome: "approved" };
      if (d.kind === "approve-for-session") return { kind: "permission", outcome: "approved-for-session" };
      return d.feedback
        ? { kind: "permission", outcome: "denied", feedback: d.feedback }
        : { kind: "permission", outcome: "denied" };
    }
    case "question":
      return { kind: "question", answer: answer.answer };
    case "plan":
      return answer.approved
        ? { kind: "plan", approved: true, action: answer.action }
        : { kind: "plan", approved: false, feedback: answer.feedback };
    case "form":
      return answer.content
        ? { kind: "form", action: answer.action, content: answer.content }
        : { kind: "form", action: answer.action };
  }
}
