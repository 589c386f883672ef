// What attributes cannot do. Everything here is comfort: without it, Parley still works.

/** Adds or removes one id in a field's aria-describedby. */
function describedBy(field, id, on) {
  const ids = new Set((field.getAttribute("aria-describedby") || "").split(" ").filter(Boolean));
  if (on) ids.add(id);
  else ids.delete(id);
  if (ids.size) field.setAttribute("aria-describedby", [...ids].join(" "));
  else field.removeAttribute("aria-describedby");
}

function composerOf(event) {
  const form = event.detail.elt;
  return form instanceof HTMLFormElement && form.hasAttribute("data-composer") ? form : null;
}

// The composer: Enter sends, Shift+Enter makes a new line (only promised when this script runs).
document.addEventListener("keydown", (event) => {
  const field = event.target;
  if (!(field instanceof HTMLTextAreaElement) || !field.hasAttribute("data-enter-sends")) return;
  if (event.key !== "Enter" || event.shiftKey || event.isComposing) return;
  event.preventDefault();
  if (field.value.trim() !== "") field.form?.requestSubmit();
});

function enhanceComposer(root) {
  const hint = root.querySelector?.("#composer-hint");
  const field = root.querySelector?.("#composer-body");
  if (!hint || !field) return;
  hint.hidden = false;
  describedBy(field, "composer-hint", true);
  if (field.form) encodeFor(field.form, chosenFiles(field.form).length > 0);
}

// After a message is accepted it comes back over the WebSocket; the composer is emptied and keeps focus.
document.addEventListener("htmx:afterRequest", (event) => {
  const form = composerOf(event);
  if (!form || !event.detail.successful || event.detail.xhr.status !== 204) return;
  form.querySelector("#composer-error")?.remove();
  const field = form.querySelector("textarea");
  if (!field) return;
  // Not form.reset(): after an error the server's composer carries the rejected text as its default.
  field.value = "";
  field.removeAttribute("aria-invalid");
  describedBy(field, "composer-error", false);
  setFiles(form, []);
  field.focus();
});

// Each composed message carries a client id, so that sending it again (after an answer that never
// came) stores it once. Once a send is accepted, the server names the id of the next message.
document.addEventListener("htmx:afterRequest", (event) => {
  const next = composerOf(event) && event.detail.successful && event.detail.xhr.getResponseHeader("Parley-Next-Client-Id");
  if (next) event.detail.elt.elements.clientId.value = next;
});

