import type { Page } from "@playwright/test";
import { Visitor } from "../support/client.js";
import { displayNameOf, expect, logIn, person, socketSwitch, test, unique } from "./fixtures.js";

/**
 * Holds back every WebSocket of a page until `release()`: the page loads and renders while its
 * socket has not reached the server, as on a slow phone, then connects.
 */
async function holdSockets(page: Page) {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  await page.routeWebSocket(/\/ws/, async (ws) => {
    await released;
    ws.connectToServer();
  });
  return release;
}

const messagesShown = (page: Page) => page.locator("#history > li.message, #messages > li.message");
const idsShown = (page: Page) =>
  messagesShown(page).evaluateAll((lis) => lis.map((li) => Number((li as unknown as { id: string }).id.slice("message-".length))));

test("what happens before a page's socket connects shows once it does: a message, typing, presence, a receipt, unread counts", async ({
  browser,
  server,
}) => {
  const [aliceName, bobName, carolName] = [unique("alice"), unique("bob"), unique("carol")];
  const [alice, carol] = [new Visitor(server.url), new Visitor(server.url)];
  await alice.signUp(aliceName);
  const roomId = await alice.createRoom(unique("gap"));
  const elsewhere = await alice.createRoom(unique("elsewhere"));
  const bobVisitor = new Visitor(server.url);
  await bobVisitor.signUp(bobName);
  await carol.signUp(carolName);
  for (const v of [bobVisitor, carol]) {
    await v.joinRoom(roomId);
    await v.joinRoom(elsewhere);
  }
  await alice.openRoom(roomId);
  await alice.post(`/rooms/${roomId}/messages`, { body: "before Bob opened the room" });

  const page = await (await person(browser, server)).newPage();
  await logIn(page, bobName);
  const release = await holdSockets(page);
  await page.goto(`/rooms/${roomId}`);
  await expect(messagesShown(page)).toHaveCount(1);
  const carolDot = page
    .getByRole("complementary")
    .getByRole("listitem")
    .filter({ hasText: displayNameOf(carolName) });
  await expect(carolDot).toContainText("offline");
  const elsewhereLink = page.getByRole("navigation", { name: "Rooms" }).getByRole("link", { name: /elsewhere/ });
  await expect(elsewhereLink).not.toContainText("unread");

  // Before Bob's socket reaches the server: Alice posts here and elsewhere, Carol opens the room and types.
  await alice.post(`/rooms/${roomId}/messages`, { body: "posted before your socket connected" }, { "hx-request": "true" });
  await alice.post(`/rooms/${elsewhere}/messages`, { body: "and one elsewhere" }, { "hx-request": "true" });
  await carol.openRoom(roomId);
  const carolSocket = carol.socket(roomId);
  await carolSocket.opened;
  carolSocket.ws.send(JSON.stringify({ signal: "typing" }));
  await expect.poll(() => server.deps.typing.typists(roomId).length).toBe(1);

  release();
  await expect(messagesShown(page).filter({ hasText: "posted before your socket connected" })).toHaveCount(1);
  await expect(page.locator("#typing")).toHaveText(`${displayNameOf(carolName)} is typing…`);
  await expect(carolDot).toContainText("online");
  await expect(
    messagesShown(page)
      .last()
      .getByText(`Seen by ${displayNameOf(aliceName)}`),
  ).toBeAttached();
  await expect(elsewhereLink).toContainText("1 unread");
  expect(await idsShown(page)).toHaveLength(2);
  carolSocket.close();
});

test("back after missing 180 messages while others keep posting: every message once, in order", async ({ browser, server }) => {
  const [aliceName, bobName] = [unique("alice"), unique("bob")];
  const alice = new Visitor(server.url);
  await alice.signUp(aliceName);
  const roomId = await alice.createRoom(unique("busy"));
  const bob = new Visitor(server.url);
  await bob.signUp(bobName);
  await bob.joinRoom(roomId);
  await alice.openRoom(roomId);

  const context = await person(browser, server);
  const page = await context.newPage();
  const sockets = await socketSwitch(page);
  // Catching up by HTTP, where a page does, is slow here: 400 ms a page.
  await page.route(/\/messages\?after=/, async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 400));
    await route.continue();
  });
  await logIn(page, bobName);
  await page.goto(`/rooms/${roomId}`);
  await alice.post(`/rooms/${roomId}/messages`, { body: "first" }, { "hx-request": "true" });
  await expect(messagesShown(page)).toHaveCount(1);

  await sockets.cut();
  await expect(page.getByRole("status").filter({ hasText: "Reconnecting…" })).toBeVisible();
  for (let i = 1; i <= 180; i++) await alice.post(`/rooms/${roomId}/messages`, { body: `missed ${i}` }, { "hx-request": "true" });

  // Back, while Alice goes on posting every 150 ms.
  sockets.restore();
  let live = 0;
  const posting = (async () => {
    for (; live < 12; live++) {
      await alice.post(`/rooms/${roomId}/messages`, { body: `live ${live + 1}` }, { "hx-request": "true" });
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
  })();
  await expect(page.getByRole("status").filter({ hasText: "Reconnecting…" })).toHaveCount(0, { timeout: 30_000 });
  await posting;
  await expect(messagesShown(page).filter({ hasText: "live 12" })).toHaveCount(1);
  const ids = await idsShown(page);
  expect(ids).toEqual([...ids].sort((a, b) => a - b));
  expect(new Set(ids).size).toBe(ids.length);
  // The page keeps at most 300, so all 193 are there.
  expect(ids).toHaveLength(1 + 180 + 12);
});
