import type { Browser, BrowserContextOptions, Page } from "@playwright/test";
import type { Visitor } from "../support/client.js";
import type { TestServer } from "../support/server.js";
import { expect, person, waitForLiveConnection, watchLiveConnection } from "./fixtures.js";

/** A screen to test a page on: a viewport always, and whatever else makes the device (touch, pixel density). */
export interface Screen {
  name: string;
  options: BrowserContextOptions & { viewport: { width: number; height: number } };
}

// Phones upright and sideways, a tablet, a laptop, and that laptop zoomed: a 640×400 viewport at twice
// the pixels stands in for 1280×800 at 200%, 320×200 at four times for 400% (WCAG 1.4.10's reflow).
export const narrow: Screen = { name: "320×640", options: { viewport: { width: 320, height: 640 } } };
export const phone: Screen = {
  name: "a 375×812 phone",
  options: { viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true },
};
export const sideways: Screen = {
  name: "a phone held sideways (812×375)",
  options: { viewport: { width: 812, height: 375 }, isMobile: true, hasTouch: true },
};
export const tablet: Screen = { name: "768×1024", options: { viewport: { width: 768, height: 1024 } } };
export const laptop: Screen = { name: "1280×800", options: { viewport: { width: 1280, height: 800 } } };
export const zoom200: Screen = { name: "1280×800 at 200%", options: { viewport: { width: 640, height: 400 }, deviceScaleFactor: 2 } };
export const zoom400: Screen = { name: "1280×800 at 400%", options: { viewport: { width: 320, height: 200 }, deviceScaleFactor: 4 } };

/** A browser of the visitor's own, signed in as them (their cookies), with or without script. */
export async function browserOf(
  browser: Browser,
  server: TestServer,
  visitor: Visitor,
  options: BrowserContextOptions,
  javaScriptEnabled: boolean,
): Promise<Page> {
  const context = await person(browser, server, { ...options, javaScriptEnabled });
  await context.addCookies(visitor.cookieList().map((c) => ({ ...c, url: server.url })));
  return context.newPage();
}

/** Each visitor's browser (script on) with the room open and its live connection up, in order. */
export async function liveInRoom(
  browser: Browser,
  server: TestServer,
  roomId: number,
  visitors: Visitor[],
  options: BrowserContextOptions,
) {
  const pages: Page[] = [];
  for (const visitor of visitors) {
    const page = await browserOf(browser, server, visitor, options, true);
    await watchLiveConnection(page);
    await page.goto(`/rooms/${roomId}`);
    await waitForLiveConnection(page);
    pages.push(page);
  }
  return pages;
}

/** The little of an element the checks read in the page (no DOM lib here: see browser.ts). */
export interface PageNode {
  tagName: string;
  textContent: string | null;
  parentElement: PageNode | null;
  clientHeight: number;
  scrollHeight: number;
  getBoundingClientRect(): { left: number; top: number; width: number; height: number };
  contains(other: unknown): boolean;
  closest(selector: string): unknown;
}

/** The page's window, as far as the checks read it. */
export interface PageWindow {
  innerHeight: number;
  getComputedStyle(element: PageNode): { overflowY: string };
  document: {
    body: PageNode;
    documentElement: { scrollWidth: number; clientWidth: number };
    scrollingElement: { scrollTop: number; scrollHeight: number; clientHeight: number };
    elementFromPoint(x: number, y: number): unknown;
  };
}

/** Whether the element's centre, scrolled into view, is the element itself (nothing painted over it). */
export async function unobstructed(page: Page, selector: string): Promise<boolean> {
  const target = page.locator(selector);
  await target.scrollIntoViewIfNeeded();
  return target.evaluate((node: unknown) => {
    const element = node as PageNode;
    const box = element.getBoundingClientRect();
    const { document } = globalThis as unknown as PageWindow;
    const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
    return hit !== null && element.contains(hit);
  });
}

/** Nothing is wider than the screen: the page never scrolls sideways (WCAG 1.4.10). */
export async function expectNoSidewaysScrolling(page: Page): Promise<void> {
  const { scrollWidth, clientWidth } = await page.evaluate(() => {
    const { documentElement } = (globalThis as unknown as PageWindow).document;
    return { scrollWidth: documentElement.scrollWidth, clientWidth: documentElement.clientWidth };
  });
  expect(scrollWidth, "no scrolling sideways").toBeLessThanOrEqual(clientWidth);
}

/**
 * Every control is at least 24 px square (WCAG 2.5.8); links inside a sentence are exempt, and the
 * skip link is out of sight until focused.
 */
export async function expectTargetsAtLeast24px(page: Page): Promise<void> {
  const small = await page
    .locator("a:visible, button:visible, summary:visible, input:visible, textarea:visible, select:visible")
    .evaluateAll((nodes: unknown[]) =>
      (nodes as PageNode[])
        .filter((e) => !e.closest("p, .message-body, .skip-link"))
        .map((e) => ({ e, box: e.getBoundingClientRect() }))
        .filter(({ box }) => box.width < 24 || box.height < 24)
        .map(
          ({ e, box }) => `${e.tagName} "${(e.textContent ?? "").trim().slice(0, 30)}" ${Math.round(box.width)}×${Math.round(box.height)}`,
        ),
    );
  expect(small, "controls smaller than 24×24").toEqual([]);
}
