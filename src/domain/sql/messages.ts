import { messages, users } from "../../db/schema.js";
import type { Deps } from "../deps.js";
import { attachmentsOf, type Attachment } from "./attachments.js";

export interface Message {
  id: number;
  roomId: number;
  body: string;
  createdAt: Date;
  author: { id: number; username: string; displayName: string; sharesReceipts: boolean };
  attachments: Attachment[];
}

/** What every query that loads messages selects (joined to their authors): a `Message` but its attachments. */
export const messageColumns = {
  id: messages.id,
  roomId: messages.roomId,
  body: messages.body,
  createdAt: messages.createdAt,
  author: {
    id: users.id,
    username: users.username,
    displayName: users.displayName,
    sharesReceipts: users.shareReadReceipts,
  },
};

/** Adds each message's attachments, loaded for all of them in one query. */
export async function withAttachments<M extends { id: number }>(deps: Deps, rows: M[]): Promise<Array<M & { attachments: Attachment[] }>> {
  const byMessage = await attachmentsOf(
    deps,
    rows.map((r) => r.id),
  );
  return rows.map((r) => ({ ...r, attachments: byMessage.get(r.id) ?? [] }));
}
