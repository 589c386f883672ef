import { WebSocket } from "ws";

export interface Page {
  status: number;
  location: string | null;
  html: string;
  headers: Headers;
}

/** Each server's join link (a path), as its administrator's /admin page showed it, and who that administrator is. */
const joinLinks = new Map<string, string>();
const admins = new Map<string, { username: string; password: string }>();

/** The join link on an /admin page. */
export function joinLinkIn(html: string): string | undefined {
  return /id="join-url"[^>]*value="([^"]+)"/.exec(html)?.[1];
}

/** For a test that makes a new join link: sign-ups from now on use this one. */
export function useJoinLink(base: string, link: string): void {
  joinLinks.set(base, new URL(link, base).pathname);
}

/** After a server's first sign-up (its administrator's): later sign-ups go through the join link on `adminPage`. */
export function rememberAdministrator(base: string, username: string, password: string, adminPage: string): void {
  const link = joinLinkIn(adminPage);
  if (!link) return;
  useJoinLink(base, link);
  admins.set(base, { username, password });
}

/** The join link sign-ups use on this server, once it has an administrator. */
export function joinLinkOf(base: string): string | undefined {
  return joinLinks.get(base);
}

/** A new session of this server's administrator (its first account, signed up through these helpers). */
export async function administrator(base: string): Promise<Visitor> {
  const admin = admins.get(base);
  if (!admin) throw new Error(`no administrator known for ${base}`);
  const visitor = new Visitor(base);
  const page = await visitor.logIn(admin.username, admin.password);
  if (page.status !== 303) throw new Error(`administrator could not log in: ${page.status}`);
  return visitor;
}

/** A person with a browser: keeps the cookies it is given and the CSRF token of the last page seen. */
export class Visitor {
  csrf = "";
  readonly #cookies = new Map<string, string>();

  constructor(readonly base: string) {}

  /** This visitor's cookies, e.g. to hand its session to a browser. */
  cookieList(): Array<{ name: string; value: string }> {
    return [...this.#cookies].map(([name, value]) => ({ name, value }));
  }

  /** The Cookie header this visitor sends. */
  get cookie(): string {
    return this.cookieList()
      .map(({ name, value }) => `${name}=${value}`)
      .join("; ");
  }

  set cookie(header: string) {
    this.#cookies.clear();
    for (const pair of header.split(/;\s*/)) this.#keep(pair);
  }

  /** Keeps one `name=value` pair; an empty value (how a cookie is cleared) removes it. */
  #keep(pair: string): void {
    const at = pair.indexOf("=");
    if (at <= 0) return;
    const [name, value] = [pair.slice(0, at), pair.slice(at + 1)];
    if (value) this.#cookies.set(name, value);
    else this.#cookies.delete(name);
  }

  get origin(): string {
    return new URL(this.base).origin;
  }

  async request(path: string, init: RequestInit = {}): Promise<Page> {
    const headers = new Headers(init.headers);
    if (this.cookie) headers.set("cookie", this.cookie);
    const res = await fetch(this.base + path, { ...init, headers, redirect: "manual" });
    for (const setCookie of res.headers.getSetCookie()) this.#keep(setCookie.split(";")[0]!);
    const html = await res.text();
    const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
    if (token) this.csrf = token;
    return { status: res.status, location: res.headers.get("location"), html, headers: res.headers };
  }

  get(path: string, headers: Record<string, string> = {}): Promise<Page> {
    return this.request(path, { headers });
  }