// Attachments: a preview and a description field for each chosen file; files can also be dropped
// onto the room or pasted. The server decides what a file is; these checks only spare a wasted upload.
const previewUrls = new Map();
function composerForm() {
  return document.querySelector("form[data-composer]");
}
function chosenFiles(form) {
  return [...(form.querySelector("#composer-files")?.files ?? [])];
}
function setFiles(form, files) {
  const input = form.querySelector("#composer-files");
  if (!input) return;
  const list = new DataTransfer();
  for (const file of files) list.items.add(file);
  input.files = list.files;
  encodeFor(form, files.length > 0);
  showPreviews(form);
}
// Multipart only when there are files: a text message stays a small urlencoded post. (Without
// script the form is always multipart, which the server takes too.)
function encodeFor(form, withFiles) {
  const encoding = withFiles ? "multipart/form-data" : "application/x-www-form-urlencoded";
  form.setAttribute("enctype", encoding);
  form.setAttribute("hx-encoding", encoding);
}
function fileProblem(form, file) {
  const video = file.type.startsWith("video/");
  const limitMb = Number(video ? form.dataset.maxVideoMb : form.dataset.maxImageMb);
  if (file.size > limitMb * 1024 * 1024) return `“${file.name}” is larger than the ${limitMb} MB allowed for ${video ? "videos" : "images"}.`;
  return null;
}
function showComposerError(form, text) {
  const field = form.querySelector("textarea");
  let error = form.querySelector("#composer-error");
  if (!text) {
    error?.remove();
    if (field) describedBy(field, "composer-error", false);
    return;
  }
  if (!error) {
    error = document.createElement("p");
    error.id = "composer-error";
    error.className = "field-error";
    form.append(error);
  }
  error.textContent = text;
  if (field) describedBy(field, "composer-error", true);
}
function addFiles(form, files) {
  const max = Number(form.dataset.maxFiles);
  const accepted = [];
  const problems = [];
  for (const file of files) {
    const problem = fileProblem(form, file);
    if (problem) problems.push(problem);
    else accepted.push(file);
  }
  const all = [...chosenFiles(form), ...accepted];
  if (all.length > max) problems.push(`Up to ${max} files can go in one message.`);
  setFiles(form, all.slice(0, max));
  showComposerError(form, problems.join(" "));
}
function showPreviews(form) {
  const list = form.querySelector("#composer-previews");
  if (!list) return;
  const descriptions = new Map([...list.querySelectorAll("li")].map((li) => [li.dataset.key, li.querySelector("input")?.value ?? ""]));
  for (const url of previewUrls.values()) URL.revokeObjectURL(url);
  previewUrls.clear();
  list.replaceChildren();
  chosenFiles(form).forEach((file, index) => {
    const key = `${file.name}:${file.size}:${file.lastModified}`;
    const item = document.createElement("li");
    item.className = "composer-preview";
    item.dataset.key = key;
    const image = !file.type.startsWith("video/");
    const url = URL.createObjectURL(file);
    previewUrls.set(key, url);
    const preview = document.createElement(image ? "img" : "video");
    preview.src = url;
    if (image) preview.alt = "";
    else preview.muted = true;
    const name = document.createElement("span");
    name.className = "text-sm";
    name.textContent = file.name;
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "btn-secondary";
    remove.textContent = "Remove";
    remove.setAttribute("aria-label", `Remove ${file.name}`);
    remove.addEventListener("click", () => {
      setFiles(form, chosenFiles(form).filter((_, i) => i !== index));
      form.querySelector("#composer-files")?.focus();
    });
    // One "alt" per file, in order, so the server can pair them; a video's stays empty.
    const alt = document.createElement("input");
    alt.name = "alt";
    alt.value = descriptions.get(key) ?? "";
    if (image) {
      alt.id = `alt-${index}`;
      alt.className = "input";
      alt.maxLength = 1000;
      const label = document.createElement("label");
      label.htmlFor = alt.id;
      label.className = "text-sm font-medium";
      label.textContent = `Description of ${file.name} (alt text)`;
      item.append(preview, name, remove, label, alt);
    } else {
      alt.type = "hidden";
      item.append(preview, name, remove, alt);
    }
    list.append(item);
  });
}
document.addEventListener("change", (event) => {
  const input = event.target;
  if (!(input instanceof HTMLInputElement) || input.id !== "composer-files" || !input.form) return;
  const files = [...input.files];
  input.value = "";
  setFiles(input.form, []);
  addFiles(input.form, files);
});
document.addEventListener("dragover", (event) => {
  if (composerForm() && event.dataTransfer?.types.includes("Files")) event.preventDefault();
});
document.addEventListener("drop", (event) => {
  const form = composerForm();
  if (!form || !event.dataTransfer?.files.length) return;
  event.preventDefault();
  addFiles(form, [...event.dataTransfer.files]);
});
document.addEventListener("paste", (event) => {
  const form = composerForm();
  const files = [...(event.clipboardData?.files ?? [])].filter((f) => f.type.startsWith("image/"));
  if (!form || files.length === 0) return;
  event.preventDefault();
  addFiles(form, files);
});

// Upload progress in a real <progress>, fed by htmx's upload events, with a way to cancel.
document.addEventListener("htmx:beforeRequest", (event) => {
  const form = composerOf(event);
  const status = form?.querySelector("#upload-status");
  if (!status || chosenFiles(form).length === 0) return;
  form.querySelector("#upload-progress").value = 0;
  status.hidden = false;
});
document.addEventListener("htmx:xhr:progress", (event) => {
  const form = composerOf(event);
  const bar = form?.querySelector("#upload-progress");
  if (bar && event.detail.lengthComputable && event.detail.total > 0) bar.value = Math.round((100 * event.detail.loaded) / event.detail.total);
});
document.addEventListener("htmx:afterRequest", (event) => {
  const status = composerOf(event)?.querySelector("#upload-status");
  if (status) status.hidden = true;
});
document.addEventListener("click", (event) => {
  if (!(event.target instanceof Element) || !event.target.closest("#upload-cancel")) return;
  const form = event.target.closest("form[data-composer]");
  if (form) htmx.trigger(form, "htmx:abort");
});
document.addEventListener("htmx:sendAbort", (event) => {
  const form = composerOf(event);
  if (!form) return;
  form.querySelector("#upload-status").hidden = true;
  showComposerError(form, "Upload cancelled. Your files and text are still here.");
  form.querySelector("#composer-files")?.focus();
});

