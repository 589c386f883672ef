import type { Request, Response } from "express";
import { authorize, may } from "../domain/access.js";
import { quotable } from "../domain/replies.js";
import { absentees } from "../domain/mentions.js";
import type { PageRequest } from "../domain/history.js";
import { idParam } from "../http/params.js";
import { presentRoomPage, type Draft, type MemberForm } from "../render/room-page.js";
import { userOf, type Web } from "./context.js";
import { uploadLimits } from "./uploads.js";

/**
 * Answers with the page of room `:id`: for the rooms router, and for a post refused without script
 * (the composer or the add-member form comes back with the input and its error). `replyTo` is what
 * the composer answers, as asked for (`?reply=`, a refused draft): quoted if it may be answered,
 * else left out, as a composer with no reply.
 */
export async function sendRoomPage(
  web: Web,
  req: Request,
  res: Response,
  request: PageRequest,
  forms: { draft?: Draft; memberForm?: MemberForm; replyTo?: unknown; absent?: string[] } = {},
  status = 200,
): Promise<void> {
  const user = userOf(res);
  const granted = await authorize(web.deps, user.id, idParam(req.params.id), "read");
  const { replyTo, absent, ...given } = forms;
  const mayPost = may("post", { room: granted, isMember: granted.isMember });
  const [reply, notAdded] = await Promise.all([
    mayPost && replyTo !== undefined ? quotable(web.deps, user, granted.id, replyTo) : null,
    mayPost && absent ? absentees(web.deps, granted, absent) : [],
  ]);
  const view = await presentRoomPage(web.deps, granted, user, request, {
    uploadLimits: uploadLimits(web.config),
    ...given,
    reply,
    absent: notAdded,
  });
  await web.page(req, res, "pages/room", view, status);
}
