import { Router, type Request, type RequestHandler, type Response } from "express";
import { logIn, sessionEnded, signUp, type User } from "../domain/accounts.js";
import { InvalidInputError, NotFoundError, TooManyAttemptsError } from "../domain/errors.js";
import { InvitationNeededError, isJoinCode, signUpIsOpen } from "../domain/invitations.js";
import { SESSION_COOKIE } from "./session.js";
import { safeNext } from "./auth.js";
import { currentUser, type Web } from "./context.js";
import { joinPath } from "./paths.js";

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

const invitationPages = {
  needed: {
    title: "Invitation needed",
    message: "This Parley is invite-only. Ask its administrator for a join link, and open it to create your account.",
  },
  invalid: {
    title: "Join link not valid",
    message: "This join link is wrong or has been replaced by a new one. Ask the administrator for the current link.",
  },
};

function formValues(body: unknown, fields: string[]): Record<string, string> {
  const source = (body ?? {}) as Record<string, unknown>;
  return Object.fromEntries(fields.map((f) => [f, typeof source[f] === "string" ? source[f] : ""]));
}

export function accountsRouter(web: Web, limits: { signUp: RequestHandler; logIn: RequestHandler }): Router {
  const router = Router();

  const registration = web.config.REGISTRATION;
  const signUpForm = (req: Request, res: Response, action: string, values: Record<string, string> = {}, errors = {}, status = 200) =>
    web.page(req, res, "pages/signup", { title: "Create account", action, values, errors }, status);
  const invitation = (req: Request, res: Response, reason: keyof typeof invitationPages, status: number) =>
    web.page(req, res, "pages/invitation", invitationPages[reason], status);

  /** Signs up from the form at `action` (with the join code it carries, if any), or shows why not. */
  async function signUpFrom(req: Request, res: Response, action: string, code?: string): Promise<void> {
    try {
      const user = await signUp(web.deps, req.body, { registration, code });
      await startSession(web, req, user);
      res.redirect(303, "/");
    } catch (err) {
      if (err instanceof InvitationNeededError) return invitation(req, res, "needed", 403);
      if (err instanceof NotFoundError) return invitation(req, res, "invalid", 404);
      if (!(err instanceof InvalidInputError)) throw err;
      await signUpForm(req, res, action, formValues(req.body, ["username", "displayName"]), err.errors, err.status);
    }
  }

  router.get("/signup", async (req, res) => {
    if (currentUser(res)) return res.redirect(303, "/");
    if (!(await signUpIsOpen(web.deps, registration))) return invitation(req, res, "needed", 200);
    await signUpForm(req, res, "/signup");
  });

  router.post("/signup", limits.signUp, (req, res) => signUpFrom(req, res, "/signup"));

  router.get("/join/:code", async (req, res) => {
    if (currentUser(res)) return res.redirect(303, "/");
    if (!(await isJoinCode(web.deps, req.params.code))) return invitation(req, res, "invalid", 404);
    await signUpForm(req, res, joinPath(req.params.code));
  });

  router.post("/join/:code", limits.signUp, (req, res) => {
    const code = String(req.params.code);
    return signUpFrom(req, res, joinPath(code), code);
  });

  router.get("/login", async (req, res) => {
    if (currentUser(res)) return res.redirect(303, safeNext(req.query.next));
    await web.page(req, res, "pages/login", { title: "Log in", values: {}, next: safeNext(req.query.next) });
  });

  router.post("/login", limits.logIn, async (req, res) => {
    const next = safeNext((req.body as Record<string, unknown>).next);
    const values = formValues(req.body, ["username"]);
    const refuse = (status: number, error?: string, errors?: Record<string, string>) =>
      web.page(req, res, "pages/login", { title: "Log in", values, next, error, errors }, status);
    try {
      const user = await logIn(web.deps, req.body);
      if (!user) return await refuse(401, "Username or password is incorrect.");
      await startSession(web, req, user);
      res.redirect(303, next);
    } catch (err) {
      if (err instanceof InvalidInputError) return await refuse(err.status, undefined, err.errors);
      if (!(err instanceof TooManyAttemptsError)) throw err;
      res.set("Retry-After", String(err.retryAfterSeconds));
      await refuse(429, err.message);
    }
  });

  router.post("/logout", async (req, res) => {
    await endSession(web, req, "destroy");
    res.clearCookie(SESSION_COOKIE).redirect(303, "/login");
  });

  return router;
}
