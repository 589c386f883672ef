import { linkifyit } from "linkify-it";
import type { Message } from "../domain/messages.js";
import { render } from "./engine.js";

// Bare domains ("example.org") are linked too, as people expect from chat.
const linkify = linkifyit({ fuzzyLink: true });
const linkSchemes = new Set(["http:", "https:", "mailto:", ""]);

export interface BodyPart {
  text: string;
  href?: string;
}

/** Splits a body into text and links; the template escapes both, so no user markup survives. */
export function bodyParts(body: string): BodyPart[] {
  const parts: BodyPart[] = [];
  let at = 0;
  for (const match of linkify.match(body) ?? []) {
    if (!linkSchemes.has(match.schema.toLowerCase())) continue;
    if (match.index > at) parts.push({ text: body.slice(at, match.index) });
    parts.push({ text: match.raw, href: match.url });
    at = match.lastIndex;
  }
  if (at < body.length) parts.push({ text: body.slice(at) });
  return parts;
}

const timeOfDay = new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", timeZone: "UTC" });
const fullDate = new Intl.DateTimeFormat("en-GB", { dateStyle: "full", timeStyle: "short", timeZone: "UTC" });

/** A moment as the server renders it (UTC; `public/app.js` shows it in the reader's time zone). */
export interface TimeLabels {
  iso: string;
  time: string;
  fullTime: string;
}

export function timeLabels(at: Date): TimeLabels {
  return { iso: at.toISOString(), time: `${timeOfDay.format(at)} UTC`, fullTime: `${fullDate.format(at)} UTC` };
}

export interface MessageView extends TimeLabels {
  id: number;
  roomId: number;
  authorName: string;
  authorUsername: string;
  parts: BodyPart[];
}

export function presentMessage(m: Message): MessageView {
  return {
    id: m.id,
    roomId: m.roomId,
    authorName: m.author.displayName,
    authorUsername: m.author.username,
    ...timeLabels(m.createdAt),
    parts: bodyParts(m.body),
  };
}

/** The message partial: the same HTML for a page load and for a push. */
export function renderMessage(m: Message): string {
  return render("partials/message", presentMessage(m));
}

/** Wraps rendered HTML so htmx swaps it out of band into `target`. */
export function outOfBand(swap: "beforeend" | "afterbegin" | "outerHTML" | "innerHTML", target: string, html: string): string {
  return `<div hx-swap-oob="${swap}:${target}">${html}</div>`;
}
