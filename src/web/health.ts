import { Router } from "express";

export function healthRouter(check: () => Promise<void>): Router {
  const router = Router();
  router.get("/", async (req, res) => {
    try {
      await check();
      res.json({ status: "ok" });
    } catch (err) {
      req.log.warn({ err }, "health check failed");
      res.status(503).json({ status: "unavailable" });
    }
  });
  return router;
}
