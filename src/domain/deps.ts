import type { Db } from "../db/client.js";
import type { FileStore } from "../files/store.js";
import type { Videos } from "../media/videos.js";
import type { EventBus } from "./events.js";
import type { Presence } from "./presence.js";
import type { Typing } from "./typing.js";

/** What every domain function works with. */
export interface Deps {
  db: Db;
  events: EventBus;
  presence: Presence;
  typing: Typing;
  files: FileStore;
  videos: Videos;
  pushes: PushOutbox;
  mentions: { roomMaxMembers: number };
}

/** Where queued pushes are sent from (src/push/worker.ts), and the key browsers subscribe with. */
export interface PushOutbox {
  /** Jobs were queued and have committed: send them now rather than at the next poll. */
  queued(): void;
  /** The VAPID public key (base64url), for `pushManager.subscribe`. */
  readonly publicKey: string;
}
