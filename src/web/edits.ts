import { Router, type Request, type RequestHandler, type Response } from "express";
import { editMessage, messageToEdit, revisionsOf } from "../domain/message-edits.js";
import { messageFor } from "../domain/messages.js";
import { InvalidInputError } from "../domain/errors.js";
import { idParam } from "../http/params.js";
import { render } from "../render/engine.js";
import { presentMessage } from "../render/message.js";
import { presentRoom } from "../render/rooms.js";
import { presentVersions } from "../render/revisions.js";
import { isHtmx, userOf, type Web } from "./context.js";

type Found = Awaited<ReturnType<typeof messageToEdit>>;

/** Editing a message's text: in its place with htmx, on a page of its own without; and its earlier versions. */
export function editsRouter(web: Web, limit: RequestHandler): Router {
  const router = Router();
  const ids = (req: Request) => [idParam(req.params.id), idParam(req.params.messageId)] as const;

  async function editor(req: Request, res: Response, found: Found, body: unknown, error?: string, status = 200) {
    const user = userOf(res);
    const { message, room } = found;
    const editor = { ...presentMessage(message, user), body: typeof body === "string" ? body : message.body, error };
    if (isHtmx(req)) {
      res
        .status(status)
        .type("html")
        .send(render("partials/message-editor", { ...editor, inline: true }));
      return;
    }
    await web.page(
      req,
      res,
      "pages/edit-message",
      { title: "Edit message", currentRoomId: message.roomId, room: presentRoom(room, user.id, web.deps.presence), editor },
      status,
    );
  }

  router.get("/rooms/:id/messages/:messageId/edit", async (req, res) => {
    const [roomId, messageId] = ids(req);
    await editor(req, res, await messageToEdit(web.deps, userOf(res), roomId, messageId), undefined);
  });

  // Saved, the message's content takes the editor's place (everyone else's pages get it pushed).
  router.post("/rooms/:id/messages/:messageId/edit", limit, async (req, res) => {
    const user = userOf(res);
    const [roomId, messageId] = ids(req);
    const { body } = (req.body as Record<string, unknown> | undefined) ?? {};
    try {
      await editMessage(web.deps, user, roomId, messageId, req.body);
    } catch (err) {
      if (!(err instanceof InvalidInputError)) throw err;
      return editor(req, res, await messageToEdit(web.deps, user, roomId, messageId), body, err.errors.body ?? err.message, err.status);
    }
    const { message } = await messageFor(web.deps, user, roomId, messageId, "readRevisions");
    if (isHtmx(req)) res.type("html").send(render("partials/message-content", presentMessage(message, user)));
    else res.redirect(303, presentMessage(message, user).permalink);
  });

  // What the message says, for the inline editor's Cancel; without script Cancel is the permalink.
  router.get("/rooms/:id/messages/:messageId/content", async (req, res) => {
    const user = userOf(res);
    const [roomId, messageId] = ids(req);
    const { message } = await messageFor(web.deps, user, roomId, messageId, "readRevisions");
    if (isHtmx(req)) res.type("html").send(render("partials/message-content", presentMessage(message, user)));
    else res.redirect(303, presentMessage(message, user).permalink);
  });

  router.get("/rooms/:id/messages/:messageId/revisions", async (req, res) => {
    const user = userOf(res);
    const [roomId, messageId] = ids(req);
    const { message, room, revisions } = await revisionsOf(web.deps, user, roomId, messageId);
    await web.page(req, res, "pages/revisions", {
      title: "Earlier versions",
      currentRoomId: roomId,
      room: presentRoom(room, user.id, web.deps.presence),
      message: presentMessage(message, user),
      versions: presentVersions(message, revisions),
    });
  });

  return router;
}
