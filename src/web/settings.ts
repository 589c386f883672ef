import { Router } from "express";
import { updateSettings } from "../domain/accounts.js";
import { InvalidInputError } from "../domain/errors.js";
import { userOf, type Web } from "./context.js";

export function settingsRouter(web: Web): Router {
  const router = Router();

  router.get("/settings", async (req, res) => {
    const user = userOf(res);
    const saved = req.query.saved === "1";
    await web.page(req, res, "pages/settings", { title: "Settings", currentPage: "settings", values: user, errors: {}, saved });
  });

  router.post("/settings", async (req, res) => {
    try {
      await updateSettings(web.deps, userOf(res).id, req.body);
      res.redirect(303, "/settings?saved=1");
    } catch (err) {
      if (!(err instanceof InvalidInputError)) throw err;
      const values = { ...userOf(res), shareReadReceipts: (req.body as Record<string, unknown>).shareReadReceipts === "on" };
      await web.page(req, res, "pages/settings", { title: "Settings", currentPage: "settings", values, errors: err.errors }, err.status);
    }
  });

  return router;
}
