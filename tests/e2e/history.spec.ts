import type { Page } from "@playwright/test";
import { and, eq } from "drizzle-orm";
import { messages } from "../../src/db/schema.js";
import { expect, logIn, person, roomWithMessages, socketSwitch, test, waitForLiveConnection, watchLiveConnection } from "./fixtures.js";

interface Scroller {
  scrollTop: number;
  scrollHeight: number;
  clientHeight: number;
}

const messagesShown = (page: Page) => page.locator("#history > li.message, #messages > li.message");

test("scrolling up loads three pages of history above without moving what is on screen, then back down", async ({ browser, server }) => {
  const { readerName, roomId } = await roomWithMessages(server, 180, "history");
  const page = await (await person(browser, server, { viewport: { width: 1000, height: 700 } })).newPage();
  await logIn(page, readerName);
  await page.goto(`/rooms/${roomId}`);
  await expect(messagesShown(page)).toHaveCount(50);

  for (let loaded = 1; loaded <= 3; loaded++) {
    const before = await messagesShown(page).count();
    // Scroll to the top, and note where the oldest message shown (the anchor) is on screen at that
    // moment, before the page above it can arrive: once it has, the anchor must not have moved.
    const [anchorId, anchorTop] = await page.locator("#scroller").evaluate((el) => {
      const s = el as unknown as Scroller & { querySelector(q: string): { id: string; getBoundingClientRect(): { top: number } } };
      s.scrollTop = -(s.scrollHeight - s.clientHeight);
      const anchor = s.querySelector("li.message");
      return [anchor.id, anchor.getBoundingClientRect().top] as const;
    });
    await expect(messagesShown(page)).toHaveCount(Math.min(180, before + 50));
    const moved = await page
      .locator(`[id="${anchorId}"]`)
      .evaluate((el) => (el as unknown as { getBoundingClientRect(): { top: number } }).getBoundingClientRect().top);
    expect(Math.abs(moved - anchorTop), `page ${loaded}: the anchor stays where it was`).toBeLessThan(2);
  }
  await expect(page.getByText(/^This is the start of/)).toBeVisible();
  await expect(messagesShown(page).first()).toContainText("history 1");
  await expect(messagesShown(page).last()).toContainText("history 180");

  // And back down to the newest.
  await page.locator("#scroller").evaluate((el) => ((el as unknown as Scroller).scrollTop = 0));
  await expect(messagesShown(page).last()).toBeInViewport();
  // Every message once, in order.
  const ids = await messagesShown(page).evaluateAll((lis) => lis.map((li) => Number((li as unknown as { id: string }).id.slice(8))));
  expect(ids).toEqual([...ids].sort((a, b) => a - b));
  expect(new Set(ids).size).toBe(180);
});

test("offline for a while: when Bob's connection is back, the three messages he missed appear once, in order", async ({
  browser,
  server,
}) => {
  const { owner, readerName, roomId } = await roomWithMessages(server, 5, "history");
  const context = await person(browser, server);
  const page = await context.newPage();
  const sockets = await socketSwitch(page);
  await watchLiveConnection(page);
  await logIn(page, readerName);
  await page.goto(`/rooms/${roomId}`);
  await waitForLiveConnection(page);

  await context.setOffline(true);
  await sockets.cut();
  await expect(page.getByRole("status").filter({ hasText: "Reconnecting…" })).toBeVisible();
  await owner.openRoom(roomId);
  for (const body of ["while you were away 1", "while you were away 2", "while you were away 3"]) {
    await owner.post(`/rooms/${roomId}/messages`, { body });
  }
  await page.waitForTimeout(500);
  const missed = page
    .getByRole("log")
    .getByRole("listitem")
    .filter({ hasText: /while you were away/ });
  await expect(missed).toHaveCount(0);

  sockets.restore();
  await context.setOffline(false);
  await expect(page.getByRole("status").filter({ hasText: "Reconnecting…" })).toHaveCount(0, { timeout: 30_000 });
  await expect(missed).toHaveText([/away 1/, /away 2/, /away 3/]);
  // A fresh message after the catch-up arrives live, once, and nothing came twice.
  await owner.post(`/rooms/${roomId}/messages`, { body: "welcome back" });
  await expect(page.getByRole("log").getByRole("listitem").filter({ hasText: "welcome back" })).toHaveCount(1);
  await expect(missed).toHaveCount(3);
});

