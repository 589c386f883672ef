import type { Browser, BrowserContextOptions, Page } from "@playwright/test";
import type { Visitor } from "../support/client.js";
import type { TestServer } from "../support/server.js";
import type { BrowserGlobals } from "./browser.js";
import {
  createRoom,
  expect,
  person,
  roomWithMessages,
  signUp,
  test,
  unique,
  waitForLiveConnection,
  watchLiveConnection,
} from "./fixtures.js";

interface Focused {
  description: string;
  isSkipLink: boolean;
  isComposer: boolean;
  outlineStyle: string;
  outlineWidth: number;
}

async function focused(page: Page): Promise<Focused> {
  return page.evaluate(() => {
    const { document, getComputedStyle } = globalThis as unknown as BrowserGlobals;
    const el = document.activeElement;
    if (!el || el === document.body) {
      return { description: "(nothing)", isSkipLink: false, isComposer: false, outlineStyle: "none", outlineWidth: 0 };
    }
    const style = getComputedStyle(el);
    const name = el.getAttribute("aria-label") ?? el.textContent?.trim().replace(/\s+/g, " ").slice(0, 40) ?? "";
    return {
      description: `<${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""}> ${name}`,
      isSkipLink: el.classList.contains("skip-link"),
      isComposer: el.id === "composer-body",
      outlineStyle: style.outlineStyle,
      outlineWidth: parseFloat(style.outlineWidth),
    };
  });
}

