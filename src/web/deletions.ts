import { Router, type Request, type RequestHandler, type Response } from "express";
import { deleteMessage, messageToDelete } from "../domain/message-deletions.js";
import { idParam } from "../http/params.js";
import { render } from "../render/engine.js";
import { permalinkOf, presentMessage, renderChangedMessage } from "../render/message.js";
import { presentRoom } from "../render/rooms.js";
import { isHtmx, userOf, type Web } from "./context.js";

/** Deleting a message, after asking: in a dialog with htmx, on a page of its own without. */
export function deletionsRouter(web: Web, limit: RequestHandler): Router {
  const router = Router();
  const ids = (req: Request) => [idParam(req.params.id), idParam(req.params.messageId)] as const;

  router.get("/rooms/:id/messages/:messageId/delete", async (req: Request, res: Response) => {
    const user = userOf(res);
    const [roomId, messageId] = ids(req);
    const { message, room } = await messageToDelete(web.deps, user, roomId, messageId);
    const confirmation = { message: presentMessage(message, user), csrfToken: web.csrf.token(req, res) };
    if (isHtmx(req)) {
      res.type("html").send(render("partials/delete-dialog", confirmation));
      return;
    }
    await web.page(req, res, "pages/delete-message", {
      title: "Delete message",
      currentRoomId: roomId,
      room: presentRoom(room, user.id, web.deps.presence),
      confirmation,
    });
  });

  // With htmx the answer is the tombstone's parts out of band, so that the page shows it even while
  // its socket is away; every page of the room gets it pushed as well. Without script, back to it.
  router.post("/rooms/:id/messages/:messageId/delete", limit, async (req, res) => {
    const user = userOf(res);
    const [roomId, messageId] = ids(req);
    const tombstone = await deleteMessage(web.deps, user, roomId, messageId);
    if (isHtmx(req)) res.type("html").send(renderChangedMessage(tombstone, user));
    else res.redirect(303, permalinkOf(roomId, messageId));
  });

  return router;
}
