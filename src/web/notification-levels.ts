import { Router } from "express";
import { z } from "zod";
import { setNotificationLevel } from "../domain/notification-levels.js";
import { idParam } from "../http/params.js";
import { render } from "../render/engine.js";
import { presentLevelForm, ROOM_LABEL, settingsLabel } from "../render/notification-levels.js";
import { presentRoom } from "../render/rooms.js";
import { isHtmx, userOf, type Web } from "./context.js";

const returnTo = z.enum(["room", "settings"]).catch("room");

export function notificationLevelsRouter(web: Web): Router {
  const router = Router();

  // A bad level is a 422 from the domain (the error page says why); a room not theirs is 404.
  router.post("/rooms/:id/notifications", async (req, res) => {
    const roomId = idParam(req.params.id);
    const user = userOf(res);
    const { room, level } = await setNotificationLevel(web.deps, user.id, roomId, req.body);
    const back = returnTo.parse((req.body as Record<string, unknown>).return);
    if (!isHtmx(req)) return res.redirect(303, back === "settings" ? "/settings?saved=1#notifications" : `/rooms/${roomId}`);
    const label = back === "settings" ? settingsLabel(presentRoom(room, user.id, web.deps.presence)) : ROOM_LABEL;
    res.type("html").send(render("partials/notification-level", presentLevelForm(roomId, level, label, back, true)));
  });

  return router;
}
