import { WebSocket } from "ws";

export interface Page {
  status: number;
  location: string | null;
  html: string;
  headers: Headers;
}

/** A person with a browser: keeps the session cookie and the CSRF token of the last page seen. */
export class Visitor {
  cookie = "";
  csrf = "";

  constructor(readonly base: string) {}

  get origin(): string {
    return new URL(this.base).origin;
  }

  async request(path: string, init: RequestInit = {}): Promise<Page> {
    const headers = new Headers(init.headers);
    if (this.cookie) headers.set("cookie", this.cookie);
    const res = await fetch(this.base + path, { ...init, headers, redirect: "manual" });
    const setCookie = res.headers.get("set-cookie");
    if (setCookie) this.cookie = setCookie.split(";")[0]!;
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

  async signUp(username: string, password = "correct horse battery"): Promise<Page> {
    await this.get("/signup");
    return this.post("/signup", { username, displayName: username[0]!.toUpperCase() + username.slice(1), password });
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

  /** Opens a page's live socket: a room page's for a room id, the People page's, or any other page's. */
  socket(page?: number | "people", headers: Record<string, string> = {}): LiveSocket {
    const query = page === undefined ? "" : page === "people" ? "?people" : `?room=${page}`;
    const url = `${this.base.replace(/^http/, "ws")}/ws${query}`;
    return new LiveSocket(url, { cookie: this.cookie, origin: this.origin, ...headers });
  }
}

/** Opens sockets during a suite and closes whichever are still open at its end. */
export function socketPool() {
  const all: LiveSocket[] = [];
  return {
    async open(visitor: Visitor, page?: number | "people"): Promise<LiveSocket> {
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

/** A WebSocket that records what arrives, so tests can wait for or count pushes. */
export class LiveSocket {
  readonly ws: WebSocket;
  readonly received: string[] = [];
  readonly opened: Promise<void>;
  /** Resolves with the HTTP status when the server refuses the upgrade. */
  readonly refused: Promise<number>;
  /** Resolves with the close code once the socket has closed. */
  readonly closed: Promise<number>;
  #waiters: Array<() => void> = [];

  constructor(url: string, headers: Record<string, string>) {
    this.ws = new WebSocket(url, { headers });
    this.opened = new Promise((resolve, reject) => {
      this.ws.once("open", () => resolve());
      this.ws.once("error", reject);
    });
    this.refused = new Promise((resolve) => this.ws.once("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0)));
    this.closed = new Promise((resolve) => this.ws.once("close", (code) => resolve(code)));
    this.opened.catch(() => {});
    this.ws.on("message", (data) => {
      this.received.push(data.toString());
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
