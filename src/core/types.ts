import type { Platform, UserRef } from "./vocabulary/refs.js";

/**
 * Platform-neutral vocabulary shared by the core, the adapters and the Copilot gateway.
 * Nothing here knows about Slack, Discord, keyv or the Copilot SDK.
 */

/** Inline pieces of a bridge-authored line. Plain strings are untrusted text and always escaped. */
export type Inline =
  | string
  | { bold: string }
  | { italic: string }
  | { code: string }
  | { user: UserRef }
  | { link: string; label: string }
  /** A moment, shown in the reader's time zone where the platform can. */
  | { time: number };

export type ButtonStyle = "primary" | "danger";

export interface Button {
  /** What the button does, e.g. `perm.once`. */
  action: string;
  label: string;
  style?: ButtonStyle;
  /** Opaque payload echoed back on click (a request id). */
  payload: string;
}

export type Block =
  /** A bridge-authored line with formatting. */
  | { type: "line"; inline: Inline[] }
  /** Model-authored Markdown: untrusted, converted and escaped by the adapter. */
  | { type: "markdown"; text: string }
  /** Preformatted text (a command, a diff). */
  | { type: "code"; text: string; language?: string }
  /** Small, secondary text. */
  | { type: "context"; inline: Inline[] }
  /**
   * Untrusted text (from the model, the runtime or another person) set apart as a block quote of
   * plain text: every line is marked as quoted, so it can never pass for a line of the bridge's own,
   * and nothing in it becomes formatting, a link or a mention. `label` is a bridge-authored lead-in
   * shown at the start of the first quoted line (e.g. `Reason: `).
   */
  | { type: "quote"; text: string; label?: string }
  | { type: "buttons"; buttons: Button[] };

export interface Message {
  blocks: Block[];
  /** Plain-text summary used for notifications and as a fallback; untrusted, escaped by the adapter. */
  summary: string;
  /**
   * `card`: a self-contained box that something waits on (and then shows its outcome), laid out as
   * such where the platform has one. A message keeps its layout for life: every edit of a card is one.
   */
  layout?: "card";
}

export interface FileUpload {
  name: string;
  title?: string;
  bytes: Uint8Array;
  comment?: string;
}

export interface ModalField {
  id: string;
  label: string;
  /** A choice among `options` (platforms without selects in forms show a text field listing them). */
  options?: string[];
  /**
   * A yes/no field (`options` are then `yes` and `no`): platforms with a checkbox show one, and
   * submit `yes` when it is ticked and `no` when not.
   */
  boolean?: boolean;
  multiline?: boolean;
  optional?: boolean;
  placeholder?: string;
  maxLength?: number;
}

export interface Modal {
  /** Routes the submission back to the core, e.g. `perm.deny`. */
  callback: string;
  /** Opaque data echoed back on submit (a request id). */
  meta: string;
  title: string;
  submitLabel: string;
  intro?: string;
  fields: ModalField[];
}

/** Opaque handle the platform needs to open a modal in response to a click. */
export interface ModalTrigger {
  platform: Platform;
  token: string;
}
