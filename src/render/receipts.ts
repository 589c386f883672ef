import type { Receipt } from "../domain/reading.js";
import { initials } from "./avatar.js";
import { render } from "./engine.js";
import { outOfBand, timeLabels, type TimeLabels } from "./message.js";
import { at, idOf } from "./dom.js";
import { joinNames } from "./rooms.js";

export interface ReceiptView {
  userId: number;
  displayName: string;
  initials: string;
  direct: boolean;
  readAt?: TimeLabels;
}

export function presentReceipt(r: Receipt): ReceiptView {
  return {
    userId: r.userId,
    displayName: r.displayName,
    initials: initials(r.displayName),
    direct: r.direct,
    ...(r.readAt && { readAt: timeLabels(r.readAt) }),
  };
}

/** Receipts grouped by the message they sit at, leaving out the viewer's own. */
export function receiptsByMessage(all: Receipt[], viewerId: number): Map<number, ReceiptView[]> {
  const byMessage = new Map<number, ReceiptView[]>();
  for (const r of all) {
    if (r.userId === viewerId) continue;
    byMessage.set(r.at, [...(byMessage.get(r.at) ?? []), presentReceipt(r)]);
  }
  return byMessage;
}

/** Moves one reader's receipt: removed wherever it was, added under the message it now sits at. */
export function renderReceiptMove(r: Receipt): string {
  return (
    `<span id="${idOf.receipt(r.userId)}" hx-swap-oob="delete"></span>` +
    outOfBand("beforeend", at(idOf.receipts(r.at)), render("partials/receipt", presentReceipt(r)))
  );
}

/** "Seen by …" on a message: who has read it, by name (see seenBy). */
export function seenByText(names: string[]): string {
  return names.length ? `Seen by ${joinNames(names)}` : "No one else has seen this yet.";
}
