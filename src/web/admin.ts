import { Router } from "express";
import { joinCodeFor, regenerateJoinCode } from "../domain/invitations.js";
import { requestOrigin, trustProxyOf } from "../http/origin.js";
import { userOf, type Web } from "./context.js";
import { joinPath } from "./paths.js";

/** The administration page: the join link, and a new one on request. Administrators only (404). */
export function adminRouter(web: Web): Router {
  const router = Router();

  router.get("/admin", async (req, res) => {
    const code = await joinCodeFor(web.deps, userOf(res));
    const origin = web.config.PUBLIC_ORIGIN ?? requestOrigin(req, trustProxyOf(req.app));
    await web.page(req, res, "pages/admin", {
      title: "Administration",
      currentPage: "admin",
      joinUrl: origin + joinPath(code),
      registration: web.config.REGISTRATION,
      regenerated: req.query.regenerated === "1",
    });
  });

  router.post("/admin/join-code", async (req, res) => {
    await regenerateJoinCode(web.deps, userOf(res));
    res.redirect(303, "/admin?regenerated=1");
  });

  return router;
}
