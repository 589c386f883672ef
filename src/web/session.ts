import connectPgSimple from "connect-pg-simple";
import session from "express-session";
import type { QueryPool } from "../db/client.js";

declare module "express-session" {
  interface SessionData {
    userId: number;
    csrfToken: string;
  }
}

const PgStore = connectPgSimple(session);

export const SESSION_COOKIE = "parley.sid";

/** One session middleware, shared by HTTP routes and the WebSocket upgrade. */
export function sessionMiddleware(pool: QueryPool, secret: string) {
  return session({
    name: SESSION_COOKIE,
    secret,
    store: new PgStore({ pool: pool as never, tableName: "session", createTableIfMissing: false }),
    resave: false,
    saveUninitialized: false,
    rolling: true,
    cookie: { httpOnly: true, sameSite: "lax", secure: "auto", maxAge: 30 * 24 * 60 * 60 * 1000 },
  });
}
