import { expectNoAxeViolations } from "./axe.js";
import type { Page } from "@playwright/test";
import { expect, roomWithMessages, test } from "./fixtures.js";
import { browserOf, laptop, liveInRoom } from "./screens.js";

test("the author edits in place (Up arrow, Enter saves, Escape cancels), focus returns to the message, and the other person sees it live", async ({
  browser,
  server,
}) => {
  const { owner, reader, roomId } = await roomWithMessages(server, 1);
  const [mine, theirs] = (await liveInRoom(browser, server, roomId, [owner, reader], laptop.options)) as [Page, Page];
  await mine.locator("#composer-body").fill("teh plan");
  await mine.keyboard.press("Enter");
  const seen = theirs.locator("li.message").filter({ hasText: "teh plan" });
  await expect(seen).toBeVisible();
  await expect(mine.locator("#composer-body")).toHaveValue("");

  // Up arrow in the empty composer opens the newest own message's editor; Escape gives it back.
  await mine.locator("#composer-body").press("ArrowUp");
  const editor = mine.getByLabel("Edit your message");
  await expect(editor).toBeFocused();
  await expect(editor).toHaveValue("teh plan");
  await expectNoAxeViolations(mine);
  await editor.press("Escape");
  const message = mine.locator("li.message").filter({ hasText: "teh plan" });
  await expect(message).toBeFocused();

  await mine.locator("#composer-body").press("ArrowUp");
  await editor.fill("the **plan**");
  await editor.press("Enter");
  await expect(message.or(mine.locator("li.message").filter({ hasText: "the plan" }))).toBeFocused();
  await expect(mine.locator("li.message strong", { hasText: "plan" })).toBeVisible();
  const edited = theirs.locator("li.message").filter({ hasText: "the plan" });
  await expect(edited.locator("strong")).toHaveText("plan");
  await expect(edited.getByRole("link", { name: /^\(edited .*\) ?, see earlier versions$/ })).toBeVisible();
  // Only the author has Edit.
  await expect(edited.locator("a[data-edit]")).toHaveCount(0);
  await expectNoAxeViolations(theirs);
  await theirs.emulateMedia({ colorScheme: "dark" });
  await expectNoAxeViolations(theirs);

  await edited.getByRole("link", { name: /see earlier versions/ }).click();
  await expect(theirs.getByRole("heading", { name: "Earlier versions" })).toBeVisible();
  await expect(theirs.getByRole("cell", { name: "teh plan" })).toBeVisible();
  await expectNoAxeViolations(theirs);
});

test("without JavaScript the author edits on a page of its own", async ({ browser, server }) => {
  const { owner, roomId } = await roomWithMessages(server, 1);
  await owner.openRoom(roomId);
  await owner.post(`/rooms/${roomId}/messages`, { body: "no script here" });
  const page = await browserOf(browser, server, owner, { viewport: { width: 1280, height: 800 } }, false);
  await page.goto(`/rooms/${roomId}`);
  const message = page.locator("li.message").filter({ hasText: "no script here" });
  await message.hover();
  await message.getByRole("link", { name: "Edit" }).click();
  await expect(page.getByRole("heading", { name: "Edit message" })).toBeVisible();
  await page.getByLabel("Edit your message").fill("no script, edited");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.locator("li.message.is-target")).toContainText("no script, edited");
  await expect(page.locator("li.message.is-target .message-edited")).toBeVisible();
});