test("keyboard: the skip links come first and show when focused; every stop from the messages to the composer shows a focus ring", async ({
  browser,
  server,
}) => {
  const page = await (await person(browser, server)).newPage();
  const roomName = unique("keys");
  await signUp(page, unique("kim"));
  const roomPath = await createRoom(page, roomName, "Keyboard only");
  await page.goto(roomPath);

  // The first Tab stops are the skip links, and each becomes visible when focused.
  for (const name of ["Skip to message box", "Skip to messages"]) {
    await page.keyboard.press("Tab");
    const skipLink = page.getByRole("link", { name });
    await expect(skipLink).toBeFocused();
    const box = await skipLink.boundingBox();
    expect(box?.width ?? 0).toBeGreaterThan(50);
    expect(box?.height ?? 0).toBeGreaterThan(10);
    expect((await focused(page)).outlineStyle).not.toBe("none");
  }

  // "Skip to messages" in a room with none yet puts focus on the message list itself.
  await page.keyboard.press("Enter");
  await expect(page.getByRole("log", { name: `Messages in ${roomName}` })).toBeFocused();

  // Onwards by Tab until the composer: each stop must show where focus is.
  const stops: Focused[] = [await focused(page)];
  while (!stops.at(-1)!.isComposer && stops.length < 30) {
    await page.keyboard.press("Tab");
    stops.push(await focused(page));
  }
  const path = stops.map((s) => `${s.description} [outline: ${s.outlineStyle} ${s.outlineWidth}px]`).join("\n");
  expect(stops.at(-1)!.isComposer, `never reached the composer; Tab went through:\n${path}`).toBe(true);
  await expect(page.getByRole("textbox", { name: `Message #${roomName}`, exact: true })).toBeFocused();
  for (const stop of stops) {
    expect(stop.outlineStyle, `no visible focus on ${stop.description}; Tab went through:\n${path}`).not.toBe("none");
    expect(stop.outlineWidth, `focus outline too thin on ${stop.description}`).toBeGreaterThanOrEqual(2);
  }

  // The composer's Send button is the next stop and shows focus too.
  await page.keyboard.press("Tab");
  await expect(page.getByRole("button", { name: "Send", exact: true })).toBeFocused();
  expect((await focused(page)).outlineStyle).not.toBe("none");

  // Other pages keep "Skip to main content", which leads into main.
  await page.goto("/rooms");
  await page.keyboard.press("Tab");
  await expect(page.getByRole("link", { name: "Skip to main content" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("main")).toBeFocused();

  await page.context().close();
});

// ---------------------------------------------------------------------------------------------
// Issue 13: the room page by keyboard. The messages are one Tab stop (a roving tabindex, as in the
// APG feed pattern), the skip links lead to the message box and to the messages, focus survives
// live updates and history loads, and the phone panels say whether they are open.

/** What the checks below read of the focused element, in the page (no DOM lib here: see browser.ts). */
interface ActiveInfo {
  tag: string;
  id: string;
  /** The id of the message, or of the room row, it sits in ("" when none). */
  messageId: string;
  rowId: string;
  href: string;
  text: string;
  /** Inside the viewport, bigger than an sr-only box's pixel, and not transparent. */
  inViewport: boolean;
  /** Whether a test marked it (or its message) before a swap: a replacement is unmarked. */
  marked: boolean;
}

interface InPage {
  id: string;
  tagName: string;
  textContent: string | null;
  closest(selector: string): InPage | null;
  getAttribute(name: string): string | null;
  getBoundingClientRect(): { left: number; top: number; right: number; bottom: number; width: number; height: number };
  parentElement: InPage | null;
  __marked?: boolean;
}

async function active(page: Page): Promise<ActiveInfo> {
  return page.evaluate(() => {
    const w = globalThis as unknown as {
      document: { activeElement: InPage | null; body: InPage };
      innerWidth: number;
      innerHeight: number;
      getComputedStyle(el: InPage): { opacity: string };
    };
    const el = w.document.activeElement;
    if (!el || el === w.document.body) {
      return { tag: "body", id: "", messageId: "", rowId: "", href: "", text: "", inViewport: false, marked: false };
    }
    const box = el.getBoundingClientRect();
    let opacity = 1;
    for (let e: InPage | null = el; e; e = e.parentElement) opacity *= Number(w.getComputedStyle(e).opacity);
    return {
      tag: el.tagName.toLowerCase(),
      id: el.id,
      messageId: el.closest("li.message")?.id ?? "",
      rowId: el.closest('li[id^="room-row-"]')?.id ?? "",
      href: el.getAttribute("href") ?? "",
      text: (el.textContent ?? "").trim().replace(/\s+/g, " ").slice(0, 60),
      inViewport:
        box.width > 1 &&
        box.height > 1 &&
        opacity > 0 &&
        box.bottom > 0 &&
        box.right > 0 &&
        box.top < w.innerHeight &&
        box.left < w.innerWidth,
      marked: el.__marked === true,
    };
  });
}

/** A browser carrying `visitor`'s session. */
async function browserAs(browser: Browser, server: TestServer, visitor: Visitor, options: BrowserContextOptions = {}): Promise<Page> {
  const context = await person(browser, server, { viewport: { width: 1280, height: 800 }, ...options });
  await context.addCookies(visitor.cookieList().map((c) => ({ ...c, url: server.url })));
  return context.newPage();
}

const shownMessages = (page: Page) => page.locator("#history > li.message, #messages > li.message");

/** Tab from the skip links' "Skip to messages" to the message box; returns the stops in between. */
async function stopsFromMessagesToComposer(page: Page): Promise<string[]> {
  await page.keyboard.press("Tab");
  await page.keyboard.press("Tab");
  await expect(page.getByRole("link", { name: "Skip to messages" })).toBeFocused();
  await page.keyboard.press("Enter");
  const stops: string[] = [];
  for (let i = 0; i < 40; i++) {
    const now = await active(page);
    if (now.id === "composer-body") return stops;
    stops.push(`<${now.tag}${now.id ? `#${now.id}` : ""}> ${now.text.slice(0, 30)}`);
    // A message, or a control in one, shows while it has focus (the composer's own stops are the composer's business).
    if (now.messageId) expect(now.inViewport, `${stops.at(-1)} is visible while focused`).toBe(true);
    await page.keyboard.press("Tab");
  }
  throw new Error(`never reached the message box; Tab went through:\n${stops.join("\n")}`);
}

test("in a room of 200 messages, the skip link puts focus in the message box in two key presses, and nothing is focused on load", async ({
  browser,
  server,
}) => {
  const { reader, roomId, roomName } = await roomWithMessages(server, 200);
  const page = await browserAs(browser, server, reader);
  await page.goto(`/rooms/${roomId}`);
  await expect(shownMessages(page)).toHaveCount(50);
  expect((await active(page)).tag, "focus after the page loads").toBe("body");

  const keys = ["Tab", "Enter"];
  for (const key of keys) await page.keyboard.press(key);
  await expect(page.getByRole("textbox", { name: `Message #${roomName}`, exact: true })).toBeFocused();
  expect(keys.length).toBeLessThanOrEqual(3);
  // The skip link was the first stop, and visible while focused.
  await page.goto(`/rooms/${roomId}`);
  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "Skip to message box" });
  await expect(skip).toBeFocused();
  expect((await skip.boundingBox())?.width ?? 0).toBeGreaterThan(50);
  await page.context().close();
});

test("the messages are one Tab stop: the same few stops lead from the skip links to the message box in a room of 3 or of 200", async ({
  browser,
  server,
}) => {
  const counts: number[] = [];
  for (const count of [3, 200]) {
    const { reader, roomId } = await roomWithMessages(server, count);
    const page = await browserAs(browser, server, reader);
    await page.goto(`/rooms/${roomId}`);
    await expect(shownMessages(page)).toHaveCount(Math.min(count, 50));
    const newest = await shownMessages(page).last().getAttribute("id");
    const stops = await stopsFromMessagesToComposer(page);
    // "Skip to messages" lands on the newest message, the one Tab stop of the list.
    expect(stops[0], `the first stop after "Skip to messages":\n${stops.join("\n")}`).toContain(`<li#${newest}>`);
    // The current message's own controls (its time, Reply, React, Seen by, Mark unread, Copy link)
    // and the composer's two before its text: a bound that does not grow with the room.
    expect(stops.length, `stops from the messages to the message box:\n${stops.join("\n")}`).toBeLessThanOrEqual(10);
    counts.push(stops.length);
    await page.context().close();
  }
  expect(counts[1], "a busier room has no more stops").toBe(counts[0]);
});

test("a message's actions by keyboard: ArrowUp to a message, Tab into its actions, use them", async ({ browser, server }) => {
  const { reader, roomId } = await roomWithMessages(server, 60);
  const page = await browserAs(browser, server, reader);
  await page.goto(`/rooms/${roomId}`);
  await expect(shownMessages(page)).toHaveCount(50);
  // Into the list at the newest message, and up two.
  await page.keyboard.press("Tab");
  await page.keyboard.press("Tab");
  await page.keyboard.press("Enter");
  const newest = shownMessages(page).last();
  await expect(newest).toBeFocused();
  await expect(newest).toHaveAttribute("tabindex", "0");
  await page.keyboard.press("ArrowUp");
  await page.keyboard.press("ArrowUp");
  const message = shownMessages(page).filter({ hasText: "note 58" });
  await expect(message).toBeFocused();
  await expect(message).toBeInViewport();
  await expect(newest).toHaveAttribute("tabindex", "-1");
  await page.keyboard.press("ArrowDown");
  await expect(shownMessages(page).filter({ hasText: "note 59" })).toBeFocused();
  await page.keyboard.press("ArrowUp");
  await expect(message).toBeFocused();

  /** Tabs on within the message until `name` is focused; never leaves the message. */
  async function tabTo(name: RegExp): Promise<void> {
    for (let i = 0; i < 6; i++) {
      await page.keyboard.press("Tab");
      const now = await active(page);
      expect(now.messageId, `Tab left the message looking for ${name}`).toBe(await message.getAttribute("id"));
      expect(now.inViewport, `${now.text} is visible while focused`).toBe(true);
      if (name.test(now.text)) return;
    }
    throw new Error(`${name} is not among the message's controls`);
  }

  await tabTo(/^Seen by/);
  await page.keyboard.press("Enter");
  await expect(message.locator("details.seen-by")).toHaveAttribute("open", "");
  await expect(message.locator(".seen-by-list")).not.toContainText("See who has seen this");
  await page.keyboard.press("Enter");
  await expect(message.locator("details.seen-by")).not.toHaveAttribute("open", "");

  await tabTo(/^Mark unread from here$/);
  const marked = page.waitForResponse((r) => r.request().method() === "POST" && /\/messages\/\d+\/unread$/.test(r.url()));
  await page.keyboard.press("Enter");
  expect((await marked).status()).toBe(204);

  // The time is the message's permalink.
  await message.focus();
  await tabTo(/link to this message/);
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/rooms\/\d+\/messages\/\d+#message-\d+$/);
  await page.context().close();
});

test("a live sidebar update that replaces the focused room row keeps focus on the same link, on screen", async ({ browser, server }) => {
  const { owner, reader, roomId } = await roomWithMessages(server, 3);
  const otherName = unique("other");
  const otherRoom = await owner.createRoom(otherName);
  await reader.joinRoom(otherRoom);
  const page = await browserAs(browser, server, reader);
  await watchLiveConnection(page);
  await page.goto(`/rooms/${roomId}`);
  await waitForLiveConnection(page);

  const row = page.locator(`#room-row-${otherRoom}`);
  await row.getByRole("link").focus();
  await row.evaluate((li) => {
    const el = li as unknown as InPage & { querySelector(s: string): InPage };
    el.querySelector("a").__marked = true;
  });
  await owner.openRoom(otherRoom);
  await owner.post(`/rooms/${otherRoom}/messages`, { body: "news elsewhere" });
  await expect(row.locator(".unread-count")).toHaveText(/^1/);
  const now = await active(page);
  expect(now.tag, "focus after the row was replaced").toBe("a");
  expect(now.marked, "the row was replaced, not kept").toBe(false);
  expect(now.rowId).toBe(`room-row-${otherRoom}`);
  expect(now.href).toBe(`/rooms/${otherRoom}`);
  expect(now.inViewport).toBe(true);
  await page.context().close();
});

test("loading older messages by keyboard keeps focus: on the newly loaded message next to where the reader was", async ({
  browser,
  server,
}) => {
  const { reader, roomId } = await roomWithMessages(server, 200);
  const page = await browserAs(browser, server, reader);
  await page.goto(`/rooms/${roomId}`);
  await expect(shownMessages(page)).toHaveCount(50);

  // Tab onto "Older messages" from the message list's scroll box: focusing it brings it on screen,
  // which loads the page above and replaces the link.
  await page.locator("#scroller").focus();
  await page.keyboard.press("Tab");
  await expect(shownMessages(page)).toHaveCount(100);
  await expect.poll(async () => (await active(page)).tag, { message: "focus after the page arrived" }).toBe("li");
  let now = await active(page);
  expect(now.inViewport, "the focused message is on screen").toBe(true);
  await expect(page.locator(`[id="${now.messageId}"]`)).toContainText("note 150");

  // Home goes to the oldest message shown; ArrowUp from there goes on up, through the loader if
  // the page above has not come yet (bringing that message on screen may well have loaded it).
  await page.keyboard.press("Home");
  await expect(shownMessages(page).filter({ hasText: "note 101" })).toBeFocused();
  await page.keyboard.press("ArrowUp");
  await expect(shownMessages(page)).toHaveCount(150);
  await expect.poll(async () => (await active(page)).text).toContain("note 100");
  now = await active(page);
  expect(now.tag).toBe("li");
  expect(now.inViewport, "the focused message is on screen").toBe(true);
  await page.context().close();
});

for (const panel of [
  { opener: "Rooms and menu", id: "sidebar" },
  { opener: /^Members \(2\)$/, id: "members" },
]) {
  test(`on a phone, "${String(panel.opener)}" opens its panel with focus in it; Escape and Close bring focus back`, async ({
    browser,
    server,
  }) => {
    const { reader, roomId } = await roomWithMessages(server, 5);
    const page = await browserAs(browser, server, reader, { viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true });
    await page.goto(`/rooms/${roomId}`);
    const opener = page.getByRole("link", { name: panel.opener });
    const shown = page.locator(`#${panel.id}`);
    await expect(opener).toHaveAttribute("aria-expanded", "false");
    await expect(opener).toHaveAttribute("aria-controls", panel.id);
    // Focus is on something inside the panel (its first control), not on the panel itself.
    const inPanel = () =>
      page.evaluate((id) => {
        const focus = (globalThis as unknown as { document: { activeElement: InPage | null } }).document.activeElement;
        return !!focus && focus.id !== id && focus.closest(`#${id}`) !== null;
      }, panel.id);
    const behindIsInert = () =>
      page.evaluate(() => {
        const { document } = globalThis as unknown as { document: { querySelector(s: string): InPage } };
        return document.querySelector(".phone-bar").closest("[inert]") !== null;
      });

    for (const close of ["Escape", "Close"] as const) {
      await opener.focus();
      await page.keyboard.press("Enter");
      await expect(shown).toBeVisible();
      await expect(opener).toHaveAttribute("aria-expanded", "true");
      await expect.poll(inPanel, { message: "focus moved into the panel" }).toBe(true);
      expect((await active(page)).inViewport).toBe(true);
      // What the panel covers cannot take focus while it is open.
      expect(await behindIsInert()).toBe(true);
      if (close === "Escape") {
        await page.keyboard.press("Escape");
      } else {
        await shown.getByRole("link", { name: "Close" }).focus();
        await page.keyboard.press("Enter");
      }
      await expect(shown).toBeHidden();
      await expect(opener).toHaveAttribute("aria-expanded", "false");
      await expect(opener).toBeFocused();
      expect(await behindIsInert()).toBe(false);
    }
    await page.context().close();
  });
}
