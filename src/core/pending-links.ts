import type { PendingLink } from "./ports/identity.js";
import type { UserRef } from "./vocabulary/refs.js";

/** Device flows under way, one per person: a second `/copilot login` replaces the first. */
export class PendingLinks {
  private readonly byUser = new Map<string, PendingLink>();

  replace(user: UserRef, link: PendingLink): void {
    const key = `${user.platform}:${user.id}`;
    this.byUser.get(key)?.cancel();
    this.byUser.set(key, link);
  }

  /** Forgets `link` once it ended, unless a newer one took its place. */
  settled(user: UserRef, link: PendingLink): void {
    const key = `${user.platform}:${user.id}`;
    if (this.byUser.get(key) === link) this.byUser.delete(key);
  }

  cancelAll(): void {
    for (const link of this.byUser.values()) link.cancel();
    this.byUser.clear();
  }
}
