import { asc, sql } from "drizzle-orm";
import { prepared } from "../../db/prepared.js";
import { attachments } from "../../db/schema.js";
import type { Deps } from "../deps.js";

export interface Attachment {
  id: number;
  messageId: number;
  kind: "image" | "video";
  contentType: string;
  fileName: string;
  byteSize: number;
  width: number | null;
  height: number | null;
  alt: string | null;
  thumbWidth: number | null;
  thumbHeight: number | null;
  hasPoster: boolean;
  durationMs: number | null;
}

/** What a query selects to build an `Attachment` (`posterHash` becomes `hasPoster`). */
export const attachmentColumns = {
  id: attachments.id,
  messageId: attachments.messageId,
  kind: attachments.kind,
  contentType: attachments.contentType,
  fileName: attachments.fileName,
  byteSize: attachments.byteSize,
  width: attachments.width,
  height: attachments.height,
  alt: attachments.alt,
  thumbWidth: attachments.thumbWidth,
  thumbHeight: attachments.thumbHeight,
  posterHash: attachments.posterHash,
  durationMs: attachments.durationMs,
};

/** The attachments of several messages in one query, by message, in their order. */
// Every page of history runs this; the ids come as one array, so that one statement serves any page.
const attachmentsOfMessages = prepared((db) =>
  db
    .select(attachmentColumns)
    .from(attachments)
    .where(sql`${attachments.messageId} = any(${sql.placeholder("messageIds")}::int[])`)
    .orderBy(asc(attachments.messageId), asc(attachments.position))
    .prepare("attachments_of"),
);

export async function attachmentsOf({ db }: Deps, messageIds: number[]): Promise<Map<number, Attachment[]>> {
  const byMessage = new Map<number, Attachment[]>();
  if (messageIds.length === 0) return byMessage;
  const rows = await attachmentsOfMessages(db).execute({ messageIds });
  for (const { posterHash, ...row } of rows) {
    byMessage.set(row.messageId, [...(byMessage.get(row.messageId) ?? []), { ...row, hasPoster: posterHash !== null }]);
  }
  return byMessage;
}
