// @ts-check
// Whether this page is visible, told over its socket: at connect, on every change, and every 30 s
// while visible. The server counts its person as looking at Parley until 60 s after the last
// "visible", and sends no Web Push notification meanwhile (src/realtime/visibility.ts).

const REPEAT_MS = 30_000;

/** @type {HtmxSocket | null} */
let socket = null;
/** @type {ReturnType<typeof setInterval> | undefined} */
let repeat;

function tell() {
  const visible = document.visibilityState === "visible";
  socket?.send(JSON.stringify({ signal: "visibility", visible }));
  clearInterval(repeat);
  if (visible) repeat = setInterval(tell, REPEAT_MS);
}

export function listen() {
  document.addEventListener("htmx:wsOpen", (event) => {
    socket = /** @type {CustomEvent<{ socketWrapper: HtmxSocket }>} */ (event).detail.socketWrapper;
    tell();
  });
  document.addEventListener("htmx:wsClose", () => {
    socket = null;
    clearInterval(repeat);
  });
  document.addEventListener("visibilitychange", tell);
}
