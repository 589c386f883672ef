import { expectNoAxeViolations } from "./axe.js";
import type { Page } from "@playwright/test";
import { expect, roomWithMessages, test } from "./fixtures.js";
import { browserOf, expectNoSidewaysScrolling, expectTargetsAtLeast24px, laptop, liveInRoom, narrow } from "./screens.js";

test("the author deletes after a dialog (Cancel is focused, Escape backs out), focus stays on the message, and the other person sees the tombstone live", async ({
  browser,
  server,
}) => {
  const { owner, reader, roomId } = await roomWithMessages(server, 1);
  const [mine, theirs] = (await liveInRoom(browser, server, roomId, [owner, reader], laptop.options)) as [Page, Page];
  await mine.locator("#composer-body").fill("oops, the wrong room");
  await mine.keyboard.press("Enter");
  await expect(theirs.locator("li.message").filter({ hasText: "oops, the wrong room" })).toBeVisible();

  const sent = mine.locator("li.message").filter({ hasText: "oops, the wrong room" });
  const original = /\d+$/.exec((await sent.getAttribute("id"))!)![0];
  const message = mine.locator(`#message-${original}`);
  // The other person has answered it: their reply quotes it.
  await reader.post(`/rooms/${roomId}/messages`, { body: "which room then?", replyTo: original });
  const replies = [mine, theirs].map((page) => page.locator("li.message").filter({ hasText: "which room then?" }));
  for (const reply of replies) await expect(reply.locator(".reply-quote")).toContainText("oops, the wrong room");
  await message.hover();
  const remove = message.getByRole("link", { name: "Delete" });
  await remove.focus();
  await remove.press("Enter");
  const dialog = mine.getByRole("dialog", { name: "Delete this message?" });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText("oops, the wrong room");
  await expect(dialog.getByRole("button", { name: "Cancel" })).toBeFocused();
  await expectNoAxeViolations(mine);
  await mine.emulateMedia({ colorScheme: "dark" });
  await expectNoAxeViolations(mine);
  await mine.emulateMedia({ colorScheme: "light" });
  await mine.keyboard.press("Escape");
  await expect(dialog).toHaveCount(0);
  await expect(remove).toBeFocused();
  await expect(message).toContainText("oops, the wrong room");

  await remove.press("Enter");
  await dialog.getByRole("button", { name: "Delete message" }).click();
  await expect(dialog).toHaveCount(0);
  await expect(message).toContainText("This message was deleted.");
  await expect(message).toBeFocused();
  await expect(mine.getByText("oops, the wrong room")).toHaveCount(0);
  await expect(message.getByRole("link", { name: "Delete" })).toHaveCount(0);

  // The replies' quotes say so, live.
  for (const reply of replies) await expect(reply.locator(".reply-quote")).toHaveText(/Original message deleted/);
  const theirsGone = theirs.locator("li.message").filter({ hasText: "This message was deleted." });
  await expect(theirsGone).toBeVisible();
  await expect(theirs.getByText("oops, the wrong room")).toHaveCount(0);
  await expectNoAxeViolations(theirs);
});

test("on a 320 px screen the dialog fits, and its buttons are large enough to tap", async ({ browser, server }) => {
  const { owner, roomId } = await roomWithMessages(server, 1);
  await owner.openRoom(roomId);
  await owner.post(`/rooms/${roomId}/messages`, { body: "a long line ".repeat(20) });
  const page = await browserOf(browser, server, owner, narrow.options, true);
  await page.goto(`/rooms/${roomId}`);
  const message = page.locator("li.message").filter({ hasText: "a long line" });
  await message.getByRole("link", { name: "Delete" }).focus();
  await page.keyboard.press("Enter");
  const dialog = page.getByRole("dialog", { name: "Delete this message?" });
  await expect(dialog).toBeVisible();
  await expectNoSidewaysScrolling(page);
  const box = (await dialog.boundingBox())!;
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width).toBeLessThanOrEqual(320);
  await expectTargetsAtLeast24px(page);
  await expectNoAxeViolations(page);
  await dialog.getByRole("button", { name: "Delete message" }).click();
  await expect(page.locator("li.message").filter({ hasText: "This message was deleted." })).toBeVisible();
});

test("without JavaScript Delete opens a confirmation page, and deleting returns to the tombstone", async ({ browser, server }) => {
  const { owner, roomId } = await roomWithMessages(server, 1);
  await owner.openRoom(roomId);
  await owner.post(`/rooms/${roomId}/messages`, { body: "no script, please delete" });
  const page = await browserOf(browser, server, owner, { viewport: { width: 1280, height: 800 } }, false);
  await page.goto(`/rooms/${roomId}`);
  const message = page.locator("li.message").filter({ hasText: "no script, please delete" });
  await message.hover();
  await message.getByRole("link", { name: "Delete" }).click();
  await expect(page.getByRole("heading", { name: "Delete this message?" })).toBeVisible();
  await expect(page.locator("main")).toContainText("no script, please delete");
  // (axe needs script: accessibility.spec.ts checks this page.)
  await page.getByRole("link", { name: "Cancel" }).click();
  await expect(page.locator("li.message.is-target")).toContainText("no script, please delete");

  await page.locator("li.message.is-target").getByRole("link", { name: "Delete" }).click();
  await page.getByRole("button", { name: "Delete message" }).click();
  await expect(page.locator("li.message.is-target")).toContainText("This message was deleted.");
  await expect(page.getByText("no script, please delete")).toHaveCount(0);
});

test("if the message is gone before Delete is pressed, the dialog stays and says so", async ({ browser, server }) => {
  const { owner, roomId } = await roomWithMessages(server, 1);
  await owner.openRoom(roomId);
  await owner.post(`/rooms/${roomId}/messages`, { body: "deleted elsewhere" });
  const [page] = (await liveInRoom(browser, server, roomId, [owner], laptop.options)) as [Page];
  const message = page.locator("li.message").filter({ hasText: "deleted elsewhere" });
  const id = /\d+$/.exec((await message.getAttribute("id"))!)![0];
  await message.getByRole("link", { name: "Delete" }).focus();
  await page.keyboard.press("Enter");
  const dialog = page.getByRole("dialog", { name: "Delete this message?" });
  await expect(dialog.getByRole("button", { name: "Cancel" })).toBeFocused();
  // Deleted from another tab meanwhile.
  await owner.post(`/rooms/${roomId}/messages/${id}/delete`, {}, { "hx-request": "true" });
  await dialog.getByRole("button", { name: "Delete message" }).click();
  await expect(dialog.getByRole("alert")).toHaveText(/could not be deleted/);
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toHaveCount(0);
  await expect(page.locator(`#message-${id}`)).toContainText("This message was deleted.");
});
