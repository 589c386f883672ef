import { randomUUID } from "node:crypto";
import { Router, type NextFunction, type Request, type RequestHandler, type Response } from "express";
import { InvalidInputError, UploadError } from "../domain/errors.js";
import { clientIdInput, postMessage } from "../domain/messages.js";
import { authorize } from "../domain/access.js";
import { render } from "../render/engine.js";
import { presentComposer } from "../render/room-page.js";
import { presentRoom } from "../render/rooms.js";
import { idParam, pageRequest } from "../http/params.js";
import { isHtmx, userOf, type Web } from "./context.js";
import { sendRoomPage } from "./room-page.js";
import { receiveUploads, removeUploads, uploadLimits, uploadsOf } from "./uploads.js";

export function messagesRouter(web: Web, limit: RequestHandler): Router {
  const router = Router();

  /** The composer again with the error and the text kept: in place for htmx, as the room page without. */
  async function refused(req: Request, res: Response, err: InvalidInputError | UploadError): Promise<void> {
    const user = userOf(res);
    const roomId = idParam(req.params.id);
    const { body, clientId: posted } = (req.body as Record<string, unknown> | undefined) ?? {};
    const error = (err instanceof InvalidInputError && (err.errors.body ?? err.errors.alt)) || err.message;
    // The message was not stored: sent again, it is still the same message.
    const kept = clientIdInput.safeParse(posted);
    const draft = { body, error, clientId: kept.success ? kept.data : randomUUID() };
    if (!isHtmx(req)) return sendRoomPage(web, req, res, pageRequest(req), { draft }, err.status);
    const room = presentRoom(await authorize(web.deps, user.id, roomId, "post"), user.id, web.deps.presence);
    const composer = presentComposer(room, uploadLimits(web.config), draft);
    // htmx swaps only the 4xx answers that are always forms (400, 409, 422); this header tells the
    // script that a 413 or 415 here is the composer too, with the reason for that file.
    res
      .status(err.status)
      .type("html")
      .set("Parley-Composer", "refused")
      .send(render("partials/composer", { ...composer, csrfToken: web.csrf.token(req, res) }));
  }

  // With htmx the new message arrives over the WebSocket like everyone else's, so the sender sees it
  // exactly once in every tab; the response only says "done" or gives the composer back with the error.
  router.post("/rooms/:id/messages", limit, receiveUploads(web), async (req, res) => {
    const roomId = idParam(req.params.id);
    let outcome: InvalidInputError | UploadError | null = null;
    try {
      await postMessage(web.deps, userOf(res).id, roomId, req.body, uploadsOf(req));
    } catch (err) {
      if (!(err instanceof InvalidInputError || err instanceof UploadError)) throw err;
      outcome = err;
    } finally {
      await removeUploads(req);
    }
    if (outcome) await refused(req, res, outcome);
    // The next message the page composes needs a client id of its own (app.js puts it in the form).
    else if (isHtmx(req)) res.status(204).set("Parley-Next-Client-Id", randomUUID()).end();
    else res.redirect(303, `/rooms/${roomId}#composer`);
  });

  // An upload refused while it streamed in (too large, not an image or video) arrives here.
  router.use("/rooms/:id/messages", async (err: unknown, req: Request, res: Response, next: NextFunction) => {
    if (!(err instanceof UploadError)) return next(err);
    await refused(req, res, err);
  });

  return router;
}
