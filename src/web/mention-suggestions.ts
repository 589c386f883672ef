import { Router } from "express";
import { InvalidInputError } from "../domain/errors.js";
import { suggestMembers } from "../domain/mention-suggestions.js";
import { render } from "../render/engine.js";
import { presentSuggestions } from "../render/mention-suggestions.js";
import { idParam } from "../http/params.js";
import { userOf, type Web } from "./context.js";

/** What the composer offers after "@" (public/js/mention-suggestions.js asks as one types): the list's options. */
export function mentionSuggestionsRouter(web: Web): Router {
  const router = Router();

  router.get("/rooms/:id/mention-suggestions", async (req, res) => {
    const user = userOf(res);
    let status = 200;
    const found = await suggestMembers(web.deps, user, idParam(req.params.id), req.query).catch((err: unknown) => {
      if (!(err instanceof InvalidInputError)) throw err;
      // Refused, but still an empty list: htmx swaps a 422 in, and the list closes.
      status = err.status;
      return { room: false, members: [] };
    });
    res
      .status(status)
      .type("html")
      .send(render("partials/mention-suggestions", { options: presentSuggestions(found) }));
  });

  return router;
}
