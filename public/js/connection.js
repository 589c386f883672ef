// @ts-check
// The page's socket: its state shown in the composer, and what each connection says about the page.
import { dom } from "./contract.js";
import { behind, newestShown } from "./history.js";

/** @param {string} text */
function showStatus(text) {
  const status = document.getElementById(dom.id.connectionStatus);
  if (status) status.textContent = text;
}

export function listen() {
  document.addEventListener("htmx:wsClose", () =>
    showStatus("Reconnecting… Messages from others will appear when the connection is back."),
  );
  document.addEventListener("htmx:wsOpen", () => showStatus(""));

  // Every connection, the first and each one after a drop, says where the page stands: a room page
  // showing its newest end names the newest message it has, and the server answers with what came
  // after it and the current state of everything else (src/realtime/resync.ts). A page reading an
  // older stretch names none: it catches up when the reader gets back to the newest. Installed before
  // htmx starts (module scripts run before DOMContentLoaded), so the first connection goes through it.
  const openSocket = htmx.createWebSocket.bind(htmx);
  htmx.createWebSocket = (url) => {
    const address = new URL(url);
    if (address.searchParams.has("room")) {
      if (behind()) address.searchParams.delete("after");
      else if (newestShown() > 0) address.searchParams.set("after", String(newestShown()));
    }
    return openSocket(address.toString());
  };

  // Signals over the socket carry their own fields only. htmx-ext-ws would add the request headers
  // as HEADERS, among them HX-Current-URL (the page's whole address): a long link made a read
  // signal bigger than the server accepts.
  document.addEventListener("htmx:wsConfigSend", (event) => {
    /** @type {HtmxEvent} */ (event).detail.headers = null;
  });
}
