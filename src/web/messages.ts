import { randomUUID } from "node:crypto";
import { Router, type NextFunction, type Request, type RequestHandler, type Response } from "express";
import { InvalidInputError, UploadError } from "../domain/errors.js";
import { clientIdInput, postMessage } from "../domain/messages.js";
import { quotable } from "../domain/replies.js";
import { authorize } from "../domain/access.js";
import { render } from "../render/engine.js";
import { presentComposer, presentComposerNotice } from "../render/room-page.js";
import { outOfBand } from "../render/message.js";
import { at, id } from "../render/dom.js";
import type { Absentee } from "../domain/mentions.js";
import { presentQuote } from "../render/quote.js";
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
    const { body, clientId: posted, replyTo } = (req.body as Record<string, unknown> | undefined) ?? {};
    const error = (err instanceof InvalidInputError && (err.errors.body ?? err.errors.alt ?? err.errors.replyTo)) || err.message;
    // The message was not stored: sent again, it is still the same message.
    const kept = clientIdInput.safeParse(posted);
    const draft = { body, error, clientId: kept.success ? kept.data : randomUUID() };
    // The reply stays with the draft, unless what it answers can no longer be (the error says so).
    if (!isHtmx(req)) return sendRoomPage(web, req, res, pageRequest(req), { draft, replyTo }, err.status);
    const room = presentRoom(await authorize(web.deps, user.id, roomId, "post"), user.id, web.deps.presence);
    const composer = presentComposer(room, uploadLimits(web.config), draft, await quotable(web.deps, user, roomId, replyTo));
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
    let absent: Absentee[] = [];
    try {
      ({ absent } = await postMessage(web.deps, userOf(res), roomId, req.body, uploadsOf(req)));
    } catch (err) {
      if (!(err instanceof InvalidInputError || err instanceof UploadError)) throw err;
      outcome = err;
    } finally {
      await removeUploads(req);
    }
    if (outcome) return refused(req, res, outcome);
    // The next message the page composes needs a client id of its own (app.js puts it in the form).
    if (isHtmx(req) && absent.length === 0) return res.status(204).set("Parley-Next-Client-Id", randomUUID()).end();
    // It named people who are not here: the sender is told, by the composer.
    if (!isHtmx(req)) {
      const named = absent.length ? `?absent=${encodeURIComponent(absent.map((p) => p.username).join(","))}` : "";
      return res.redirect(303, `/rooms/${roomId}${named}#composer`);
    }
    const room = await authorize(web.deps, userOf(res).id, roomId, "post");
    const notice = presentComposerNotice(presentRoom(room, userOf(res).id, web.deps.presence), absent)!;
    res
      .status(200)
      .type("html")
      .set({ "Parley-Next-Client-Id": randomUUID(), "Parley-Composer": "sent", "HX-Reswap": "none" })
      .send(
        outOfBand(
          "innerHTML",
          at(id.composerNotice),
          render("partials/composer-notice", { ...notice, csrfToken: web.csrf.token(req, res) }),
        ),
      );
  });

  // "Reply" on a message: for htmx the composer's reply slot alone (a draft being typed stays), with
  // the quote, or empty if that message cannot be answered here; without, the room with it set.
  router.get("/rooms/:id/composer/reply", async (req, res) => {
    const user = userOf(res);
    const roomId = idParam(req.params.id);
    await authorize(web.deps, user.id, roomId, "post");
    const reply = await quotable(web.deps, user, roomId, req.query.reply);
    if (!isHtmx(req)) return res.redirect(303, `/rooms/${roomId}${reply ? `?reply=${reply.id}` : ""}#composer`);
    res.type("html").send(render("partials/composer-reply", { roomId, reply: reply && presentQuote(roomId, reply) }));
  });

  // An upload refused while it streamed in (too large, not an image or video) arrives here.
  router.use("/rooms/:id/messages", async (err: unknown, req: Request, res: Response, next: NextFunction) => {
    if (!(err instanceof UploadError)) return next(err);
    await refused(req, res, err);
  });

  return router;
}
