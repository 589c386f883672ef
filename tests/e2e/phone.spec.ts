import type { BrowserContextOptions, Page } from "@playwright/test";
import { Visitor } from "../support/client.js";
import type { TestServer } from "../support/server.js";
import { expectNoAxeViolations } from "./axe.js";
import { expect, person, test, unique } from "./fixtures.js";

// The room page on small and short screens: phones upright and sideways, a tablet, and a laptop at
// 200% zoom (a 640×400 viewport at twice the pixels stands in for 1280×800 zoomed).
const screens: Array<{ name: string; options: BrowserContextOptions }> = [
  { name: "320×640", options: { viewport: { width: 320, height: 640 } } },
  { name: "a 375×812 phone", options: { viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true } },
  { name: "a phone held sideways (812×375)", options: { viewport: { width: 812, height: 375 }, isMobile: true, hasTouch: true } },
  { name: "768×1024", options: { viewport: { width: 768, height: 1024 } } },
  { name: "1280×800 at 200%", options: { viewport: { width: 640, height: 400 }, deviceScaleFactor: 2 } },
];

test.describe.configure({ mode: "parallel" });

/** A reader in a room of 30 messages with a link to follow; their browser on the room page. */
async function reader(
  server: TestServer,
  options: BrowserContextOptions,
  javaScriptEnabled: boolean,
  browser: Parameters<typeof person>[0],
) {
  const writer = new Visitor(server.url);
  await writer.signUp(unique("writer"));
  const roomName = unique("phones");
  const roomId = await writer.createRoom(roomName, { topic: "Small screens, big words" });
  const visitor = new Visitor(server.url);
  await visitor.signUp(unique("reader"));
  await visitor.joinRoom(roomId);
  for (let i = 1; i <= 30; i++) await writer.post(`/rooms/${roomId}/messages`, { body: `Message ${i} of thirty` });
  const context = await person(browser, server, { ...options, javaScriptEnabled });
  await context.addCookies(visitor.cookieList().map((c) => ({ ...c, url: server.url })));
  const page = await context.newPage();
  await page.goto(`/rooms/${roomId}`);
  return { page, roomName };
}

/** The little of an element the checks below read in the page (no DOM lib here: see browser.ts). */
interface PageNode {
  tagName: string;
  textContent: string | null;
  getBoundingClientRect(): { left: number; top: number; width: number; height: number };
  contains(other: unknown): boolean;
  closest(selector: string): unknown;
}

/** Whether the element's centre, scrolled into view, is the element itself (nothing painted over it). */
async function unobstructed(page: Page, selector: string): Promise<boolean> {
  const target = page.locator(selector);
  await target.scrollIntoViewIfNeeded();
  return target.evaluate((node: unknown) => {
    const element = node as PageNode;
    const box = element.getBoundingClientRect();
    const { document } = globalThis as unknown as { document: { elementFromPoint(x: number, y: number): unknown } };
    const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
    return hit !== null && element.contains(hit);
  });
}