// A failed send keeps the text and says why, next to the field, as the server's own errors do.
const sendFailures = {
  403: "This page has expired. Reload it and try again.",
  404: "This room is no longer available to you.",
  413: "This message is too large to send.",
  429: "You are sending messages too fast. Wait a moment and try again.",
  503: "Parley cannot reach its database right now. Wait a moment and try again.",
};
function showSendError(event) {
  const form = composerOf(event);
  const field = form?.querySelector("textarea");
  if (!form || !field) return;
  let error = form.querySelector("#composer-error");
  if (!error) {
    error = document.createElement("p");
    error.id = "composer-error";
    error.className = "field-error";
    form.append(error);
  }
  error.textContent =
    sendFailures[event.detail.xhr?.status] || "Your message could not be sent. Check your connection and try again.";
  field.setAttribute("aria-invalid", "true");
  describedBy(field, "composer-error", true);
  field.focus();
}
document.addEventListener("htmx:responseError", showSendError);
document.addEventListener("htmx:sendError", showSendError);

// Reading: the newest message that has been on screen while the page is visible and focused is
// reported over the page's socket (htmx sends the #read-signal form). Losing one is fine.
const onScreen = new Set();
let reported = 0;
function reportRead() {
  const form = document.getElementById("read-signal");
  if (!form || document.visibilityState !== "visible" || !document.hasFocus() || onScreen.size === 0) return;
  const newest = Math.max(...onScreen);
  if (newest <= reported) return;
  reported = newest;
  form.elements.messageId.value = String(newest);
  htmx.trigger(form, "parley:read");
}
const readObserver =
  "IntersectionObserver" in window
    ? new IntersectionObserver((entries) => {
        for (const entry of entries) {
          const id = Number(entry.target.id.slice("message-".length));
          if (entry.isIntersecting) onScreen.add(id);
          else onScreen.delete(id);
        }
        reportRead();
      })
    : null;
function watchMessages(root) {
  for (const li of root.querySelectorAll?.('#messages > li[id^="message-"]') ?? []) readObserver?.observe(li);
}
document.addEventListener("visibilitychange", reportRead);
window.addEventListener("focus", reportRead);
document.addEventListener("htmx:wsOpen", () => {
  reported = 0;
  reportRead();
});

// The page title carries the unread total, kept current by the pushed #unread-total.
function showUnreadTotal() {
  const total = Number(document.getElementById("unread-total")?.dataset.total || 0);
  const title = document.title.replace(/^\(\d+\) /, "");
  document.title = total > 0 ? `(${total}) ${title}` : title;
}
document.addEventListener("htmx:oobAfterSwap", (event) => {
  if (event.detail.target?.id === "unread-total" || event.detail.fragment?.id === "unread-total") showUnreadTotal();
});

// Times are rendered in UTC on the server; show them in the reader's own time zone.
const timeOfDay = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
const fullDate = new Intl.DateTimeFormat(undefined, { dateStyle: "full", timeStyle: "short" });
function localizeTimes(root) {
  for (const el of root.querySelectorAll?.("time[data-local-time]") ?? []) {
    const when = new Date(el.getAttribute("datetime"));
    if (Number.isNaN(when.getTime())) continue;
    el.textContent = timeOfDay.format(when);
    el.title = fullDate.format(when);
  }
}

function enhance(root) {
  enhanceComposer(root);
  localizeTimes(root);
  watchMessages(root);
}
document.addEventListener("htmx:load", (event) => enhance(event.detail.elt.parentElement || document));
document.addEventListener("DOMContentLoaded", () => enhance(document));

// History and catching up. Pages of history load by themselves (htmx, on intersect); this keeps the
// live list whole: no gaps after the socket was away, no message shown twice, and not too long.
const TRIM_ABOVE = 300;
const TRIM_TO = 200;
const messageId = (li) => Number(li.id.slice("message-".length));
const liveList = () => document.getElementById("messages");
const scroller = () => document.getElementById("scroller");
/** How far the reader is above the newest message (the list is bottom-anchored: scrollTop <= 0). */
const distanceFromNewest = () => Math.abs(scroller()?.scrollTop ?? 0);

function newestShown() {
  const all = document.querySelectorAll("#history > li.message, #messages > li.message");
  return all.length ? messageId(all[all.length - 1]) : 0;
}

