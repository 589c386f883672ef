import { Router } from "express";
import { asset, assetFile, assetVersion, DOM_MODULE } from "../render/assets.js";
import { domModule } from "../render/dom-module.js";

const YEAR_S = 365 * 24 * 60 * 60;

/**
 * The static files under /assets/<version>/ (src/render/assets.ts): for a year, immutable, when the
 * version is the current one; a page from before a restart asks for an older one, and gets today's
 * file, to be checked again next time. Then what browsers ask for by a fixed name: the icon and the
 * web app manifest (so Parley can be added to a home screen).
 */
export function assetsRouter(): Router {
  const router = Router();
  router.get("/assets/:version/*name", (req, res, next) => {
    const name = req.params.name.join("/");
    const file = assetFile(name);
    if (!file && name !== DOM_MODULE) return next();
    res.set("Cache-Control", req.params.version === assetVersion ? `public, max-age=${YEAR_S}, immutable` : "no-cache");
    if (!file) return void res.type("text/javascript").send(domModule());
    res.sendFile(file, { cacheControl: false });
  });
  // Never the log-in redirect: a missing file is missing for everyone.
  router.use("/assets", (_req, res) => void res.sendStatus(404));
  router.get("/favicon.ico", (_req, res) => {
    res.set("Cache-Control", "public, max-age=86400").sendFile(assetFile("icons/favicon.ico")!, { cacheControl: false });
  });
  // The same for the life of the process: its icons are named under the version.
  const manifest = JSON.stringify({
    id: "/",
    name: "Parley",
    short_name: "Parley",
    description: "Team chat",
    start_url: "/",
    scope: "/",
    display: "standalone",
    background_color: "#ffffff",
    theme_color: "#4338ca",
    icons: [
      { src: asset("icons/icon-192.png"), sizes: "192x192", type: "image/png" },
      { src: asset("icons/icon-512.png"), sizes: "512x512", type: "image/png" },
      { src: asset("icons/icon-maskable-512.png"), sizes: "512x512", type: "image/png", purpose: "maskable" },
      { src: asset("icons/parley.svg"), sizes: "any", type: "image/svg+xml" },
    ],
  });
  // At the root, so that its scope is the whole site; checked again on every registration.
  router.get("/service-worker.js", (_req, res) => {
    res
      .type("text/javascript")
      .set({ "Cache-Control": "no-cache", "Service-Worker-Allowed": "/" })
      .sendFile(assetFile("service-worker.js")!, { cacheControl: false });
  });
  router.get("/manifest.webmanifest", (_req, res) => {
    res.type("application/manifest+json").set("Cache-Control", "no-cache").send(manifest);
  });
  return router;
}
