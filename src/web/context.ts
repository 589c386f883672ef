import type { Request, Response } from "express";
import type { Config } from "../config.js";
import type { User } from "../domain/accounts.js";
import type { Deps } from "../domain/deps.js";
import { roomsOf } from "../domain/rooms.js";
import { render } from "../render/engine.js";
import { presentRoom } from "../render/rooms.js";
import type { Csrf } from "./csrf.js";

export interface PageData {
  title: string;
  currentRoomId?: number;
  currentPage?: string;
  [key: string]: unknown;
}

/** What every router gets: the domain's dependencies, the configuration, and the page renderer. */
export interface Web {
  deps: Deps;
  config: Config;
  csrf: Csrf;
  page(req: Request, res: Response, template: string, data: PageData, status?: number): Promise<void>;
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
      const mine = user ? await roomsOf(deps, user.id, user.sidebarOrder) : [];
      const sidebar = mine.map((room) => presentRoom(room, user!.id, deps.presence));
      const conversations = sidebar.filter((room) => room.kind !== "room");
      // Conversations have no name of their own to sort by in the query: their label is per viewer.
      if (user?.sidebarOrder === "alphabetical") conversations.sort((a, b) => a.label.localeCompare(b.label, "en"));
      const unreadTotal = mine.reduce((sum, room) => sum + room.unread, 0);
      const html = render(template, {
        user,
        sidebarRooms: sidebar.filter((room) => room.kind === "room"),
        sidebarConversations: conversations,
        unreadTotal,
        csrfToken: csrf.token(req, res),
        ...data,
      });
      res.status(status).type("html").send(html);
    },
  };
}
