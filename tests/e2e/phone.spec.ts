import type { BrowserContextOptions } from "@playwright/test";
import { Visitor } from "../support/client.js";
import type { TestServer } from "../support/server.js";
import { expectNoAxeViolations } from "./axe.js";
import { expect, type person, test, unique } from "./fixtures.js";
import {
  browserOf,
  expectNoSidewaysScrolling,
  expectTargetsAtLeast24px,
  laptop,
  narrow,
  phone,
  sideways,
  tablet,
  unobstructed,
  zoom200,
  zoom400,
} from "./screens.js";

// The room page on small and short screens: phones upright and sideways, a tablet, a laptop, and
// the laptop at 200% and 400% zoom.
const screens = [narrow, phone, sideways, tablet, laptop, zoom200, zoom400];

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
  const page = await browserOf(browser, server, visitor, options, javaScriptEnabled);
  await page.goto(`/rooms/${roomId}`);
  return { page, roomName };
}

for (const { name, options } of screens) {
  for (const javaScript of [true, false]) {
    test(`on ${name}${javaScript ? "" : ", without JavaScript"}, the messages keep their room and the composer stays reachable`, async ({
      browser,
      server,
    }) => {
      const { page, roomName } = await reader(server, { ...options, colorScheme: "light" }, javaScript, browser);
      const { height } = options.viewport;
      const log = page.getByRole("log", { name: `Messages in ${roomName}` });
      // What of the list is on screen: all of it where it scrolls inside, less where the room scrolls as one.
      const box = (await log.boundingBox())!;
      const shown = Math.min(box.y + box.height, height) - Math.max(box.y, 0);
      expect(shown, "the message list's height on screen").toBeGreaterThanOrEqual(Math.min(0.4 * height, 200));
      // The newest message is on screen as the page opens, before any scrolling.
      const newest = (await log.getByRole("listitem").filter({ hasText: "Message 30 of thirty" }).boundingBox())!;
      expect(newest.y).toBeGreaterThanOrEqual(0);
      expect(newest.y + newest.height).toBeLessThanOrEqual(height);
      // And the composer, with its Send button, below it.
      const send = (await page.getByRole("button", { name: "Send", exact: true }).boundingBox())!;
      expect(send.y).toBeGreaterThanOrEqual(newest.y + newest.height);
      expect(send.y + send.height).toBeLessThanOrEqual(height);
      expect(await unobstructed(page, "#composer-body"), "the message box is not covered").toBe(true);
      expect(await unobstructed(page, '#composer button[type="submit"]'), "Send is not covered").toBe(true);
      await expectNoSidewaysScrolling(page);
      await expectTargetsAtLeast24px(page);
      // axe runs in the page's own script, so it looks at each screen with script, light and dark.
      if (javaScript) {
        await expectNoAxeViolations(page);
        await page.emulateMedia({ colorScheme: "dark" });
        await expectNoAxeViolations(page);
      }
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

for (const javaScript of [true, false]) {
  test(`on a touch screen${javaScript ? "" : ", without JavaScript"}, a message's actions wait behind "More actions"`, async ({
    browser,
    server,
  }) => {
    const { page } = await reader(server, phone.options, javaScript, browser);
    const message = page.getByRole("listitem").filter({ hasText: "Message 30 of thirty" });
    const markUnread = message.getByRole("link", { name: "Mark unread from here" });
    await expect(markUnread).toBeHidden();
    const more = message.getByRole(javaScript ? "button" : "link", { name: "More actions" });
    await more.tap();
    if (javaScript) {
      await expect(more).toHaveAttribute("aria-expanded", "true");
    } else {
      // Without script the message's own page opens, with its toolbar shown.
      await expect(page).toHaveURL(/\/messages\/\d+#message-\d+$|\/rooms\/\d+\?around=\d+#message-\d+$/);
    }
    await expect(markUnread).toBeVisible();
    await expect(message.getByText("Seen by…")).toBeVisible();
    expect(
      await unobstructed(page, `#${(await message.getAttribute("id"))!} .message-actions > a[href$="/unread"]`),
      "the action is on top",
    ).toBe(true);
    if (javaScript) {
      await more.tap();
      await expect(markUnread).toBeHidden();
      await expect(more).toHaveAttribute("aria-expanded", "false");
    }
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
