import type { Page } from "@playwright/test";
import { Visitor } from "../support/client.js";
import type { TestServer } from "../support/server.js";
import { expectNoAxeViolations } from "./axe.js";
import { expect, test, unique } from "./fixtures.js";
import { browserOf, expectNoSidewaysScrolling, laptop, narrow } from "./screens.js";

/** Bob and Alice in a room of Bob's; Alice's browser, signed in and on no page yet. */
async function aliceAndBob(server: TestServer, options = laptop.options, colorScheme: "light" | "dark" = "light") {
  const [aliceName, bobName] = [unique("alice"), unique("bob")];
  const bob = new Visitor(server.url);
  await bob.signUp(bobName);
  const alice = new Visitor(server.url);
  await alice.signUp(aliceName);
  const roomName = unique("plans");
  const roomId = await bob.createRoom(roomName);
  await alice.joinRoom(roomId);
  const mention = (body: string) => bob.post(`/rooms/${roomId}/messages`, { body: `@${aliceName} ${body}` });
  return { aliceName, roomId, roomName, mention, visitor: alice, options: { ...options, colorScheme } };
}

/** Tabs from the top of the page to the link named `name` (a bounded walk), as a keyboard would. */
async function tabTo(page: Page, name: string): Promise<void> {
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press("Tab");
    const focused = page.locator(":focus");
    if ((await focused.count()) && (await focused.textContent())?.trim() === name) return;
  }
  throw new Error(`no "${name}" within 40 Tab presses`);
}

test("Alice opens Mentions from the sidebar by keyboard, sees Bob's mention unread, and Mark all as read clears it", async ({
  browser,
  server,
}) => {
  const { roomId, roomName, mention, visitor, options } = await aliceAndBob(server);
  await mention("can you review the plan?");
  const page = await browserOf(browser, server, visitor, options, true);
  // Not the room's page: reading it there would read the mention too.
  await page.goto("/rooms");
  await tabTo(page, "Mentions");
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/mentions$/);
  await expect(page.getByRole("heading", { level: 1, name: "Mentions" })).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Rooms" }).getByRole("link", { name: "Mentions" })).toHaveAttribute(
    "aria-current",
    "page",
  );

  const list = page.getByRole("list", { name: "Mentions" });
  const item = list.getByRole("listitem").filter({ hasText: "can you review the plan?" });
  await expect(item.getByRole("heading", { level: 2 })).toHaveText(new RegExp(`${roomName}\\s+Unread`));
  await expect(item.getByRole("link", { name: roomName, exact: true })).toHaveAttribute("href", `/rooms/${roomId}`);
  await expect(item.getByRole("link", { name: /^Open/ })).toHaveAttribute(
    "href",
    new RegExp(`^/rooms/${roomId}/messages/\\d+#message-\\d+$`),
  );
  await expectNoAxeViolations(page);

  await page.getByRole("button", { name: "Mark all as read" }).click();
  await expect(page).toHaveURL(/\/mentions$/);
  await expect(item).toBeVisible();
  await expect(item.getByText("Unread", { exact: true })).toHaveCount(0);
});

for (const colorScheme of ["light", "dark"] as const) {
  test(`axe finds nothing on the Mentions page, with mentions and empty, ${colorScheme}`, async ({ browser, server }) => {
    const empty = await aliceAndBob(server, laptop.options, colorScheme);
    const emptyPage = await browserOf(browser, server, empty.visitor, empty.options, true);
    await emptyPage.goto("/mentions");
    await expect(emptyPage.getByText("Nobody has mentioned you yet.")).toBeVisible();
    await expectNoAxeViolations(emptyPage);

    // Read and unread ones, and the link to older ones: all the page can show.
    const full = await aliceAndBob(server, laptop.options, colorScheme);
    for (let i = 1; i <= 16; i++) await full.mention(`note ${i}`);
    await full.visitor.openRoom(full.roomId);
    await full.visitor.post(`/rooms/${full.roomId}/read`);
    for (let i = 17; i <= 31; i++) await full.mention(`note ${i}`);
    const page = await browserOf(browser, server, full.visitor, full.options, true);
    await page.goto("/mentions");
    const list = page.getByRole("list", { name: "Mentions" });
    await expect(list.getByRole("listitem").filter({ hasText: "note 31" }).getByText("Unread", { exact: true })).toBeVisible();
    await expect(list.getByRole("listitem").filter({ hasText: "note 16" }).getByText("Unread", { exact: true })).toHaveCount(0);
    await expect(page.getByRole("link", { name: "Older mentions" })).toBeVisible();
    await expectNoAxeViolations(page);

    // With htmx, the older page joins the list in place, and focus goes to the first mention it brought.
    await page.getByRole("link", { name: "Older mentions" }).focus();
    await page.keyboard.press("Enter");
    await expect(list.getByRole("listitem")).toHaveCount(31);
    await expect(list.getByRole("listitem").nth(30).getByRole("link", { name: full.roomName, exact: true })).toBeFocused();
    await expect(list.getByRole("listitem").nth(30)).toContainText("note 1");
    await expect(page.getByRole("link", { name: "Older mentions" })).toHaveCount(0);
    await expect(page).toHaveURL(/\/mentions$/);
    await expectNoAxeViolations(page);
  });
}

for (const javaScript of [true, false]) {
  test(`at 320 px wide${javaScript ? "" : ", without JavaScript"}, the Mentions page does not scroll sideways`, async ({
    browser,
    server,
  }) => {
    const { mention, visitor, options } = await aliceAndBob(server, narrow.options);
    await mention(`a long one: ${"https://example.org/".repeat(3)}${"averyveryverylongwordwithoutanybreaks".repeat(2)}`);
    await mention("short");
    const page = await browserOf(browser, server, visitor, options, javaScript);
    await page.goto("/mentions");
    await expect(page.getByRole("list", { name: "Mentions" }).getByRole("listitem")).toHaveCount(2);
    await expectNoSidewaysScrolling(page);
    if (!javaScript) {
      await page.getByRole("button", { name: "Mark all as read" }).click();
      await expect(page.getByRole("list", { name: "Mentions" }).getByText("Unread", { exact: true })).toHaveCount(0);
    }
  });
}
