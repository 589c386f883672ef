import { Router, type Request } from "express";
import { InvalidInputError } from "../domain/errors.js";
import { markAllMentionsRead, mentionsOf } from "../domain/mentions-page.js";
import { idParam } from "../http/params.js";
import { presentMentions, renderOlderMentions } from "../render/mentions.js";
import { isHtmx, userOf, type Web } from "./context.js";

/** `?before=ID`: the page older than that message; anything else but an id is refused. */
function beforeOf(req: Request): number | undefined {
  const before = (req.query as Record<string, unknown>).before;
  if (before === undefined) return undefined;
  const id = idParam(before);
  if (id < 0) throw new InvalidInputError({ before: "“before” must be the id of a message." }, 400);
  return id;
}

export function mentionsRouter(web: Web): Router {
  const router = Router();

  // With htmx, an older page is a fragment for the end of the list; without, the page itself.
  router.get("/mentions", async (req, res) => {
    const user = userOf(res);
    const before = beforeOf(req);
    const view = presentMentions(await mentionsOf(web.deps, user.id, { before }), user, web.deps.presence);
    // The same address answers a fragment or a page: a cache must tell them apart.
    res.vary("HX-Request");
    if (isHtmx(req) && before !== undefined) {
      res.type("html").send(renderOlderMentions(view));
      return;
    }
    await web.page(req, res, "pages/mentions", { title: "Mentions", currentPage: "mentions", older: before !== undefined, ...view });
  });

  router.post("/mentions/read", async (_req, res) => {
    await markAllMentionsRead(web.deps, userOf(res).id);
    res.redirect(303, "/mentions");
  });

  return router;
}
