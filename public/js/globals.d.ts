// What the page's script uses of htmx (loaded before it as a classic script, /vendor/htmx.min.js).
interface Htmx {
  trigger(elt: Element, name: string, detail?: unknown): void;
  ajax(verb: string, path: string, context: { target: string; swap: string }): Promise<void>;
  process(elt: Element): void;
  createWebSocket(url: string): WebSocket;
}
declare const htmx: Htmx;

/** htmx's events carry their details here; each listener reads the few fields it needs. */
interface HtmxDetail {
  elt?: Element;
  target?: Element | null;
  fragment?: Element | null;
  successful?: boolean;
  xhr?: XMLHttpRequest;
  shouldSwap?: boolean;
  isError?: boolean;
  serverResponse?: string;
  /** `elt`: the element that made the request (the events' own `elt` is where each is fired). */
  requestConfig?: { path?: string; elt?: Element };
  lengthComputable?: boolean;
  loaded?: number;
  total?: number;
  headers?: unknown;
}
type HtmxEvent = CustomEvent<HtmxDetail>;

/** htmx-ext-ws's socket, as its htmx:wsOpen event hands it over. */
interface HtmxSocket {
  send(message: string): void;
}
