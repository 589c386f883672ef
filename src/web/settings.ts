import { Router, type Request, type Response } from "express";
import { updateSettings, type User } from "../domain/accounts.js";
import { InvalidInputError } from "../domain/errors.js";
import { devicesOf } from "../domain/push-subscriptions.js";
import { timeLabels } from "../render/message.js";
import { levelsOf } from "../domain/notification-levels.js";
import { presentLevelForm, settingsLabel } from "../render/notification-levels.js";
import { presentRoom } from "../render/rooms.js";
import { userOf, type Web } from "./context.js";

export function settingsRouter(web: Web): Router {
  const router = Router();

  /**
   * The Settings page: the person's settings (as saved, or as refused), their rooms' notification
   * levels, and their devices with Web Push (and what the last action on them did).
   */
  async function settingsPage(req: Request, res: Response, values: User, errors: Record<string, string> = {}, status = 200) {
    const user = userOf(res);
    const [rooms, devices] = await Promise.all([levelsOf(web.deps, user.id), devicesOf(web.deps, user.id)]);
    const levels = rooms.map(({ room, level }) =>
      presentLevelForm(room.id, level, settingsLabel(presentRoom(room, user.id, web.deps.presence)), "settings"),
    );
    const saved = req.query.saved === "1";
    const query = req.query as Record<string, unknown>;
    const notifications = {
      publicKey: web.deps.pushes.publicKey,
      devices: devices.map((d) => ({ ...d, added: timeLabels(d.createdAt) })),
      tested: typeof query.tested === "string" && /^\d{1,4}$/.test(query.tested) ? Number(query.tested) : null,
      removed: query.removed === "1",
    };
    await web.page(
      req,
      res,
      "pages/settings",
      { title: "Settings", currentPage: "settings", values, errors, saved, levels, notifications },
      status,
    );
  }

  router.get("/settings", async (req, res) => settingsPage(req, res, userOf(res)));

  router.post("/settings", async (req, res) => {
    try {
      await updateSettings(web.deps, userOf(res).id, req.body);
      res.redirect(303, "/settings?saved=1");
    } catch (err) {
      if (!(err instanceof InvalidInputError)) throw err;
      const body = req.body as Record<string, unknown>;
      const values = {
        ...userOf(res),
        shareReadReceipts: body.shareReadReceipts === "on",
        muteRoomMentions: body.muteRoomMentions === "on",
        notificationText: body.notificationText === "on",
      };
      await settingsPage(req, res, values, err.errors, err.status);
    }
  });

  return router;
}
