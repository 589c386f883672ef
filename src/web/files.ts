import contentDisposition from "content-disposition";
import { Router } from "express";
import { fileForReader, type FileVariant } from "../domain/attachments.js";
import { NotFoundError } from "../domain/errors.js";
import { idParam } from "../http/params.js";
import { userOf, type Web } from "./context.js";

const variants = new Set<FileVariant>(["thumb", "poster"]);

/**
 * Uploaded files, only to members of their room (404 to anyone else, every time). The browser may
 * keep one but must ask again before each use ("private, no-cache"): the hash is the ETag, so an
 * unchanged file costs a 304, and only after the reader's access was checked again, so none
 * outlives a logout or leaving the room; shared caches keep nothing. `send` (through
 * res.sendFile) answers Range requests with 206.
 */
export function filesRouter(web: Web): Router {
  const router = Router();

  router.get("/files/:id{/:variant}", async (req, res) => {
    const variant = (req.params.variant ?? "original") as FileVariant;
    if (variant !== "original" && !variants.has(variant)) throw new NotFoundError();
    const file = await fileForReader(web.deps, userOf(res).id, idParam(req.params.id), variant);
    const download = req.query.download !== undefined;
    res.set({
      "Content-Type": file.contentType,
      "X-Content-Type-Options": "nosniff",
      "Content-Disposition": contentDisposition(file.fileName, { type: download ? "attachment" : "inline" }),
      "Cache-Control": "private, no-cache",
      ETag: `"${file.hash}"`,
      // Served files are never documents: nothing in them may run or frame anything.
      "Content-Security-Policy": "default-src 'none'; sandbox",
    });
    await new Promise<void>((resolve, reject) =>
      res.sendFile(web.deps.files.pathOf(file.hash), { etag: false, lastModified: false, cacheControl: false }, (err) =>
        err && !res.headersSent ? reject(err) : resolve(),
      ),
    );
  });

  return router;
}
