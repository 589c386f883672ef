import { Router, type Request, type RequestHandler, type Response } from "express";
import { InvalidInputError } from "../domain/errors.js";
import { messageToReact, toggleReaction } from "../domain/reactions.js";
import { at, idOf } from "../render/dom.js";
import { render } from "../render/engine.js";
import { permalinkOf, renderMessageParts } from "../render/message.js";
import { presentPicker } from "../render/reactions.js";
import { presentRoom } from "../render/rooms.js";
import { idParam } from "../http/params.js";
import { isHtmx, userOf, type Web } from "./context.js";

/** Reacting to a message: the picker (a fragment for htmx, a page without script) and the toggle. */
export function reactionsRouter(web: Web, limit: RequestHandler): Router {
  const router = Router();

  const ids = (req: Request) => ({ roomId: idParam(req.params.id), messageId: idParam(req.params.messageId) });

  async function picker(req: Request, res: Response, refused?: { value: unknown; error: string }, status = 200): Promise<void> {
    const user = userOf(res);
    const { roomId, messageId } = ids(req);
    const { room, message } = await messageToReact(web.deps, user, roomId, messageId);
    const view = presentPicker(message, web.csrf.token(req, res), refused);
    if (isHtmx(req)) {
      res.status(status).type("html").send(render("partials/reaction-picker", view));
      return;
    }
    await web.page(
      req,
      res,
      "pages/react",
      {
        title: "React to a message",
        currentRoomId: room.id,
        room: presentRoom(room, user.id, web.deps.presence),
        authorName: message.author.displayName,
        permalink: permalinkOf(roomId, messageId),
        picker: view,
      },
      status,
    );
  }

  router.get("/rooms/:id/messages/:messageId/reactions/new", (req, res) => picker(req, res));

  // With htmx the answer is the message's reactions again, out of band (the form swaps nothing
  // itself), so the reactor's page shows the change even while its socket is away; everyone's page,
  // theirs too, gets it pushed as well. Without script, back to the message.
  router.post("/rooms/:id/messages/:messageId/reactions", limit, async (req, res) => {
    const user = userOf(res);
    const { roomId, messageId } = ids(req);
    try {
      await toggleReaction(web.deps, user, roomId, messageId, req.body);
    } catch (err) {
      if (!(err instanceof InvalidInputError)) throw err;
      const refused = { value: (req.body as Record<string, unknown>).emoji, error: err.errors.emoji ?? err.message };
      // The picker comes back with the error in its own place, whichever form was sent.
      if (isHtmx(req)) res.set({ "HX-Retarget": at(idOf.reactionPicker(messageId)), "HX-Reswap": "outerHTML" });
      return picker(req, res, refused, err.status);
    }
    if (!isHtmx(req)) return res.redirect(303, permalinkOf(roomId, messageId));
    const { message } = await messageToReact(web.deps, user, roomId, messageId);
    res.type("html").send(renderMessageParts(message, ["reactions"], user));
  });

  return router;
}
