import { Router } from "express";
import { markAllRead, UNREAD_PAGE_LIMIT, unreadMessages } from "../domain/reading.js";
import { presentMessage, type MessageView } from "../render/message.js";
import { presentRoom, type RoomView } from "../render/rooms.js";
import { userOf, type Web } from "./context.js";

interface RoomGroup {
  room: RoomView;
  messages: MessageView[];
}

export function unreadRouter(web: Web): Router {
  const router = Router();

  router.get("/unread", async (req, res) => {
    const user = userOf(res);
    const messages = await unreadMessages(web.deps, user.id);
    const groups: RoomGroup[] = [];
    for (const m of messages) {
      if (groups.at(-1)?.room.id !== m.roomId) groups.push({ room: presentRoom(m.room, user.id, web.deps.presence), messages: [] });
      groups.at(-1)!.messages.push(presentMessage(m, user));
    }
    await web.page(req, res, "pages/unread", {
      title: "Unread",
      currentPage: "unread",
      groups,
      truncated: messages.length === UNREAD_PAGE_LIMIT,
    });
  });

  router.post("/unread/read-all", async (_req, res) => {
    await markAllRead(web.deps, userOf(res).id);
    res.redirect(303, "/unread");
  });

  return router;
}
