import type { Db } from "../db/client.js";
import type { FileStore } from "../files/store.js";
import type { Videos } from "../media/videos.js";
import type { EventBus } from "./events.js";
import type { Presence } from "./presence.js";
import type { PushOutbox } from "./push-queue.js";
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