// Asks for whatever came after `after`; what arrives twice is settled below. A full page back means
// there may be more: ask again after the last message of that page. The walk keeps its own cursor:
// live messages arriving meanwhile are newer than what it has still to fetch, so "the newest shown"
// would skip what lies between.
const CATCH_UP_PAGE = 50;
function catchUp(after) {
  const list = liveList();
  if (!list || list.hasAttribute("data-behind")) return;
  const path = `/rooms/${list.dataset.room}/messages?after=${after}`;
  let page = [];
  const read = (event) => {
    if (event.detail.requestConfig?.path !== path) return;
    page = [...event.detail.serverResponse.matchAll(/<li id="message-(\d+)"/g)].map((m) => Number(m[1]));
  };
  document.addEventListener("htmx:beforeSwap", read);
  htmx.ajax("GET", path, { target: "#messages", swap: "beforeend" }).finally(() => {
    document.removeEventListener("htmx:beforeSwap", read);
    if (page.length >= CATCH_UP_PAGE) catchUp(Math.max(...page));
  });
}

// A message that arrives twice (a push racing a catch-up) is shown once, and messages stay in order.
function settleLists() {
  const seen = new Set();
  for (const li of document.querySelectorAll("#history > li[id], #messages > li[id]")) {
    if (seen.has(li.id)) li.remove();
    else seen.add(li.id);
  }
  const list = liveList();
  let last = 0;
  for (const li of list ? [...list.querySelectorAll(":scope > li.message")] : []) {
    const id = messageId(li);
    if (id < last) {
      const after = [...list.querySelectorAll(":scope > li.message")].find((other) => messageId(other) > id);
      if (after) list.insertBefore(li, after);
    }
    last = Math.max(last, id);
  }
}

// Keep the page light: beyond a few hundred messages the far end goes, and comes back through a
// loader like any other page of history.
function loaderFor(edge, room, id) {
  const older = edge === "older";
  const loader = document.createElement("div");
  loader.id = `history-${edge}`;
  loader.className = "history-edge";
  loader.setAttribute("hx-get", `/rooms/${room}/messages?${older ? "before" : "after"}=${id}`);
  loader.setAttribute("hx-trigger", "intersect once");
  loader.setAttribute("hx-target", "#history");
  loader.setAttribute("hx-swap", older ? "afterbegin" : "beforeend");
  const link = document.createElement("a");
  link.href = `/rooms/${room}?${older ? "before" : "after"}=${id}`;
  link.className = "link";
  link.textContent = older ? "Older messages" : "Newer messages";
  loader.append(link);
  return loader;
}
/** Runs `change` and scrolls by however much it moved `anchor`, so that the reader sees no jump. */
function keepPlace(anchor, change) {
  const top = anchor.getBoundingClientRect().top;
  change();
  const box = scroller();
  if (box && anchor.isConnected) box.scrollTop += anchor.getBoundingClientRect().top - top;
}
const shownMessages = () => [...document.querySelectorAll("#history > li.message, #messages > li.message")];

/** Drops the oldest messages (after live ones arrive, or after newer pages): "Older messages" brings them back. */
function trimOldest() {
  const messages = shownMessages();
  if (messages.length <= TRIM_ABOVE) return;
  const keepFrom = messages[messages.length - TRIM_TO];
  const room = liveList().dataset.room;
  keepPlace(messages[messages.length - 1], () => {
    for (const li of [...document.getElementById("history").children, ...liveList().children]) {
      if (li === keepFrom) break;
      li.remove();
    }
    const loader = loaderFor("older", room, messageId(keepFrom));
    (document.getElementById("history-older") ?? document.getElementById("history-start"))?.replaceWith(loader);
    htmx.process(loader);
  });
}

/** Drops the newest messages when the reader is far up in history: "Newer messages" brings them back. */
function trimNewest() {
  const messages = shownMessages();
  if (messages.length <= TRIM_ABOVE) return;
  const lastKept = messages[TRIM_TO - 1];
  const history = document.getElementById("history");
  const list = liveList();
  keepPlace(messages[0], () => {
    for (const li of messages.slice(TRIM_TO)) li.remove();
    // What stays of the live list joins the history, above where newer pages will arrive.
    for (const li of [...list.children]) {
      if (li.classList.contains("message")) history.append(li);
      else li.remove();
    }
    list.setAttribute("data-behind", "");
    const loader = loaderFor("newer", list.dataset.room, messageId(lastKept));
    const existing = document.getElementById("history-newer");
    if (existing) existing.replaceWith(loader);
    else history.after(loader);
    htmx.process(loader);
  });
}

