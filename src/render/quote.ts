import type { Quoted } from "../domain/sql/messages.js";
import { at, idOf } from "./dom.js";

/** The message a reply answers, as a reply and the composer show it. */
export interface QuoteView {
  id: number;
  authorName: string;
  /** Its first line, or a word that it has none (only files). */
  text: string;
  /** Where it is: the room around it (a permalink). */
  permalink: string;
  deleted: boolean;
}

/** `quoted`, a message of room `roomId` (a reply's original is always of the reply's room). */
export function presentQuote(roomId: number, quoted: Quoted): QuoteView {
  return {
    id: quoted.id,
    authorName: quoted.authorName,
    text: quoted.firstLine || "(no text)",
    permalink: `/rooms/${roomId}/messages/${quoted.id}${at(idOf.message(quoted.id))}`,
    deleted: quoted.deleted,
  };
}
