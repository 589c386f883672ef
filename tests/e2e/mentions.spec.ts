import type { Page } from "@playwright/test";
import { expectNoAxeViolations } from "./axe.js";
import { expect, roomWithMessages, test } from "./fixtures.js";
import { laptop, liveInRoom, phone, expectNoSidewaysScrolling, expectTargetsAtLeast24px } from "./screens.js";

const capitalised = (name: string) => name[0]!.toUpperCase() + name.slice(1);

async function axeLightAndDark(page: Page) {
  for (const colorScheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme });
    await expectNoAxeViolations(page);
  }
}

test("Bob mentions Alice: her page marks it 'Mentions you' live, her other room's sidebar shows '@1', and the title counts it first", async ({
  browser,
  server,
}) => {
  test.setTimeout(90_000);
  const { owner, reader, readerName, roomId } = await roomWithMessages(server, 1);
  // Alice reads another room while Bob writes in this one: the mention reaches her sidebar there.
  const elsewhere = await reader.createRoom("elsewhere");
  const [bob] = await liveInRoom(browser, server, roomId, [owner], laptop.options);
  const [alice] = await liveInRoom(browser, server, elsewhere, [reader], laptop.options);

  const composer = bob!.getByRole("textbox", { name: /^Message #/ });
  await composer.fill(`are you there @${readerName}?`);
  await composer.press("Enter");
  const his = bob!.locator("li.message").filter({ hasText: "are you there" });
  await expect(his.locator(".mention")).toHaveText(`@${capitalised(readerName)}`);
  // Bob sees the name, not the mark.
  await expect(his.getByText("Mentions you")).toHaveCount(0);

  const row = alice!.locator(`#room-row-${roomId}`);
  await expect(row.locator(".mention-count")).toHaveText("@1 mention of you");
  await expect(row.getByRole("link")).toHaveAccessibleName(/1 mention of you/);
  await expect(alice!).toHaveTitle(/^\(@1 · 1\) /);

  // She opens the room in another tab: the message is marked for her, and having read it there,
  // the badge leaves the first tab's sidebar.
  const [aliceHere] = await liveInRoom(browser, server, roomId, [reader], laptop.options);
  const mention = aliceHere!.locator("li.message").filter({ hasText: "are you there" });
  await expect(mention.getByText("Mentions you")).toBeVisible();
  await expect(mention.locator(".mention")).toHaveText(`@${capitalised(readerName)}`);
  await expect(row.locator(".mention-count")).toHaveCount(0);
  await expect(alice!).not.toHaveTitle(/^\(/);
  await axeLightAndDark(aliceHere!);
});

test("the Notifications menu in a room's header works by keyboard and on a phone, and Settings lists the level", async ({
  browser,
  server,
}) => {
  test.setTimeout(90_000);
  const { reader, roomId, roomName } = await roomWithMessages(server, 1);
  const [alice] = await liveInRoom(browser, server, roomId, [reader], phone.options);
  const menu = alice!.locator("details.room-menu > summary");
  await menu.focus();
  await alice!.keyboard.press("Enter");
  const level = alice!.getByRole("combobox", { name: "Notify me of" });
  await expect(level).toBeVisible();
  await expect(level).toHaveValue("mentions");
  // Wholly on the screen: a panel running off its left edge makes no sideways scrollbar.
  const panel = (await alice!.locator(".room-menu-panel").boundingBox())!;
  expect(panel.x).toBeGreaterThanOrEqual(0);
  expect(panel.x + panel.width).toBeLessThanOrEqual(phone.options.viewport.width);
  await expectNoSidewaysScrolling(alice!);
  await expectTargetsAtLeast24px(alice!);
  await axeLightAndDark(alice!);
  await level.selectOption("everything");
  await level.press("Tab");
  await expect(alice!.getByRole("button", { name: "Save" })).toBeFocused();
  await alice!.keyboard.press("Enter");
  await expect(alice!.getByRole("status").filter({ hasText: "Saved: Every message." })).toBeVisible();
  // The form swapped itself: focus stays on its Save button, not lost to the page.
  await expect(alice!.getByRole("button", { name: "Save" })).toBeFocused();

  await alice!.goto("/settings");
  await expect(alice!.getByRole("combobox", { name: `#${roomName}` })).toHaveValue("everything");
  await expectNoSidewaysScrolling(alice!);
  await axeLightAndDark(alice!);
});
