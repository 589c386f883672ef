import { Router, type Request, type RequestHandler } from "express";
import { logIn, signUp, type User } from "../domain/accounts.js";
import { InvalidInputError, TooManyAttemptsError } from "../domain/errors.js";
import { SESSION_COOKIE } from "./session.js";
import { safeNext } from "./auth.js";
import { currentUser, type Web } from "./context.js";

/** A new session id at every login, so that a planted id is worth nothing. */
async function startSession(req: Request, user: User): Promise<void> {
  await new Promise<void>((resolve, reject) => req.session.regenerate((err) => (err ? reject(err) : resolve())));
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
      await startSession(req, user);
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
    const next = safeNext((req.body as Record<string, unknown>).next);
    const refuse = (error: string, status: number) =>
      web.page(req, res, "pages/login", { title: "Log in", values: formValues(req.body, ["username"]), next, error }, status);
    try {
      const user = await logIn(web.deps, req.body);
      if (!user) return await refuse("Username or password is incorrect.", 401);
      await startSession(req, user);
      res.redirect(303, next);
    } catch (err) {
      if (!(err instanceof TooManyAttemptsError)) throw err;
      res.set("Retry-After", String(err.retryAfterSeconds));
      await refuse(err.message, 429);
    }
  });

  router.post("/logout", async (req, res) => {
    await new Promise<void>((resolve, reject) => req.session.destroy((err) => (err ? reject(err) : resolve())));
    res.clearCookie(SESSION_COOKIE).redirect(303, "/login");
  });

  return router;
}
