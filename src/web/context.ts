import type { Request, Response } from "express";
import type { Config } from "../config.js";
import type { User } from "../domain/accounts.js";
import type { Deps } from "../domain/deps.js";
import { roomsOf } from "../domain/rooms.js";
import { render } from "../render/engine.js";
import { presentSidebar } from "../render/sidebar.js";
import { presentTotals } from "../render/unread.js";
import type { Csrf } from "./csrf.js";

/** What every page's data has (the layout and the sidebar read these); the rest is the template's own. */
export interface PageData {
  title: string;
  currentRoomId?: number;
  currentPage?: string;
}

/** What every router gets: the domain's dependencies, the configuration, and the page renderer. */
export interface Web {
  deps: Deps;
  config: Config;
  csrf: Csrf;
  page<D extends PageData>(req: Request, res: Response, template: string, data: D, status?: number): Promise<void>;
}

export function currentUser(res: Response): User | undefined {
  return res.locals.user as User | undefined;
}

/** For routes behind `requireUser`. */
export function userOf(res: Response): User {
  const user = currentUser(res);
  if (!user) throw new Error("userOf() used on a route without requireUser");
  return user;
}

export function isHtmx(req: Request): boolean {
  return req.get("hx-request") === "true";
}

export function createWeb(deps: Deps, config: Config, csrf: Csrf): Web {
  return {
    deps,
    config,
    csrf,
    async page(req, res, template, data, status = 200) {
      const user = currentUser(res);
      const sidebar = user ? presentSidebar(await roomsOf(deps, user.id, user.sidebarOrder), user, deps.presence) : undefined;
      const html = render(template, {
        user,
        sidebarRooms: sidebar?.rooms ?? [],
        sidebarConversations: sidebar?.conversations ?? [],
        unreadTotal: presentTotals(sidebar?.unreadTotal ?? { unread: 0, urgent: 0 }),
        csrfToken: csrf.token(req, res),
        ...data,
      });
      res.status(status).type("html").send(html);
    },
  };
}
