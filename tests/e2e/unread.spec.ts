import { Visitor } from "../support/client.js";
import { expect, logIn, person, test, unique, waitForLiveConnection, watchLiveConnection } from "./fixtures.js";

test("Carol's sidebar count rises live, the title carries it, and reading the room clears it", async ({ browser, server }) => {
  const aliceName = unique("alice");
  const carolName = unique("carol");
  const roomName = unique("news");
  const alice = new Visitor(server.url);
  await alice.signUp(aliceName);
  const roomId = await alice.createRoom(roomName);
  const carolHttp = new Visitor(server.url);
  await carolHttp.signUp(carolName);
  await carolHttp.joinRoom(roomId);

  const carol = await (await person(browser, server)).newPage();
  await watchLiveConnection(carol);
  await logIn(carol, carolName);
  await carol.goto("/rooms");
  await waitForLiveConnection(carol);
  const row = carol.getByRole("navigation", { name: "Rooms" }).getByRole("link", { name: new RegExp(roomName) });
  await expect(row).not.toContainText("unread");
  const firstRow = carol.locator("#room-list > li").first();
  await expect(firstRow).not.toContainText(roomName);

  await alice.openRoom(roomId);
  for (const body of ["first news", "second news"]) await alice.post(`/rooms/${roomId}/messages`, { body });
  await expect(row).toContainText("2 unread");
  await expect(carol).toHaveTitle(/^\(2\) /);
  // Sorted by activity, the room with news has moved to the top of the sidebar, without a reload.
  await expect(firstRow).toContainText(roomName);
  await expect(carol.locator(`#room-list > li`)).toHaveCount(2);

  await row.click();
  await expect(carol.getByRole("listitem").filter({ hasText: "New messages" })).toBeVisible();
  await expect(carol.getByRole("link", { name: "Jump to first unread" })).toBeVisible();
  // The page is visible and focused and both messages are on screen: reading them clears the count.
  await expect(row).not.toContainText("unread");
  await expect(carol).not.toHaveTitle(/^\(\d+\)/);

  // "Mark unread from here" on the second message: one unread again, live, without leaving the room.
  const second = carol.getByRole("log").getByRole("listitem").filter({ hasText: "second news" });
  await second.hover();
  await second.getByRole("link", { name: "Mark unread from here" }).click();
  await expect(row).toContainText("1 unread");
  await expect(carol).toHaveTitle(/^\(1\) /);
});