test("without JavaScript, 'Older messages' walks back through the history to its start", async ({ browser, server }) => {
  const { readerName, roomId } = await roomWithMessages(server, 120, "history");
  const page = await (await person(browser, server, { javaScriptEnabled: false })).newPage();
  await logIn(page, readerName);
  await page.goto(`/rooms/${roomId}`);
  await expect(messagesShown(page).last()).toContainText("history 120");
  for (const [count, first] of [
    [50, "history 21"],
    [20, "history 1"],
  ] as const) {
    await page.getByRole("link", { name: "Older messages" }).click();
    await expect(messagesShown(page)).toHaveCount(count);
    await expect(messagesShown(page).first().locator(".message-body")).toHaveText(first);
  }
  await expect(page.getByText(/^This is the start of/)).toBeVisible();
  await expect(page.getByRole("link", { name: "Older messages" })).toHaveCount(0);
  await page.getByRole("link", { name: "Newer messages" }).click();
  await expect(messagesShown(page).first().locator(".message-body")).toHaveText("history 21");
});

test("far into a long history the page stays light: the far end is dropped, and comes back when scrolled to", async ({
  browser,
  server,
}) => {
  const { owner, readerName, roomId } = await roomWithMessages(server, 420, "history");
  const page = await (await person(browser, server, { viewport: { width: 1000, height: 700 } })).newPage();
  await watchLiveConnection(page);
  await logIn(page, readerName);
  await page.goto(`/rooms/${roomId}`);
  await waitForLiveConnection(page);
  const toEdge = (edge: "top" | "bottom") =>
    page.locator("#scroller").evaluate((el, edge) => {
      const s = el as unknown as Scroller;
      s.scrollTop = edge === "top" ? -(s.scrollHeight - s.clientHeight) : 0;
    }, edge);

  // Up to the start: never more than 300 messages on the page on the way.
  while ((await page.getByText(/^This is the start of/).count()) === 0) {
    const oldest = await messagesShown(page).first().getAttribute("id");
    await toEdge("top");
    await expect(messagesShown(page).first()).not.toHaveAttribute("id", oldest!);
    expect(await messagesShown(page).count()).toBeLessThanOrEqual(300);
  }
  await expect(messagesShown(page).first().locator(".message-body")).toHaveText("history 1");
  await expect(page.getByRole("link", { name: "Newer messages" })).toBeAttached();

  // Back down to the newest, loading what was dropped.
  while ((await page.locator("#history-newer").count()) > 0) {
    const newest = await messagesShown(page).last().getAttribute("id");
    await toEdge("bottom");
    await expect(messagesShown(page).last()).not.toHaveAttribute("id", newest!);
  }
  await expect(messagesShown(page).last().locator(".message-body")).toHaveText("history 420");
  const ids = await messagesShown(page).evaluateAll((lis) => lis.map((li) => Number((li as unknown as { id: string }).id.slice(8))));
  expect(ids).toEqual([...ids].sort((a, b) => a - b));
  expect(new Set(ids).size).toBe(ids.length);
  expect(ids.length).toBeLessThanOrEqual(300);
  // Live again: a new message arrives.
  await owner.openRoom(roomId);
  await owner.post(`/rooms/${roomId}/messages`, { body: "back to the present" });
  await expect(page.getByRole("log").getByRole("listitem").filter({ hasText: "back to the present" })).toHaveCount(1);
});

