import { isEmojiOnly, renderBody } from "../formatting/markdown.js";
import { messageAbilities, messageAccess, type Actor, type MessageAbilities } from "../domain/access.js";
import type { Attachment } from "../domain/sql/attachments.js";
import type { Message } from "../domain/sql/messages.js";
import { presentAvatar, type AvatarView } from "./avatar.js";
import { at, id, idOf } from "./dom.js";
import { render } from "./engine.js";
import { memo } from "./memo.js";
import { presentReactions, type ReactionView } from "./reactions.js";
import { presentQuote, type QuoteView } from "./quote.js";

/**
 * A message's text as HTML: what it stored when it was written, or, for a message older than
 * formatting that no page of history has shown yet (domain/body-html.ts stores it then), rendered
 * now (bodies never change but by an edit, which stores its own).
 */
const renderedLater = memo(10_000, renderBody);
const bodyHtmlOf = (m: Message) => (m.deletedAt ? "" : (m.bodyHtml ?? renderedLater(m.body)));

const timeOfDay = new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", timeZone: "UTC" });
const fullDate = new Intl.DateTimeFormat("en-GB", { dateStyle: "full", timeStyle: "short", timeZone: "UTC" });

/** A moment as the server renders it (UTC; `public/app.js` shows it in the reader's time zone). */
export interface TimeLabels {
  iso: string;
  time: string;
  fullTime: string;
}

// Formatting a date is among the dearest steps of presenting a message, and a page shows the same
// moments again and again: each is formatted once (by its millisecond), and the labels shared.
const labelsAt = memo(10_000, (ms: number): TimeLabels => {
  const at = new Date(ms);
  return Object.freeze({ iso: at.toISOString(), time: `${timeOfDay.format(at)} UTC`, fullTime: `${fullDate.format(at)} UTC` });
});

export function timeLabels(at: Date): TimeLabels {
  return labelsAt(at.getTime());
}

export interface AttachmentView {
  id: number;
  kind: "image" | "video";
  url: string;
  downloadUrl: string;
  fileName: string;
  /** What the image is, for screen readers; "Image, no description" when the author gave none. */
  alt: string;
  described: boolean;
  /** For whoever may describe an image with no description (its author): the way to add one. */
  describeUrl: string | null;
  thumbUrl: string | null;
  posterUrl: string | null;
  width: number | null;
  height: number | null;
}

// How large an attachment shows inline: within this box, keeping its proportions.
const INLINE_BOX = { width: 384, height: 320 };