  /** Submits a form the way a browser does from one of our pages: same Origin, with the page's token. */
  post(path: string, form: Record<string, string> | URLSearchParams = {}, headers: Record<string, string> = {}): Promise<Page> {
    const body = new URLSearchParams({ _csrf: this.csrf });
    for (const [name, value] of form instanceof URLSearchParams ? form : Object.entries(form)) {
      if (name === "_csrf") body.set(name, value);
      else body.append(name, value);
    }
    return this.request(path, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: this.origin, ...headers },
      body,
    });
  }

  /**
   * Signs up the way people do: the first account at /signup (it becomes the administrator,
   * whose /admin page gives the join link), everyone after through that join link.
   */
  async signUp(username: string, password = "correct horse battery"): Promise<Page> {
    const form = await this.openSignUp();
    const page = await this.post(form, { username, displayName: username[0]!.toUpperCase() + username.slice(1), password });
    if (form === "/signup" && page.status === 303) rememberAdministrator(this.base, username, password, (await this.get("/admin")).html);
    return page;
  }

  /** Opens the sign-up form (the join link once the server has an administrator); returns where it posts. */
  async openSignUp(): Promise<string> {
    const form = joinLinks.get(this.base) ?? "/signup";
    if ((await this.get(form)).status !== 404) return form;
    // A link kept from an earlier server that had the same port is not this server's.
    joinLinks.delete(this.base);
    await this.get("/signup");
    return "/signup";
  }

  async logIn(username: string, password = "correct horse battery"): Promise<Page> {
    await this.get("/login");
    return this.post("/login", { username, password });
  }

  async createRoom(name: string, extra: Record<string, string> = {}): Promise<number> {
    await this.get("/rooms/new");
    const page = await this.post("/rooms", { name, ...extra });
    const id = /^\/rooms\/(\d+)$/.exec(page.location ?? "")?.[1];
    if (!id) throw new Error(`room not created: ${page.status} ${page.location}`);
    return Number(id);
  }

  async joinRoom(roomId: number): Promise<Page> {
    await this.get("/rooms");
    return this.post(`/rooms/${roomId}/join`);
  }

  async openRoom(roomId: number): Promise<Page> {
    return this.get(`/rooms/${roomId}`);
  }

  /**
   * Opens a page's live socket: a room page's for a room id, the People page's, or any other page's.
   * `after`: the newest message the room page shows, as its ws-connect URL says.
   */
  socket(page?: number | "people", headers: Record<string, string> = {}, after?: number): LiveSocket {
    const query = page === undefined ? "" : page === "people" ? "?people" : `?room=${page}${after === undefined ? "" : `&after=${after}`}`;
    const url = `${this.base.replace(/^http/, "ws")}/ws${query}`;
    return new LiveSocket(url, { cookie: this.cookie, origin: this.origin, ...headers });
  }
}

/** Opens sockets during a suite and closes whichever are still open at its end. */
export function socketPool() {
  const all: LiveSocket[] = [];
  return {
    open: async (visitor: Visitor, page?: number | "people"): Promise<LiveSocket> => {
      const socket = visitor.socket(page);
      all.push(socket);
      await socket.opened;
      return socket;
    },
    closeAll(): void {
      for (const socket of all) socket.close();
    },
  };
}

/** Signs people up in order (the first becomes the administrator). */
export async function people(base: string, ...usernames: string[]): Promise<Visitor[]> {
  const visitors = [];
  for (const username of usernames) {
    const visitor = new Visitor(base);
    await visitor.signUp(username);
    visitors.push(visitor);
  }
  return visitors;
}

/**
 * A WebSocket that records what arrives, so tests can wait for or count pushes. The server's first
 * frame on every socket brings the page up to date (see src/realtime/resync.ts); it is kept in
 * `state`, and `opened` resolves once it has arrived, so `received` holds only later pushes.
 */
export class LiveSocket {
  readonly ws: WebSocket;
  readonly received: string[] = [];
  /** The first frame: what the page missed since it was rendered, and the current state. */
  state: string | undefined;
  readonly opened: Promise<void>;
  /** Resolves with the HTTP status when the server refuses the upgrade. */
  readonly refused: Promise<number>;
  /** Resolves with the close code once the socket has closed. */
  readonly closed: Promise<number>;
  #waiters: Array<() => void> = [];

  constructor(url: string, headers: Record<string, string>) {
    this.ws = new WebSocket(url, { headers });
    this.opened = new Promise((resolve, reject) => {
      this.ws.once("message", () => resolve());
      this.ws.once("error", reject);
      this.ws.once("close", (code) => reject(new Error(`closed with ${code} before the first frame`)));
    });
    this.refused = new Promise((resolve) => this.ws.once("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0)));
    this.closed = new Promise((resolve) => this.ws.once("close", (code) => resolve(code)));
    this.opened.catch(() => {});
    this.ws.on("message", (data) => {
      // ws hands a frame over as one Buffer (its default binaryType, "nodebuffer").
      const text = (data as Buffer).toString();
      if (this.state === undefined) this.state = text;
      else this.received.push(text);
      for (const wake of this.#waiters.splice(0)) wake();
    });
  }

  /** Waits until `count` pushes (those `matching`, if given) have arrived, or fails after `ms`. */
  async waitFor(count: number, ms = 2000, matching: (push: string) => boolean = () => true): Promise<string[]> {
    const deadline = Date.now() + ms;
    const seen = () => this.received.filter(matching);
    while (seen().length < count) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`expected ${count} pushes, got ${seen().length}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return seen();
  }

  /** The close code, or "still open" when the socket has not closed within `ms`. */
  closedWithin(ms: number): Promise<number | "still open"> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<"still open">((resolve) => (timer = setTimeout(() => resolve("still open"), ms)));
    return Promise.race([this.closed, timeout]).finally(() => clearTimeout(timer));
  }

  close(): void {
    this.ws.close();
  }
}
