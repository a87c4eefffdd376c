import type { ChatAdapter } from "./ports/chat.js";
import type { ThreadRef } from "./vocabulary/refs.js";

/**
 * The link to a session shared through Mission Control, as the thread shows it: the URL, and a QR
 * code for GitHub Mobile when the bridge can draw one.
 */

export interface RemoteLinkDeps {
  chat: ChatAdapter;
  /** Renders a QR code PNG for a URL; without it only the link is posted. */
  qrCode?: ((text: string) => Promise<Uint8Array>) | undefined;
}

/** Posts the link to `url` in `thread`, then its QR code. */
export async function postRemoteLink(deps: RemoteLinkDeps, thread: ThreadRef, url: string): Promise<void> {
  await deps.chat.post(thread, {
    blocks: [
      {
        type: "line",
        inline: ["📱 ", { bold: "Follow and steer this session on GitHub" }, ": ", { link: url, label: url }],
      },
      {
        type: "context",
        inline: ["Scan the QR code with GitHub Mobile, or open the link on github.com."],
      },
    ],
    summary: `Remote session: ${url}`,
  });
  if (deps.qrCode) {
    const bytes = await deps.qrCode(url);
    await deps.chat.upload(thread, {
      name: "session-qr.png",
      title: "Open this session on GitHub",
      comment: "QR code: scan it with GitHub Mobile to open this session.",
      bytes,
    });
  }
}
