import { Router } from "express";
import { authorize } from "../domain/access.js";
import { InvalidInputError, NotFoundError } from "../domain/errors.js";
import { historyPage } from "../domain/history.js";
import { markMentionRead } from "../domain/mentions-page.js";
import { addMember, createRoom, homeRoomOf, joinRoom, leaveRoom, publicRooms } from "../domain/rooms.js";
import { markRoomRead, markUnreadFrom, seenBy } from "../domain/reading.js";
import { render } from "../render/engine.js";
import { seenByText } from "../render/receipts.js";
import { renderHistoryPage } from "../render/room-timeline.js";
import { presentPublicRoom, presentRoom } from "../render/rooms.js";
import { idParam, pageRequest } from "../http/params.js";
import { safeNext } from "./auth.js";
import { isHtmx, userOf, type Web } from "./context.js";
import { sendRoomPage } from "./room-page.js";

export function roomsRouter(web: Web): Router {
  const router = Router();

  router.get("/", async (_req, res) => {
    const home = await homeRoomOf(web.deps, userOf(res).id);
    res.redirect(303, home === null ? "/rooms" : `/rooms/${home}`);
  });

  router.get("/rooms", async (req, res) => {
    const rooms = (await publicRooms(web.deps, userOf(res).id)).map(presentPublicRoom);
    await web.page(req, res, "pages/rooms", { title: "Public rooms", currentPage: "browse", rooms });
  });

  router.get("/rooms/new", async (req, res) => {
    await web.page(req, res, "pages/new-room", { title: "Create a room", currentPage: "new-room", values: {}, errors: {} });
  });

  router.post("/rooms", async (req, res) => {
    try {
      const room = await createRoom(web.deps, userOf(res).id, req.body);
      res.redirect(303, `/rooms/${room.id}`);
    } catch (err) {
      if (!(err instanceof InvalidInputError)) throw err;
      const body = req.body as Record<string, unknown>;
      const values = { name: body.name, topic: body.topic, private: body.private !== undefined };
      await web.page(
        req,
        res,
        "pages/new-room",
        { title: "Create a room", currentPage: "new-room", values, errors: err.errors },
        err.status,
      );
    }
  });

  router.get("/rooms/:id", async (req, res) => {
    // `absent`: after a post without script, the people it named who are not here (see messages.ts).
    const absent = typeof req.query.absent === "string" ? req.query.absent.split(",") : undefined;
    await sendRoomPage(web, req, res, pageRequest(req), { replyTo: req.query.reply, absent });
  });

  router.post("/rooms/:id/join", async (req, res) => {
    const room = await joinRoom(web.deps, userOf(res).id, idParam(req.params.id));
    res.redirect(303, `/rooms/${room.id}`);
  });

  router.post("/rooms/:id/leave", async (req, res) => {
    await leaveRoom(web.deps, userOf(res).id, idParam(req.params.id));
    res.redirect(303, "/rooms");
  });

  // Without script, this is how a room is marked read; with it, reading the page does it.
  router.post("/rooms/:id/read", async (req, res) => {
    const roomId = idParam(req.params.id);
    await markRoomRead(web.deps, userOf(res).id, roomId);
    const next = (req.body as Record<string, unknown>).next;
    res.redirect(303, next === undefined ? `/rooms/${roomId}` : safeNext(next));
  });

  // Without script, the link on a message leads here to confirm; with it, htmx posts directly.
  router.get("/rooms/:id/messages/:messageId/unread", async (req, res) => {
    const user = userOf(res);
    const room = await authorize(web.deps, user.id, idParam(req.params.id), "read");
    await web.page(req, res, "pages/mark-unread", {
      title: "Mark as unread",
      currentRoomId: room.id,
      room: presentRoom(room, user.id, web.deps.presence),
      messageId: idParam(req.params.messageId),
    });
  });

  router.post("/rooms/:id/messages/:messageId/unread", async (req, res) => {
    const roomId = idParam(req.params.id);
    await markUnreadFrom(web.deps, userOf(res).id, roomId, idParam(req.params.messageId));
    if (isHtmx(req)) res.status(204).end();
    else res.redirect(303, "/unread");
  });

  // A page of history as a fragment, for htmx: older pages swap in above (with their own loader or
  // the start of the room), newer ones below (with theirs), and `after` is also how a page catches up
  // after its socket was away. Without htmx, the same page as a whole room page.
  router.get("/rooms/:id/messages", async (req, res) => {
    const roomId = idParam(req.params.id);
    const request = pageRequest(req);
    if (!isHtmx(req) || "latest" in request) {
      const query = new URLSearchParams(req.query as Record<string, string>).toString();
      return res.redirect(303, `/rooms/${roomId}${query ? `?${query}` : ""}`);
    }
    const user = userOf(res);
    const granted = await authorize(web.deps, user.id, roomId, "read");
    const page = await historyPage(web.deps, granted, request);
    res
      .type("html")
      .send(renderHistoryPage(page, "before" in request ? "older" : "newer", presentRoom(granted, user.id, web.deps.presence), user));
  });

  // A message's permalink: the room around it, the message highlighted and focused. Opening it
  // reads the viewer's mention of it, before the page (its sidebar) is rendered.
  router.get("/rooms/:id/messages/:messageId", async (req, res) => {
    const messageId = idParam(req.params.messageId);
    await markMentionRead(web.deps, userOf(res).id, idParam(req.params.id), messageId);
    await sendRoomPage(web, req, res, { around: messageId });
  });

  // "Seen by …" on a message: a fragment for htmx, a page without script.
  router.get("/rooms/:id/messages/:messageId/seen", async (req, res) => {
    const user = userOf(res);
    const room = await authorize(web.deps, user.id, idParam(req.params.id), "read");
    const names = await seenBy(web.deps, user.id, room, idParam(req.params.messageId));
    if (names === null) throw new NotFoundError("Message not found");
    const seen = { text: seenByText(names) };
    if (isHtmx(req)) {
      res.type("html").send(render("partials/seen-by", seen));
      return;
    }
    await web.page(req, res, "pages/seen-by", {
      title: "Seen by",
      currentRoomId: room.id,
      room: presentRoom(room, user.id, web.deps.presence),
      messageId: idParam(req.params.messageId),
      ...seen,
    });
  });

  router.post("/rooms/:id/members", async (req, res) => {
    const roomId = idParam(req.params.id);
    try {
      await addMember(web.deps, userOf(res).id, roomId, req.body);
      res.redirect(303, `/rooms/${roomId}`);
    } catch (err) {
      if (!(err instanceof InvalidInputError)) throw err;
      const memberForm = { username: (req.body as Record<string, unknown>).username, error: err.errors.username };
      await sendRoomPage(web, req, res, pageRequest(req), { memberForm }, err.status);
    }
  });

  return router;
}
