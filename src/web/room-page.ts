import type { Request, Response } from "express";
import { authorize } from "../domain/access.js";
import type { PageRequest } from "../domain/history.js";
import { idParam } from "../http/params.js";
import { presentRoomPage, type Draft, type MemberForm } from "../render/room-page.js";
import { userOf, type Web } from "./context.js";
import { uploadLimits } from "./uploads.js";

/**
 * Answers with the page of room `:id`: for the rooms router, and for a post refused without script
 * (the composer or the add-member form comes back with the input and its error).
 */
export async function sendRoomPage(
  web: Web,
  req: Request,
  res: Response,
  request: PageRequest,
  forms: { draft?: Draft; memberForm?: MemberForm } = {},
  status = 200,
): Promise<void> {
  const user = userOf(res);
  const granted = await authorize(web.deps, user.id, idParam(req.params.id), "read");
  const view = await presentRoomPage(web.deps, granted, user, request, { uploadLimits: uploadLimits(web.config), ...forms });
  await web.page(req, res, "pages/room", view, status);
}
