import { randomUUID } from "node:crypto";
import compression from "compression";
import express, { type RequestHandler } from "express";
import helmet from "helmet";
import type { Logger } from "pino";
import { pinoHttp } from "pino-http";
import type { Config } from "./config.js";
import type { Deps } from "./domain/deps.js";
import { accountsRouter } from "./web/accounts.js";
import { assetsRouter } from "./web/assets.js";
import { formBodies } from "./web/bodies.js";
import { adminRouter } from "./web/admin.js";
import { loadUser, requireUser } from "./web/auth.js";
import { createWeb } from "./web/context.js";
import { Csrf } from "./web/csrf.js";
import { errorPages, notFound } from "./web/errors.js";
import { privateResponses, strictTransportSecurity } from "./web/headers.js";
import { healthRouter } from "./web/health.js";
import { rateLimits } from "./web/limits.js";
import { mentionSuggestionsRouter } from "./web/mention-suggestions.js";
import { messagesRouter } from "./web/messages.js";
import { peopleRouter } from "./web/people.js";
import { reactionsRouter } from "./web/reactions.js";
import { filesRouter } from "./web/files.js";
import { descriptionsRouter } from "./web/descriptions.js";
import { editsRouter } from "./web/edits.js";
import { deletionsRouter } from "./web/deletions.js";
import { roomsRouter } from "./web/rooms.js";
import { settingsRouter } from "./web/settings.js";
import { pushRouter } from "./web/push.js";
import { unreadRouter } from "./web/unread.js";
import { notificationLevelsRouter } from "./web/notification-levels.js";
import { mentionsRouter } from "./web/mentions.js";

export interface AppOptions {
  config: Config;
  deps: Deps;
  logger: Logger;
  session: RequestHandler;
  /** Signs the CSRF tokens of logged-out visitors. */
  sessionSecret: string;
  healthCheck: () => Promise<void>;
}

export function createApp({ config, deps, logger, session, sessionSecret, healthCheck }: AppOptions): express.Express {
  const app = express();
  const csrf = new Csrf(sessionSecret);
  const web = createWeb(deps, config, csrf);
  const limits = rateLimits(config, deps.db, logger);
  app.set("trust proxy", config.TRUST_PROXY);
  app.disable("x-powered-by");

  app.use(
    pinoHttp({
      logger,
      genReqId: (req, res) => {
        const incoming = req.headers["x-request-id"];
        const id = typeof incoming === "string" && /^[\w.-]{1,64}$/.test(incoming) ? incoming : randomUUID();
        res.setHeader("X-Request-Id", id);
        return id;
      },
      autoLogging: { ignore: (req) => req.url === "/healthz" },
    }),
  );
  // Brotli or gzip, as the browser allows, for whatever is text (pages, fragments, CSS, scripts):
  // the room page is a tenth of its size. Quality and level: see docs/performance.md.
  app.use(compression());
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          "default-src": ["'self'"],
          "script-src": ["'self'"],
          "style-src": ["'self'"],
          // blob: for the composer's previews of the files about to be sent.
          "img-src": ["'self'", "data:", "blob:"],
          "media-src": ["'self'", "blob:"],
          "connect-src": ["'self'"],
          "form-action": ["'self'"],
          "frame-ancestors": ["'none'"],
          "base-uri": ["'none'"],
          "object-src": ["'none'"],
          // Parley may be served over plain HTTP on a LAN; upgrading would break it there.
          "upgrade-insecure-requests": null,
        },
      },
      // "no-referrer" (helmet's default) makes Chromium send "Origin: null" on our own form posts;
      // "same-origin" keeps our Origin for the CSRF check and still tells other sites nothing.
      referrerPolicy: { policy: "same-origin" },
      // Sent by `strictTransportSecurity` below, only over HTTPS.
      strictTransportSecurity: false,
    }),
  );
  app.use(strictTransportSecurity);

  app.use("/healthz", healthRouter(healthCheck));
  app.use(assetsRouter());

  app.use(express.urlencoded({ extended: false, limit: "64kb", parameterLimit: 50 }));
  app.use(session);
  app.use(privateResponses);
  app.use(csrf.protection(config.PUBLIC_ORIGIN));
  app.use(loadUser(deps));
  app.use(formBodies);

  app.use(accountsRouter(web, limits));
  app.use(requireUser);
  app.use(roomsRouter(web));
  app.use(mentionSuggestionsRouter(web));
  app.use(messagesRouter(web, limits.messages));
  app.use(reactionsRouter(web, limits.messages));
  app.use(editsRouter(web, limits.messages));
  app.use(deletionsRouter(web, limits.messages));
  app.use(settingsRouter(web));
  app.use(pushRouter(web));
  app.use(unreadRouter(web));
  app.use(notificationLevelsRouter(web));
  app.use(mentionsRouter(web));
  app.use(peopleRouter(web));
  app.use(filesRouter(web));
  app.use(descriptionsRouter(web));
  app.use(adminRouter(web));

  app.use(notFound);
  app.use(errorPages(web));
  return app;
}
