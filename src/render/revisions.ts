import type { Revision } from "../domain/message-edits.js";
import type { Message } from "../domain/sql/messages.js";
import { renderBody } from "../formatting/markdown.js";
import { timeLabels, type TimeLabels } from "./message.js";

export interface VersionView extends TimeLabels {
  current: boolean;
  /** From our renderer, as a message's text is (rendered here: earlier versions are seldom read). */
  bodyHtml: string;
}

/** A message's versions, newest (the current text) first. */
export function presentVersions(message: Message, revisions: Revision[]): VersionView[] {
  const current = { ...timeLabels(message.editedAt ?? message.createdAt), current: true, bodyHtml: renderBody(message.body) };
  const earlier = revisions.map((r) => ({ ...timeLabels(r.writtenAt), current: false, bodyHtml: renderBody(r.body) }));
  return [current, ...earlier.reverse()];
}
