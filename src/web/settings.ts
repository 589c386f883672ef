import { Router } from "express";
import type { Request, Response } from "express";
import { updateSettings } from "../domain/accounts.js";
import { devicesOf } from "../domain/push-subscriptions.js";
import { InvalidInputError } from "../domain/errors.js";
import { timeLabels } from "../render/message.js";
import { userOf, type Web } from "./context.js";

export function settingsRouter(web: Web): Router {
  const router = Router();

  // What the page shows besides the form: this person's devices, and what the last action did.
  const page = async (req: Request, res: Response, view: Record<string, unknown>, status?: number) => {
    const query = req.query as Record<string, unknown>;
    const tested = typeof query.tested === "string" && /^\d{1,4}$/.test(query.tested) ? Number(query.tested) : null;
    const notifications = {
      publicKey: web.deps.pushes.publicKey,
      devices: (await devicesOf(web.deps, userOf(res).id)).map((d) => ({ ...d, added: timeLabels(d.createdAt) })),
      tested,
      removed: query.removed === "1",
    };
    await web.page(req, res, "pages/settings", { title: "Settings", currentPage: "settings", notifications, ...view }, status);
  };

  router.get("/settings", async (req, res) => {
    await page(req, res, { values: userOf(res), errors: {}, saved: req.query.saved === "1" });
  });

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
        notificationText: body.notificationText === "on",
      };
      await page(req, res, { values, errors: err.errors }, err.status);
    }
  });

  return router;
}
