import { randomBytes } from "node:crypto";
import { test as base, expect, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from "@playwright/test";
import { eq } from "drizzle-orm";
import { messages, users } from "../../src/db/schema.js";
import { joinLinkOf, rememberAdministrator, Visitor } from "../support/client.js";
import { startTestServer, type TestServer } from "../support/server.js";
import type { BrowserGlobals } from "./browser.js";

export { expect };

export const PASSWORD = "correct horse battery";

/** Each worker runs one real Parley on in-memory PGlite; tests share it, so names must be unique. */
export const test = base.extend<Record<never, never>, { server: TestServer }>({
  server: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const server = await startTestServer("pglite");
      try {
        await use(server);
      } finally {
        await server.stop();
      }
    },
    { scope: "worker", timeout: 60_000 },
  ],
  baseURL: async ({ server }, use) => use(server.url),
});

/** A name no other test in this run uses: 3–32 characters of [a-z0-9_]. */
export function unique(prefix: string): string {
  return `${prefix}_${randomBytes(3).toString("hex")}`;
}

/** A browser context of its own: one person, with their own cookies. */
export async function person(browser: Browser, server: TestServer, options: BrowserContextOptions = {}): Promise<BrowserContext> {
  return browser.newContext({ baseURL: server.url, ...options });
}

export function displayNameOf(username: string): string {
  return username[0]!.toUpperCase() + username.slice(1);
}

/**
 * Signs up through the form, as a person would: the server's first account at /signup (the
 * administrator, whose /admin page gives the join link), everyone after through the join link.
 * Ends on whatever page Parley sends them to.
 */
export async function signUp(page: Page, username: string): Promise<void> {
  await page.goto("/signup");
  const base = new URL(page.url()).origin;
  const link = joinLinkOf(base);
  if (link) await page.goto(link);
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Display name").fill(displayNameOf(username));
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText(`Signed in as ${displayNameOf(username)}`)).toBeVisible();
  if (!link) rememberAdministrator(base, username, PASSWORD, await (await page.request.get("/admin")).text());
}

export async function logIn(page: Page, username: string): Promise<void> {
  await page.goto("/login");
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page.getByText(`Signed in as ${displayNameOf(username)}`)).toBeVisible();
}

/** Creates a public room through /rooms/new and returns its URL path. */
export async function createRoom(page: Page, name: string, topic = ""): Promise<string> {
  await page.goto("/rooms/new");
  await page.getByLabel("Name").fill(name);
  if (topic) await page.getByLabel("Topic (optional)").fill(topic);
  await page.getByRole("button", { name: "Create room" }).click();
  await expect(page.getByRole("heading", { level: 1, name: name })).toBeVisible();
  const path = new URL(page.url()).pathname;
  expect(path).toMatch(/^\/rooms\/\d+$/);
  return path;
}

/**
 * Records the htmx WebSocket extension's open/close events from the first script on every page, so a test can
 * wait for the live connection before it sends (otherwise a push could arrive before anyone listens).
 * Must be called before the room page is loaded.
 */
export async function watchLiveConnection(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const w = globalThis as unknown as BrowserGlobals;
    const events: string[] = (w.__parleyWs = []);
    w.document.addEventListener("htmx:wsOpen", () => events.push("open"));
    w.document.addEventListener("htmx:wsClose", () => events.push("close"));
  });
}

/**
 * Lets a test cut a page's WebSockets as a lost network would, and refuse reconnections until it is
 * back: `setOffline` stops requests but not open WebSockets (Playwright issue #4910). Must be called
 * before the page is loaded.
 */
export async function socketSwitch(page: Page): Promise<{ cut(): Promise<void>; restore(): void }> {
  let offline = false;
  const routes: Array<{ close(o?: { code?: number }): Promise<void> }> = [];
  await page.routeWebSocket(/\/ws/, (ws) => {
    if (offline) return void ws.close({ code: 1012 });
    ws.connectToServer();
    routes.push(ws);
  });
  return {
    async cut() {
      offline = true;
      for (const ws of routes.splice(0)) await ws.close({ code: 1012 });
    },
    restore() {
      offline = false;
    },
  };
}

/** Waits until the room page's WebSocket is open (see `watchLiveConnection`). */
export async function waitForLiveConnection(page: Page): Promise<void> {
  await page.waitForFunction(() => (globalThis as unknown as BrowserGlobals).__parleyWs?.at(-1) === "open");
}

/** Collects every Content-Security-Policy complaint the page makes, from the console and from the DOM event. */
export async function collectCspViolations(page: Page): Promise<string[]> {
  const violations: string[] = [];
  page.on("console", (message) => {
    if (message.text().includes("Content Security Policy")) violations.push(`console.${message.type()}: ${message.text()}`);
  });
  page.on("pageerror", (error) => {
    if (error.message.includes("Content Security Policy")) violations.push(`pageerror: ${error.message}`);
  });
  await page.exposeFunction("__parleyCspViolation", (text: string) => violations.push(text));
  await page.addInitScript(() => {
    const w = globalThis as unknown as BrowserGlobals;
    w.document.addEventListener("securitypolicyviolation", (event) => {
      void w.__parleyCspViolation?.(
        `securitypolicyviolation: ${event.violatedDirective} blocked ${event.blockedURI || "(inline)"} at ${event.sourceFile}:${event.lineNumber}`,
      );
    });
  });
  return violations;
}

/**
 * A room whose owner wrote `count` messages ("<word> 1", "<word> 2"…, a minute apart, straight
 * into the table), with a second member who has read it to the end, so that no "New messages"
 * line or unread count moves things about.
 */
export async function roomWithMessages(server: TestServer, count: number, word = "note") {
  const [ownerName, readerName] = [unique("owner"), unique("reader")];
  const owner = new Visitor(server.url);
  await owner.signUp(ownerName);
  const roomName = unique("busy");
  const roomId = await owner.createRoom(roomName);
  const reader = new Visitor(server.url);
  await reader.signUp(readerName);
  await reader.joinRoom(roomId);
  const [{ id: authorId }] = (await server.deps.db.select({ id: users.id }).from(users).where(eq(users.username, ownerName))) as [
    { id: number },
  ];
  const start = Date.now() - count * 60_000;
  if (count > 0) {
    await server.deps.db
      .insert(messages)
      .values(
        Array.from({ length: count }, (_, i) => ({ roomId, authorId, body: `${word} ${i + 1}`, createdAt: new Date(start + i * 60_000) })),
      );
  }
  await reader.openRoom(roomId);
  await reader.post(`/rooms/${roomId}/read`);
  return { owner, ownerName, reader, readerName, roomId, roomName };
}
