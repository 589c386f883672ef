import { rm } from "node:fs/promises";
import { eq } from "drizzle-orm";
import { z } from "zod";
import { attachments, messages } from "../db/schema.js";
import type { Stored } from "../files/store.js";
import { nameFor, type Detected } from "../media/detect.js";
import { processImage, UnreadableImageError } from "../media/images.js";
import { UnplayableVideoError } from "../media/videos.js";
import { authorize, authorizeMessage } from "./access.js";
import type { Deps } from "./deps.js";
import { NotFoundError, UploadError } from "./errors.js";
import { attachmentColumns, type Attachment } from "./sql/attachments.js";
import { parseInput } from "./validate.js";

/** A file received in full into a temporary path, its type already decided from its bytes. */
export interface Upload {
  tempPath: string;
  fileName: string;
  detected: Detected;
  byteSize: number;
}

export type NewAttachment = Omit<typeof attachments.$inferInsert, "messageId" | "id">;

/**
 * Processes uploads into stored files and the rows to insert with their message. On any failure
 * the files this call newly stored are removed again, and the error names the file and the reason.
 */
export async function prepareAttachments(
  deps: Deps,
  uploads: Upload[],
  alts: Array<string | undefined>,
): Promise<{ rows: NewAttachment[]; created: Stored[] }> {
  const created: Stored[] = [];
  const rows: NewAttachment[] = [];
  const keep = (stored: Stored) => (stored.created && created.push(stored), stored.hash);
  try {
    for (const [position, upload] of uploads.entries()) {
      const base = { position, alt: alts[position]?.trim() || null };
      if (upload.detected.kind === "image") {
        const image = await processImage(deps.files, upload.tempPath).catch((err: unknown) => {
          if (!(err instanceof UnreadableImageError)) throw err;
          // A HEIC photo is a real image in a format this build cannot decode: unsupported, not broken.
          if (upload.detected.mime.startsWith("image/hei"))
            throw new UploadError(415, upload.fileName, "is a HEIC photo, which this server cannot read; send it as JPEG");
          throw new UploadError(422, upload.fileName, err.message);
        });
        rows.push({
          ...base,
          fileName: nameFor(upload.fileName, image.original.mime),
          kind: "image",
          contentType: image.original.mime,
          hash: keep(image.original),
          byteSize: image.original.byteSize,
          width: image.original.width,
          height: image.original.height,
          thumbHash: keep(image.thumb),
          thumbWidth: image.thumb.width,
          thumbHeight: image.thumb.height,
        });
      } else {
        // What is stored is the remuxed video when ffmpeg is there: only its media, never the upload's other bytes.
        const remuxed = await deps.videos.remux(deps.files, upload.tempPath, upload.detected.mime).catch((err: unknown) => {
          if (err instanceof UnplayableVideoError) throw new UploadError(422, upload.fileName, err.message);
          throw err;
        });
        const stored = await deps.files.put(remuxed?.path ?? upload.tempPath).finally(() => remuxed && rm(remuxed.path, { force: true }));
        keep(stored);
        const facts = await deps.videos.describe(deps.files, deps.files.pathOf(stored.hash));
        rows.push({
          ...base,
          fileName: nameFor(upload.fileName, upload.detected.mime),
          alt: null,
          kind: "video",
          contentType: upload.detected.mime,
          hash: stored.hash,
          byteSize: remuxed?.byteSize ?? upload.byteSize,
          width: facts.width,
          height: facts.height,
          durationMs: facts.durationMs,
          posterHash: facts.poster ? keep(facts.poster) : null,
        });
      }
    }
    return { rows, created };
  } catch (err) {
    await discard(deps, created);
    throw err;
  }
}

/**
 * Removes files this request stored, when what was to reference them was not written; a file that
 * another post has stored again meanwhile stays (see FileStore), and anything a crash leaves
 * behind is swept later (orphans.ts).
 */
export async function discard(deps: Deps, stored: Stored[]): Promise<void> {
  await Promise.all(stored.map((file) => deps.files.remove(file)));
}

const describeInput = z.object({
  alt: z
    .string({ error: "Describe the image." })
    .trim()
    .min(1, "Describe the image.")
    .max(1000, "A description can be at most 1000 characters."),
});

export interface ImageToDescribe {
  attachment: Attachment;
  roomId: number;
}

/** An image of the user's own message that they may (re)describe; anything else is not found. */
export async function imageToDescribe(deps: Deps, userId: number, attachmentId: number): Promise<ImageToDescribe> {
  const [row] = await deps.db
    .select({ ...attachmentColumns, roomId: messages.roomId, authorId: messages.authorId, deletedAt: messages.deletedAt })
    .from(attachments)
    .innerJoin(messages, eq(messages.id, attachments.messageId))
    .where(eq(attachments.id, attachmentId));
  if (!row || row.kind !== "image") throw new NotFoundError("Image not found");
  // Only the author describes, so being an administrator changes nothing here.
  await authorizeMessage(deps, { id: userId, isAdmin: false }, row, "describe");
  const { roomId, authorId: _, deletedAt: __, posterHash, ...attachment } = row;
  return { attachment: { ...attachment, hasPoster: posterHash !== null }, roomId };
}

/** Sets an image's description (alt text); everyone with the room open sees it change. */
export async function describeImage(deps: Deps, userId: number, attachmentId: number, input: unknown): Promise<ImageToDescribe> {
  const image = await imageToDescribe(deps, userId, attachmentId);
  const { alt } = parseInput(describeInput, input);
  await deps.events.writeAndTell(
    deps.db,
    (db) => db.update(attachments).set({ alt }).where(eq(attachments.id, attachmentId)),
    () => [{ kind: "message.updated", roomId: image.roomId, messageId: image.attachment.messageId, authorId: userId }],
  );
  return image;
}

export type FileVariant = "original" | "thumb" | "poster";

export interface ServedFile {
  hash: string;
  contentType: string;
  fileName: string;
}

/** A stored file for someone who may read its room; anything else is not found. */
export async function fileForReader(deps: Deps, userId: number, attachmentId: number, variant: FileVariant): Promise<ServedFile> {
  const [row] = await deps.db
    .select({
      roomId: messages.roomId,
      hash: attachments.hash,
      thumbHash: attachments.thumbHash,
      posterHash: attachments.posterHash,
      contentType: attachments.contentType,
      fileName: attachments.fileName,
    })
    .from(attachments)
    .innerJoin(messages, eq(messages.id, attachments.messageId))
    .where(eq(attachments.id, attachmentId));
  if (!row) throw new NotFoundError("File not found");
  await authorize(deps, userId, row.roomId, "read");
  const stem = row.fileName.replace(/\.[^.]*$/, "");
  // Named for its type whatever the row says (rows from before names were stored that way, too).
  if (variant === "original") return { hash: row.hash, contentType: row.contentType, fileName: nameFor(row.fileName, row.contentType) };
  const hash = variant === "thumb" ? row.thumbHash : row.posterHash;
  if (!hash) throw new NotFoundError("File not found");
  return { hash, contentType: "image/webp", fileName: `${stem}-${variant}.webp` };
}
