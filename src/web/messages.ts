import { Router, type RequestHandler } from "express";
import { InvalidInputError } from "../domain/errors.js";
import { postMessage } from "../domain/messages.js";
import { authorize } from "../domain/rooms.js";
import { render } from "../render/engine.js";
import { presentRoom } from "../render/rooms.js";
import { csrfToken } from "./csrf.js";
import { idParam } from "../http/params.js";
import { isHtmx, userOf, type Web } from "./context.js";
import { roomPage } from "./rooms.js";

export function messagesRouter(web: Web, limit: RequestHandler): Router {
  const router = Router();

  // With htmx the new message arrives over the WebSocket like everyone else's, so the sender sees it
  // exactly once in every tab; the response only says "done" or gives the composer back with the error.
  router.post("/rooms/:id/messages", limit, async (req, res) => {
    const user = userOf(res);
    const roomId = idParam(req.params.id);
    try {
      await postMessage(web.deps, user.id, roomId, req.body);
      if (isHtmx(req)) res.status(204).end();
      else res.redirect(303, `/rooms/${roomId}#composer`);
    } catch (err) {
      if (!(err instanceof InvalidInputError)) throw err;
      const body = (req.body as Record<string, unknown>).body;
      const error = err.errors.body ?? err.message;
      if (!isHtmx(req)) return roomPage(web, req, res, roomId, { body, error }, err.status);
      const room = await authorize(web.deps, user.id, roomId, "post");
      res
        .status(err.status)
        .type("html")
        .send(render("partials/composer", { room: presentRoom(room, user.id, web.deps.presence), csrfToken: csrfToken(req), body, error }));
    }
  });

  return router;
}
