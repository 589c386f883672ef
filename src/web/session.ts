import connectPgSimple from "connect-pg-simple";
import session from "express-session";
import type { RequestHandler } from "express";
import type { QueryPool } from "../db/client.js";

declare module "express-session" {
  interface SessionData {
    userId: number;
    csrfToken: string;
  }
}

const PgStore = connectPgSimple(session);

export const SESSION_COOKIE = "parley.sid";
const THIRTY_DAYS = 30 * 24 * 60 * 60 * 1000;

export interface Sessions {
  /** Shared by HTTP routes and the WebSocket upgrade. */
  middleware: RequestHandler;
  /** Stops the store's pruning timer; call before closing the database. */
  close(): Promise<void>;
}

export function createSessions(pool: QueryPool, secret: string): Sessions {
  // A session lasts 30 days from log-in. Not touching it on every request saves a database
  // write per request (each message post included).
  const store = new PgStore({ pool: pool as never, tableName: "session", createTableIfMissing: false, disableTouch: true });
  return {
    middleware: session({
      name: SESSION_COOKIE,
      secret,
      store,
      resave: false,
      saveUninitialized: false,
      cookie: { httpOnly: true, sameSite: "lax", secure: "auto", maxAge: THIRTY_DAYS },
    }),
    close: async () => {
      await store.close();
    },
  };
}
