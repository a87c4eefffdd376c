import { z } from "zod";
import { permissionDecision, permissionOutcome, permissionView } from "./permission.js";

/** A form field, from the JSON schema of an elicitation (flat objects of scalars only). */
export const formField = z.object({
  name: z.string(),
  title: z.string(),
  type: z.enum(["string", "number", "integer", "boolean", "enum"]),
  required: z.boolean(),
  options: z.array(z.string()).optional(),
  description: z.string().optional(),
});
export type FormField = z.output<typeof formField>;

export const formValue = z.union([z.string(), z.number(), z.boolean()]);
export type FormValue = z.output<typeof formValue>;

const formAction = z.enum(["accept", "decline", "cancel"]);

/** Something the agent waits on that a person in the thread can answer. */
export const prompt = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("permission"), view: permissionView }),
  z.object({
    kind: z.literal("question"),
    question: z.string(),
    choices: z.array(z.string()),
    allowFreeform: z.boolean(),
  }),
  z.object({
    kind: z.literal("plan"),
    summary: z.string(),
    planContent: z.string(),
    actions: z.array(z.string()),
    recommended: z.string().optional(),
  }),
  z.object({
    kind: z.literal("form"),
    message: z.string(),
    fields: z.array(formField),
    /** Why no form can be shown (the bridge then declines it). */
    unsupported: z.string().optional(),
  }),
]);
export type Prompt = z.output<typeof prompt>;

/** An answer given in the thread. */
export const promptAnswer = z.union([
  z.object({ kind: z.literal("permission"), decision: permissionDecision }),
  z.object({ kind: z.literal("question"), answer: z.string(), wasFreeform: z.boolean() }),
  z.object({ kind: z.literal("plan"), approved: z.literal(true), action: z.string() }),
  z.object({ kind: z.literal("plan"), approved: z.literal(false), feedback: z.string() }),
  z.object({
    kind: z.literal("form"),
    action: formAction,
    content: z.record(z.string(), formValue).optional(),
  }),
]);
export type PromptAnswer = z.output<typeof promptAnswer>;

/** How a prompt ended, whoever answered it. */
export const outcome = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("permission"), outcome: permissionOutcome, feedback: z.string().optional() }),
  z.object({ kind: z.literal("question"), answer: z.string() }),
  z.object({
    kind: z.literal("plan"),
    approved: z.boolean(),
    action: z.string().optional(),
    feedback: z.string().optional(),
  }),
  z.object({
    kind: z.literal("form"),
    action: formAction,
    content: z.record(z.string(), formValue).optional(),
  }),
  /** The turn was stopped. */
  z.object({ kind: z.literal("cancelled") }),
  /** No longer pending, for a reason the bridge cannot tell (answered while it was offline). */
  z.object({ kind: z.literal("gone") }),
  /** Nobody answered: the Copilot runtime restarted and the request died with it. */
  z.object({ kind: z.literal("lost") }),
  /** The session was ended (by a person, or after being idle too long). */
  z.object({ kind: z.literal("ended") }),
]);
export type Outcome = z.output<typeof outcome>;

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
