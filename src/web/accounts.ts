import { Router, type Request, type RequestHandler } from "express";
import { logIn, sessionEnded, signUp, type User } from "../domain/accounts.js";
import { InvalidInputError } from "../domain/errors.js";
import { SESSION_COOKIE } from "./session.js";
import { safeNext } from "./auth.js";
import { currentUser, type Web } from "./context.js";

/** Destroys the session, or swaps it for a new one; a signed-in session's sockets are closed. */
async function endSession(web: Web, req: Request, how: "destroy" | "regenerate"): Promise<void> {
  const { userId } = req.session;
  const sessionId = req.sessionID;
  await new Promise<void>((resolve, reject) => req.session[how]((err) => (err ? reject(err) : resolve())));
  if (userId !== undefined) sessionEnded(web.deps, userId, sessionId);
}

/** A new session id at every login, so that a planted id is worth nothing. */
async function startSession(web: Web, req: Request, user: User): Promise<void> {
  await endSession(web, req, "regenerate");
  req.session.userId = user.id;
}

function formValues(body: unknown, fields: string[]): Record<string, string> {
  const source = (body ?? {}) as Record<string, unknown>;
  return Object.fromEntries(fields.map((f) => [f, typeof source[f] === "string" ? source[f] : ""]));
}

export function accountsRouter(web: Web, limits: { signUp: RequestHandler; logIn: RequestHandler }): Router {
  const router = Router();

  router.get("/signup", async (req, res) => {
    if (currentUser(res)) return res.redirect(303, "/");
    await web.page(req, res, "pages/signup", { title: "Create account", values: {}, errors: {} });
  });

  router.post("/signup", limits.signUp, async (req, res) => {
    try {
      const user = await signUp(web.deps, req.body);
      await startSession(web, req, user);
      res.redirect(303, "/");
    } catch (err) {
      if (!(err instanceof InvalidInputError)) throw err;
      const values = formValues(req.body, ["username", "displayName"]);
      await web.page(req, res, "pages/signup", { title: "Create account", values, errors: err.errors }, err.status);
    }
  });

  router.get("/login", async (req, res) => {
    if (currentUser(res)) return res.redirect(303, safeNext(req.query.next));
    await web.page(req, res, "pages/login", { title: "Log in", values: {}, next: safeNext(req.query.next) });
  });

  router.post("/login", limits.logIn, async (req, res) => {
    const user = await logIn(web.deps, req.body);
    const next = safeNext((req.body as Record<string, unknown>).next);
    if (user) {
      await startSession(web, req, user);
      return res.redirect(303, next);
    }
    await web.page(
      req,
      res,
      "pages/login",
      { title: "Log in", values: formValues(req.body, ["username"]), next, error: "Username or password is incorrect." },
      401,
    );
  });

  router.post("/logout", async (req, res) => {
    await endSession(web, req, "destroy");
    res.clearCookie(SESSION_COOKIE).redirect(303, "/login");
  });

  return router;
}
