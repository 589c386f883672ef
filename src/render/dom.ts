import { PAGE_SIZE } from "../domain/history.js";
import { SUGGESTION_QUERY_MAX } from "../domain/mention-suggestions.js";

/**
 * The DOM contract: the ids, out-of-band targets, custom events and sizes that templates, pushes and
 * the page's script must agree on. Templates read it as `dom`; the script imports the same values
 * from js/dom.js (src/render/dom-module.ts), so no name is spelled twice. Ids that only tie a label
 * to its field inside one template are not part of it.
 */
export const id = {
  main: "main",
  // The room's timeline (partials/room-timeline): the loaders, history pages and the live list.
  timeline: "timeline",
  scroller: "scroller",
  history: "history",
  messages: "messages",
  historyOlder: "history-older",
  historyStart: "history-start",
  historyNewer: "history-newer",
  firstUnread: "first-unread",
  jumpNewest: "jump-newest",
  readSignal: "read-signal",
  typing: "typing",
  /** Where a message from someone else is announced, as its author and text only. */
  announcer: "announcer",
  // The sidebar (a panel of its own on phones), and the room's member list (one below lg).
  sidebar: "sidebar",
  members: "members",
  unreadTotal: "unread-total",
  roomList: "room-list",
  conversationList: "conversation-list",
  // The Mentions page: its list, and the "Older mentions" link below it.
  mentionList: "mention-list",
  mentionsOlder: "mentions-older",
  // The people page.
  peopleCount: "people-count",
  peopleResults: "people-results",
  peopleError: "people-error",
  // The composer (partials/composer) and what the script adds to it.
  composer: "composer",
  composerBody: "composer-body",
  composerHint: "composer-hint",
  composerLimits: "composer-limits",
  composerError: "composer-error",
  /** Said after a send: who the message named that is not in the room. */
  composerNotice: "composer-notice",
  composerFiles: "composer-files",
  composerPreviews: "composer-previews",
  /** The composer's reply slot (partials/composer-reply): the quote of what it answers, swapped alone. */
  composerReply: "composer-reply",
  composerReplyQuote: "composer-reply-quote",
  /** What "@" in the composer offers (partials/mention-suggestions fills it), and where a choice is said. */
  mentionSuggestions: "mention-suggestions",
  mentionStatus: "mention-status",
  /** Where "Delete" asks first, with script (partials/delete-dialog): one at a time. */
  deleteDialog: "delete-dialog",
  connectionStatus: "connection-status",
  uploadStatus: "upload-status",
  uploadProgress: "upload-progress",
  uploadCancel: "upload-cancel",
  // Settings' "Notifications on this device" (public/js/notifications.js).
  deviceNotifications: "device-notifications",
  notifyButton: "notify-button",
  notifyStatus: "notify-status",
  notifyNeedsScript: "notify-needs-script",
} as const;

/** Ids made of a prefix and a number or key: `${prefix[kind]}${n}`. */
export const prefix = {
  message: "message-",
  receipts: "receipts-",
  messageActions: "message-actions-",
  messageContent: "message-content-",
  messageEditor: "message-editor-",
  reactions: "reactions-",
  reactionPicker: "reaction-picker-",
  receipt: "receipt-",
  announcement: "announcement-",
  attachments: "attachments-",
  roomRow: "room-row-",
  day: "day-",
  mentionOption: "mention-option-",
} as const;

export const idOf = {
  message: (messageId: number) => `${prefix.message}${messageId}`,
  /** The line of receipts under a message. */
  receipts: (messageId: number) => `${prefix.receipts}${messageId}`,
  /** A message's toolbar, which "More actions" opens on touch screens. */
  messageActions: (messageId: number) => `${prefix.messageActions}${messageId}`,
  /** What a message says (partials/message-content): an edit or a deletion swaps it. */
  messageContent: (messageId: number) => `${prefix.messageContent}${messageId}`,
  /** The author's editor in a message's place (partials/message-editor), until saved or cancelled. */
  messageEditor: (messageId: number) => `${prefix.messageEditor}${messageId}`,
  /** A message's reactions (partials/reactions). */
  reactions: (messageId: number) => `${prefix.reactions}${messageId}`,
  /** What a message's React control opens (partials/reaction-picker): an error comes back in its place. */
  reactionPicker: (messageId: number) => `${prefix.reactionPicker}${messageId}`,
  /** A message's line in the announcer, while it is kept there. */
  announcement: (messageId: number) => `${prefix.announcement}${messageId}`,
  /** One reader's receipt, wherever it sits. */
  receipt: (userId: number) => `${prefix.receipt}${userId}`,
  attachments: (messageId: number) => `${prefix.attachments}${messageId}`,
  roomRow: (roomId: number) => `${prefix.roomRow}${roomId}`,
  /** A day divider, by its UTC date (YYYY-MM-DD). */
  day: (date: string) => `${prefix.day}${date}`,
  /** One suggestion after "@": a member by id, or "room" for @room. */
  mentionOption: (key: number | "room") => `${prefix.mentionOption}${key}`,
};

/** A CSS selector (an out-of-band target, a link's fragment) for an id. */
export const at = (elementId: string) => `#${elementId}`;

export const event = {
  /** Sent on the read-signal form to report the newest message seen. */
  read: "parley:read",
} as const;

/** Stand-ins in the loaders the script is handed (src/render/dom-module.ts), filled in when it uses one. */
export const slot = { room: "{room}", message: "{message}" } as const;

export const size = {
  /** Messages in a page of history: a full page back means there may be more. */
  historyPage: PAGE_SIZE,
  /** The longest text after "@" that the composer asks suggestions for (longer is refused). */
  mentionQuery: SUGGESTION_QUERY_MAX,
} as const;

/** The contract without its functions: what the page's script is handed (src/render/dom-module.ts). */
export const contract = { id, prefix, event, size, slot };

/** The contract as templates see it: `dom` in every template (src/render/engine.ts). */
export const dom = { ...contract, idOf, at };
export type Dom = typeof dom;
