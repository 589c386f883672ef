import { Router, type Request, type Response } from "express";
import { describeImage, imageToDescribe } from "../domain/attachments.js";
import { InvalidInputError } from "../domain/errors.js";
import { idParam } from "../http/params.js";
import { presentAttachment } from "../render/message.js";
import { userOf, type Web } from "./context.js";
import { at, idOf } from "../render/dom.js";

/** "Add a description": the author of an image gives it alt text after sending it. */
export function descriptionsRouter(web: Web): Router {
  const router = Router();

  async function form(req: Request, res: Response, values: { alt?: unknown }, error?: string, status = 200) {
    const image = await imageToDescribe(web.deps, userOf(res).id, idParam(req.params.id));
    await web.page(
      req,
      res,
      "pages/describe",
      { title: "Describe an image", currentRoomId: image.roomId, image: presentAttachment(image.attachment), values, error },
      status,
    );
  }

  router.get("/attachments/:id/description", (req, res) => form(req, res, {}));

  router.post("/attachments/:id/description", async (req, res) => {
    try {
      const image = await describeImage(web.deps, userOf(res).id, idParam(req.params.id), req.body);
      res.redirect(303, `/rooms/${image.roomId}${at(idOf.message(image.attachment.messageId))}`);
    } catch (err) {
      if (!(err instanceof InvalidInputError)) throw err;
      await form(req, res, req.body as { alt?: unknown }, err.errors.alt ?? err.message, err.status);
    }
  });

  return router;
}
