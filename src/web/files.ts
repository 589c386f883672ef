import contentDisposition from "content-disposition";
import { Router } from "express";
import { fileForReader, type FileVariant } from "../domain/attachments.js";
import { NotFoundError } from "../domain/errors.js";
import { idParam } from "../http/params.js";
import { userOf, type Web } from "./context.js";

const variants = new Set<FileVariant>(["thumb", "poster"]);

/**
 * Uploaded files, only to members of their room (404 to anyone else, every time). Like every
 * response that depends on the session they are not stored by any cache ("private, no-store",
 * from `privateResponses`), so none outlives a logout; their hash is the ETag, and `send`
 * (through res.sendFile) answers Range requests with 206 and conditional ones with 304.
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
