// The DOM contract's shape. Its values live in src/render/dom.ts only: the server serves them as
// js/dom.js beside the other modules (src/render/dom-module.ts), and this names the fields the script may use.
export declare const dom: {
  id: Record<
    | "main"
    | "timeline"
    | "scroller"
    | "history"
    | "messages"
    | "historyOlder"
    | "mentionList"
    | "historyStart"
    | "historyNewer"
    | "firstUnread"
    | "jumpNewest"
    | "readSignal"
    | "typing"
    | "sidebar"
    | "members"
    | "announcer"
    | "unreadTotal"
    | "deviceNotifications"
    | "notifyButton"
    | "notifyStatus"
    | "notifyNeedsScript"
    | "roomList"
    | "conversationList"
    | "deleteDialog"
    | "peopleCount"
    | "peopleResults"
    | "peopleError"
    | "composer"
    | "composerBody"
    | "composerHint"
    | "composerError"
    | "composerNotice"
    | "composerFiles"
    | "composerReply"
    | "composerReplyQuote"
    | "mentionSuggestions"
    | "mentionStatus"
    | "composerPreviews"
    | "connectionStatus"
    | "uploadStatus"
    | "uploadProgress"
    | "uploadCancel",
    string
  >;
  prefix: Record<"message" | "receipts" | "receipt" | "attachments" | "roomRow" | "day" | "mentionOption", string>;
  event: Record<"read", string>;
  size: Record<"historyPage" | "mentionQuery", number>;
  slot: Record<"room" | "message", string>;
  /** The history loaders as partials/history-edge renders them, with `slot`s to fill in. */
  loaders: Record<"older" | "newer", string>;
};
