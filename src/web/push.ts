import { Router } from "express";
import { sendTestPush, subscribe, unsubscribe } from "../domain/push-subscriptions.js";
import { idParam } from "../http/params.js";
import { userOf, type Web } from "./context.js";
import { deviceLabel } from "./device-label.js";

/** Web Push devices: Settings' script subscribes this browser; removing one and the test are forms. */
export function pushRouter(web: Web): Router {
  const router = Router();

  // Posted by public/js/notifications.js (the subscription has to come from the browser's script).
  router.post("/push/subscriptions", async (req, res) => {
    await subscribe(web.deps, userOf(res).id, req.body, deviceLabel(req.get("user-agent")));
    res.status(204).end();
  });

  router.post("/push/subscriptions/:id/delete", async (req, res) => {
    await unsubscribe(web.deps, userOf(res).id, idParam(req.params.id));
    res.redirect(303, "/settings?removed=1#device-notifications");
  });

  router.post("/push/test", async (_req, res) => {
    const sent = await sendTestPush(web.deps, userOf(res).id);
    res.redirect(303, `/settings?tested=${sent}#device-notifications`);
  });

  return router;
}