for (const { name, options } of screens) {
  for (const javaScript of [true, false]) {
    test(`on ${name}${javaScript ? "" : ", without JavaScript"}, the messages keep their room and the composer stays reachable`, async ({
      browser,
      server,
    }) => {
      const { page, roomName } = await reader(server, options, javaScript, browser);
      const { width, height } = options.viewport!;
      const log = page.getByRole("log", { name: `Messages in ${roomName}` });
      const box = (await log.boundingBox())!;
      expect(box.height, "the message list's height").toBeGreaterThanOrEqual(Math.min(0.4 * height, 200));
      // The newest message is on screen as the page opens, before any scrolling.
      const newest = (await log.getByRole("listitem").filter({ hasText: "Message 30 of thirty" }).boundingBox())!;
      expect(newest.y).toBeGreaterThanOrEqual(0);
      expect(newest.y + newest.height).toBeLessThanOrEqual(height);
      // Tall enough screens show the composer as well; on short ones the page scrolls to it.
      if (height >= 600) {
        const send = (await page.getByRole("button", { name: "Send", exact: true }).boundingBox())!;
        expect(send.y + send.height).toBeLessThanOrEqual(height);
      }
      expect(await unobstructed(page, "#composer-body"), "the message box is not covered").toBe(true);
      expect(await unobstructed(page, '#composer button[type="submit"]'), "Send is not covered").toBe(true);
      expect(
        await page.evaluate(
          () => (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement.scrollWidth,
        ),
        "no scrolling sideways",
      ).toBeLessThanOrEqual(width);
      // Every control is at least 24 px square (WCAG 2.5.8); links inside a sentence are exempt, and
      // the skip link is out of sight until focused.
      const small = await page
        .locator("a:visible, button:visible, summary:visible, input:visible, textarea:visible, select:visible")
        .evaluateAll((nodes: unknown[]) =>
          (nodes as PageNode[])
            .filter((e) => !e.closest("p, .message-body, .skip-link"))
            .map((e) => ({ e, box: e.getBoundingClientRect() }))
            .filter(({ box }) => box.width < 24 || box.height < 24)
            .map(
              ({ e, box }) =>
                `${e.tagName} "${(e.textContent ?? "").trim().slice(0, 30)}" ${Math.round(box.width)}×${Math.round(box.height)}`,
            ),
        );
      expect(small, "controls smaller than 24×24").toEqual([]);
    });
  }
}

for (const javaScript of [true, false]) {
  test(`on a phone${javaScript ? "" : ", without JavaScript"}, the rooms and the members open as panels of their own and close again`, async ({
    browser,
    server,
  }) => {
    const { page, roomName } = await reader(server, screens[1]!.options, javaScript, browser);
    const rooms = page.getByRole("navigation", { name: "Rooms" });
    await expect(rooms).toBeHidden();
    await page.getByRole("link", { name: "Rooms and menu" }).click();
    await expect(rooms).toBeVisible();
    await expect(rooms.getByRole("link", { name: new RegExp(roomName) })).toBeVisible();
    expect(await unobstructed(page, "#sidebar .panel-close"), "the panel is on top").toBe(true);
    await rooms.getByRole("link", { name: "Close" }).click();
    await expect(rooms).toBeHidden();
    await expect(page.getByRole("button", { name: "Send", exact: true })).toBeVisible();

    const members = page.getByRole("complementary", { name: /Members \(2\)/ });
    await expect(members).toBeHidden();
    await page.getByRole("link", { name: "Members (2)" }).click();
    await expect(members).toBeVisible();
    await expect(members.getByRole("listitem")).toHaveCount(2);
    await members.getByRole("link", { name: "Close" }).click();
    await expect(members).toBeHidden();
  });
}

for (const colorScheme of ["light", "dark"] as const) {
  test(`axe finds nothing on a phone's room page, its panels open and closed (${colorScheme})`, async ({ browser, server }) => {
    const { page } = await reader(server, { ...screens[1]!.options, colorScheme }, true, browser);
    await expectNoAxeViolations(page);
    await page.getByRole("link", { name: "Rooms and menu" }).click();
    await expectNoAxeViolations(page);
    await page.getByRole("navigation", { name: "Rooms" }).getByRole("link", { name: "Close" }).click();
    await page.getByRole("link", { name: "Members (2)" }).click();
    await expectNoAxeViolations(page);
  });
}

test("the Unread page's \"Mark all as read\" stays in the page's column, beside its heading", async ({ browser, server }) => {
  // Without script, opening the room does not read it: its thirty messages stay unread.
  const { page } = await reader(server, { viewport: { width: 1280, height: 800 } }, false, browser);
  await page.goto("/unread");
  const button = (await page.getByRole("button", { name: "Mark all as read" }).boundingBox())!;
  const section = (await page.locator("main section").first().boundingBox())!;
  expect(button.x + button.width).toBeLessThanOrEqual(section.x + section.width);
});