test("a permalink opens the room at its message, focused; far up, new messages offer 'Jump to newest' instead of pulling the view", async ({
  browser,
  server,
}) => {
  const { owner, readerName, roomId } = await roomWithMessages(server, 120, "history");
  const page = await (await person(browser, server, { viewport: { width: 1000, height: 700 } })).newPage();
  await watchLiveConnection(page);
  await logIn(page, readerName);
  const [{ id }] = (await server.deps.db
    .select({ id: messages.id })
    .from(messages)
    .where(and(eq(messages.roomId, roomId), eq(messages.body, "history 60")))) as [{ id: number }];
  await page.goto(`/rooms/${roomId}/messages/${id}`);
  const target = page.locator(`#message-${id}`);
  await expect(target).toBeFocused();
  await expect(target).toBeInViewport();
  await expect(target).toHaveAttribute("aria-current", "true");

  // The newest page, scrolled far up: new messages are counted, not scrolled to.
  await page.goto(`/rooms/${roomId}`);
  await waitForLiveConnection(page);
  await page.locator("#scroller").evaluate((el) => {
    const s = el as unknown as Scroller;
    s.scrollTop = -(s.scrollHeight - s.clientHeight) / 2;
  });
  await owner.openRoom(roomId);
  for (const body of ["new one", "new two"]) await owner.post(`/rooms/${roomId}/messages`, { body });
  const jump = page.getByRole("button", { name: "Jump to newest (2 new)" });
  await expect(jump).toBeVisible();
  await expect(page.getByRole("log").getByRole("listitem").filter({ hasText: "new two" })).not.toBeInViewport();
  await jump.click();
  await expect(page.getByRole("log").getByRole("listitem").filter({ hasText: "new two" })).toBeInViewport();
  await expect(jump).toBeHidden();
});

test("back at the newest from a permalink while others post: the catch-up walks on from its own pages and misses nothing", async ({
  browser,
  server,
}) => {
  const { owner, readerName, roomId } = await roomWithMessages(server, 100, "history");
  const page = await (await person(browser, server, { viewport: { width: 1000, height: 700 } })).newPage();
  await watchLiveConnection(page);
  await logIn(page, readerName);
  await owner.openRoom(roomId);
  const post = (body: string) => owner.post(`/rooms/${roomId}/messages`, { body }, { "hx-request": "true" });

  // When the last page of "Newer messages" has been read (it says there is nothing newer), 120 more
  // are written before the page gets it: the catch-up that follows needs three pages, each slow
  // (400 ms), while a live message arrives every 150 ms and lands on the page before them.
  let live: Promise<void> | undefined;
  await page.route(/\/rooms\/\d+\/messages\?after=/, async (route) => {
    const response = await route.fetch();
    const body = await response.text();
    if (!live && body.includes('<div id="history-newer" hx-swap-oob="delete">')) {
      const [{ authorId }] = (await server.deps.db
        .select({ authorId: messages.authorId })
        .from(messages)
        .where(eq(messages.roomId, roomId))
        .limit(1)) as [{ authorId: number }];
      await server.deps.db.insert(messages).values(Array.from({ length: 120 }, (_, i) => ({ roomId, authorId, body: `behind ${i + 1}` })));
      live = (async () => {
        for (let i = 1; i <= 12; i++) {
          await post(`live ${i}`);
          await new Promise((resolve) => setTimeout(resolve, 150));
        }
      })();
    } else {
      await new Promise((resolve) => setTimeout(resolve, 400));
    }
    await route.fulfill({ response, body });
  });

  const [{ id }] = (await server.deps.db
    .select({ id: messages.id })
    .from(messages)
    .where(and(eq(messages.roomId, roomId), eq(messages.body, "history 20")))) as [{ id: number }];
  await page.goto(`/rooms/${roomId}/messages/${id}`);
  await waitForLiveConnection(page);
  while ((await page.locator("#history-newer").count()) > 0) {
    const newest = await messagesShown(page).last().getAttribute("id");
    await page.locator("#scroller").evaluate((el) => ((el as unknown as Scroller).scrollTop = 0));
    await expect(messagesShown(page).last()).not.toHaveAttribute("id", newest!);
  }
  await expect.poll(() => live !== undefined).toBe(true);
  await live;
  await expect(
    messagesShown(page)
      .locator(".message-body")
      .filter({ hasText: /^behind 120$/ }),
  ).toHaveCount(1);
  await expect(
    messagesShown(page)
      .locator(".message-body")
      .filter({ hasText: /^live 12$/ }),
  ).toHaveCount(1);
  const bodies = await messagesShown(page).locator(".message-body").allTextContents();
  const expected = [
    ...Array.from({ length: 100 }, (_, i) => `history ${i + 1}`),
    ...Array.from({ length: 120 }, (_, i) => `behind ${i + 1}`),
    ...Array.from({ length: 12 }, (_, i) => `live ${i + 1}`),
  ];
  // Trimming keeps the newest 300 at most; all 232 fit, minus those above the permalink's page.
  expect(bodies).toEqual(expected.slice(expected.length - bodies.length));
  expect(bodies.length).toBeGreaterThanOrEqual(232 - 20 + 1 - 25);
});
