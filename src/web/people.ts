import { Router, type Request, type Response } from "express";
import { chosenPeople, findPeople, openConversation, peopleByIds, PEOPLE_LIMIT } from "../domain/conversations.js";
import { InvalidInputError } from "../domain/errors.js";
import { presentPresence } from "../render/presence.js";
import { render } from "../render/engine.js";
import { isHtmx, userOf, type Web } from "./context.js";

/** The People page: everyone, searchable, with "Message" for one person and ticks for a group. */
export function peopleRouter(web: Web): Router {
  const router = Router();

  async function people(req: Request, res: Response, error?: string, status = 200): Promise<void> {
    const user = userOf(res);
    const input = { ...(req.query as Record<string, unknown>), ...(req.body as Record<string, unknown> | undefined) };
    // Ticked people stay ticked across searches (htmx sends them along), shown above the results.
    const chosenIds = chosenPeople(input).filter((id) => id !== user.id);
    let searchError: string | undefined;
    const search = findPeople(web.deps, user.id, req.query).catch((err: unknown) => {
      if (!(err instanceof InvalidInputError)) throw err;
      searchError = err.errors.q ?? err.message;
      status = err.status;
      return [];
    });
    const [found, chosen] = await Promise.all([search, peopleByIds(web.deps, chosenIds)]);
    const withPresence = <P extends { id: number; lastSeenAt: Date | null }>(p: P) => ({
      ...p,
      presence: presentPresence(web.deps.presence.state(p.id, p.lastSeenAt)),
    });
    const results = {
      chosen: chosen.map(withPresence),
      found: found.filter((p) => !chosenIds.includes(p.id)).map(withPresence),
      truncated: found.length === PEOPLE_LIMIT,
      error,
      searchError,
    };
    if (isHtmx(req) && req.method === "GET") {
      res
        .status(status)
        .type("html")
        .send(render("partials/people-results", { ...results, oob: true }));
      return;
    }
    const q = typeof req.query.q === "string" ? req.query.q : "";
    await web.page(req, res, "pages/people", { title: "People", currentPage: "people", watchPeople: true, q, ...results }, status);
  }

  router.get("/people", (req, res) => people(req, res));

  router.post("/conversations", async (req, res) => {
    try {
      const roomId = await openConversation(web.deps, userOf(res).id, req.body);
      res.redirect(303, `/rooms/${roomId}`);
    } catch (err) {
      if (!(err instanceof InvalidInputError)) throw err;
      await people(req, res, err.errors.people ?? err.message, err.status);
    }
  });

  return router;
}