// While the page shows an older stretch, live messages are left out: "Newer messages" brings them.
document.addEventListener("htmx:oobBeforeSwap", (event) => {
  if (event.detail.target?.id === "messages" && event.detail.target.hasAttribute("data-behind")) event.detail.shouldSwap = false;
});

let unseenNewer = 0;
function showJumpToNewest() {
  const button = document.getElementById("jump-newest");
  if (!button) return;
  button.hidden = unseenNewer === 0;
  button.textContent = `Jump to newest (${unseenNewer} new)`;
}
document.addEventListener("htmx:oobAfterSwap", (event) => {
  const list = liveList();
  if (!list || event.detail.target !== list) return;
  settleLists();
  if (distanceFromNewest() < 200) trimOldest();
  // Far up in history: say that new messages came instead of pulling the view down.
  if (distanceFromNewest() > 400) {
    unseenNewer += 1;
    showJumpToNewest();
  }
});
// A page of history arriving above or below keeps what the reader is looking at where it is.
let historyAnchor = null;
document.addEventListener("htmx:beforeSwap", (event) => {
  if (event.detail.target?.id !== "history") return;
  const first = document.querySelector("#history > li.message, #messages > li.message");
  historyAnchor = first ? { element: first, top: first.getBoundingClientRect().top } : null;
});
document.addEventListener("htmx:afterSwap", (event) => {
  const list = liveList();
  if (!list) return;
  if (historyAnchor && event.detail.target?.id === "history" && historyAnchor.element.isConnected) {
    const moved = historyAnchor.element.getBoundingClientRect().top - historyAnchor.top;
    if (moved !== 0 && scroller()) scroller().scrollTop += moved;
  }
  historyAnchor = null;
  settleLists();
  // A page of history arrived: if that makes too many, the other end goes.
  const loader = event.detail.elt?.id;
  if (loader === "history-older") trimNewest();
  if (loader === "history-newer") trimOldest();
  // The last page of "Newer messages" has arrived: live messages may come in again, after a catch-up
  // for anything that was posted while they were left out.
  if (list.hasAttribute("data-behind") && !document.getElementById("history-newer")) {
    list.removeAttribute("data-behind");
    catchUp(newestShown());
  }
});
document.addEventListener("click", (event) => {
  if (!(event.target instanceof Element) || event.target.id !== "jump-newest") return;
  const list = liveList();
  if (list?.hasAttribute("data-behind")) return void (window.location.href = `/rooms/${list.dataset.room}`);
  scroller()?.scrollTo({ top: 0 });
  unseenNewer = 0;
  showJumpToNewest();
  list?.lastElementChild?.focus?.();
});
document.addEventListener(
  "scroll",
  (event) => {
    if (event.target?.id !== "scroller" || distanceFromNewest() > 50) return;
    unseenNewer = 0;
    showJumpToNewest();
  },
  true,
);

// The socket's state, in the composer.
document.addEventListener("htmx:wsClose", () => {
  const status = document.getElementById("connection-status");
  if (status) status.textContent = "Reconnecting… Messages from others will appear when the connection is back.";
});
document.addEventListener("htmx:wsOpen", () => {
  const status = document.getElementById("connection-status");
  if (status) status.textContent = "";
});

// Every connection, the first and each one after a drop, says where the page stands: a room page
// showing its newest end names the newest message it has, and the server answers with what came
// after it and the current state of everything else (src/realtime/resync.ts). A page reading an
// older stretch names none: it catches up when the reader gets back to the newest.
const openSocket = htmx.createWebSocket;
htmx.createWebSocket = (url) => {
  const address = new URL(url);
  const list = liveList();
  if (address.searchParams.has("room")) {
    if (!list || list.hasAttribute("data-behind")) address.searchParams.delete("after");
    else if (newestShown() > 0) address.searchParams.set("after", String(newestShown()));
  }
  return openSocket(address.toString());
};

// A permalink opens the room at its message: shown in the middle, and focused for screen readers.
document.addEventListener("DOMContentLoaded", () => {
  const target = document.querySelector("li.message.is-target");
  if (!target) return;
  target.scrollIntoView({ block: "center" });
  target.focus({ preventScroll: true });
});

// Signals over the socket carry their own fields only. htmx-ext-ws would add the request headers
// as HEADERS, among them HX-Current-URL (the page's whole address): a long link made a read
// signal bigger than the server accepts.
document.addEventListener("htmx:wsConfigSend", (event) => {
  event.detail.headers = null;
});