function fitInline(width: number | null, height: number | null): { width: number | null; height: number | null } {
  if (!width || !height) return { width: null, height: null };
  const scale = Math.min(1, INLINE_BOX.width / width, INLINE_BOX.height / height);
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

export function presentAttachment(a: Attachment, mayDescribe = false): AttachmentView {
  const url = `/files/${a.id}`;
  const image = a.kind === "image";
  return {
    id: a.id,
    kind: a.kind,
    url,
    downloadUrl: `${url}?download`,
    fileName: a.fileName,
    alt: a.alt ?? "Image, no description",
    described: a.alt !== null,
    describeUrl: mayDescribe && image && a.alt === null ? `/attachments/${a.id}/description` : null,
    thumbUrl: image ? `${url}/thumb` : null,
    posterUrl: a.hasPoster ? `${url}/poster` : null,
    // Set on the element so that the page does not jump when the file arrives.
    ...(image ? fitInline(a.thumbWidth, a.thumbHeight) : fitInline(a.width, a.height)),
  };
}

/** Someone with no relation to a message but membership of its room. */
const nobody: Actor = { id: 0, isAdmin: false };

export interface MessageView extends TimeLabels {
  id: number;
  roomId: number;
  /** The message's own page (the room around it), and the base of its actions' paths. */
  permalink: string;
  permalinkBase: string;
  authorId: number;
  authorName: string;
  /** What the viewer may do with it. */
  can: MessageAbilities;
  edited: TimeLabels | null;
  deleted: boolean;
  /** Its last change's number: a page keeps the newer of two renders that race (public/js/reaction-picker.js). */
  change: number;
  avatar: AvatarView;
  authorUsername: string;
  /** What it answers, if it is a reply. */
  replyTo: QuoteView | null;
  /** It mentions the viewer (by name, or by `@room` unless they mute it): marked for them. */
  mentionsYou: boolean;
  /** The text as HTML, from our renderer: the one thing a template outputs unescaped. */
  bodyHtml: string;
  emojiOnly: boolean;
  attachments: AttachmentView[];
  /** Its reactions, the viewer's marked (none on a deleted message). */
  reactions: ReactionView[];
}

/** A message's own page, at the message: where its actions return to without script. */
export const permalinkOf = (roomId: number, messageId: number) => `/rooms/${roomId}/messages/${messageId}${at(idOf.message(messageId))}`;

/**
 * `viewer`: who the render is for (what they may do with it shows); without one, a render for
 * someone who is neither its author nor an administrator.
 */
export function presentMessage(m: Message, viewer?: Actor): MessageView {
  const can = messageAbilities(messageAccess(viewer ?? nobody, { roomId: m.roomId, authorId: m.author.id, deletedAt: m.deletedAt }));
  const permalinkBase = `/rooms/${m.roomId}/messages/${m.id}`;
  return {
    id: m.id,
    roomId: m.roomId,
    permalinkBase,
    permalink: permalinkOf(m.roomId, m.id),
    authorId: m.author.id,
    authorName: m.author.displayName,
    can,
    edited: m.editedAt && !m.deletedAt ? timeLabels(m.editedAt) : null,
    deleted: m.deletedAt !== null,
    change: m.changeSeq ?? 0,
    avatar: presentAvatar(m.author.id, m.author.displayName),
    authorUsername: m.author.username,
    // A tombstone says nothing more, not even what it answered.
    replyTo: m.replyTo && !m.deletedAt ? presentQuote(m.roomId, m.replyTo) : null,
    ...timeLabels(m.createdAt),
    mentionsYou: viewer !== undefined && !m.deletedAt && m.mentions.includes(viewer.id),
    bodyHtml: bodyHtmlOf(m),
    emojiOnly: isEmojiOnly(m.body),
    attachments: m.attachments.map((a) => presentAttachment(a, can.describe)),
    reactions: m.deletedAt ? [] : presentReactions(m.reactions, viewer?.id),
  };
}

/** Whether a message reads differently to its author (who is asked to describe their images). */
export function differsForAuthor(m: Message): boolean {
  return m.attachments.some((a) => a.kind === "image" && a.alt === null);
}

/** A message's attachments again, after one was described: swapped in place, receipts untouched. */
export function renderAttachmentsPush(m: Message, viewer?: Actor): string {
  return render("partials/attachments", { ...presentMessage(m, viewer), oob: true });
}

/** The parts of a message a change swaps in place, by the partial that renders each. */
const partials = { content: "partials/message-content", reactions: "partials/reactions", actions: "partials/message-actions" };
export type MessagePart = keyof typeof partials;
export const everyPart: readonly MessagePart[] = ["content", "reactions", "actions"];

/**
 * Parts of a message again after it changed, each swapped in place out of band: its place in the
 * timeline, its grouping and its receipts stay as they are.
 */
export function renderMessageParts(m: Message, parts: readonly MessagePart[], viewer?: Actor): string {
  const view = { ...presentMessage(m, viewer), oob: true };
  return parts.map((part) => render(partials[part], view)).join("");
}

/**
 * A changed message whole again, in place. A deleted one also leaves the announcer, and the replies
 * on the page that quote it say that it was deleted.
 */
export function renderChangedMessage(m: Message, viewer?: Actor): string {
  const parts = renderMessageParts(m, everyPart, viewer);
  if (!m.deletedAt) return parts;
  const quote = render(
    "partials/reply-quote",
    presentQuote(m.roomId, { id: m.id, authorName: m.author.displayName, firstLine: "", deleted: true }),
  );
  return parts + `<p id="${idOf.announcement(m.id)}" hx-swap-oob="delete"></p>` + outOfBand("outerHTML", quotesOf(m.id), quote);
}

/** Every quote of a message on the page, in the replies that answer it. */
const quotesOf = (messageId: number) => `[data-quotes='${messageId}']`;

/** How much of a message's text its announcement reads: enough to know what it is about. */
const ANNOUNCED_CHARS = 200;

/**
 * A message from someone else as a screen reader announces it (only its author and text, not its
 * time, links and actions), appended to the page's one live region. A reply names whom it answers
 * ("Bob, replying to Alice: …"), not what: the quote is a Tab away, and the line stays short.
 */
export function renderAnnouncement(m: Message): string {
  const chars = [...m.body];
  let text = chars.length > ANNOUNCED_CHARS ? `${chars.slice(0, ANNOUNCED_CHARS).join("")}…` : m.body;
  const files = m.attachments.length;
  if (files) text += `${text ? " " : ""}(${files === 1 ? "1 file" : `${files} files`})`;
  return outOfBand("beforeend", at(id.announcer), render("partials/announcement", { id: m.id, author: announcedAuthor(m), text }));
}

function announcedAuthor(m: Message): string {
  const answered = m.replyTo && !m.replyTo.deleted ? m.replyTo.authorName : null;
  return answered === null ? m.author.displayName : `${m.author.displayName}, replying to ${answered}`;
}

/** Wraps rendered HTML so htmx swaps it out of band into `target`. */
export function outOfBand(swap: "beforeend" | "afterbegin" | "outerHTML" | "innerHTML", target: string, html: string): string {
  return `<div hx-swap-oob="${swap}:${target}">${html}</div>`;
}
