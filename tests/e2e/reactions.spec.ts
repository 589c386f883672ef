import type { Locator, Page } from "@playwright/test";
import { expectNoAxeViolations } from "./axe.js";
import type { BrowserGlobals } from "./browser.js";
import { expect, roomWithMessages, test, waitForLiveConnection, watchLiveConnection } from "./fixtures.js";
import { browserOf, laptop, liveInRoom, phone, type PageWindow } from "./screens.js";

/** A message's reactions, as buttons; `emoji` picks one by what it shows. */
const reactionsOf = (message: Locator) => message.locator(".reactions").getByRole("button");
const reactionOf = (message: Locator, emoji: string) =>
  message
    .locator(".reactions form")
    .filter({ has: message.page().locator(".reaction-emoji", { hasText: emoji }) })
    .getByRole("button");

/** What a person sees of one reaction: pressed or not, its count, its accessible name. */
async function expectReaction(reaction: Locator, { pressed, count, name }: { pressed: boolean; count: number; name: string }) {
  await expect(reaction).toHaveAttribute("aria-pressed", String(pressed));
  await expect(reaction.locator(".reaction-count")).toHaveText(String(count));
  await expect(reaction).toHaveAccessibleName(name);
  await expect(reaction).toHaveAttribute("title", name);
  await expect(reaction).toBeVisible();
}

const reactionPosted = (page: Page) =>
  page.waitForResponse((r) => r.request().method() === "POST" && /\/messages\/\d+\/reactions$/.test(r.url()));

test("by keyboard Alice reacts to Bob's message; Bob sees it live, adds his, Alice takes hers back; free text; Escape returns to React", async ({
  browser,
  server,
}) => {
  // Two people's pages, each checked by axe light and dark, the picker open and shut.
  test.setTimeout(120_000);
  // The owner writes "note 1"; here the reader (Alice) reacts to it, the owner (Bob) watches.
  const { owner, reader, ownerName, readerName, roomId } = await roomWithMessages(server, 2);
  const bobName = ownerName[0]!.toUpperCase() + ownerName.slice(1);
  const aliceName = readerName[0]!.toUpperCase() + readerName.slice(1);
  const alice = await browserOf(browser, server, reader, laptop.options, true);
  const bob = await browserOf(browser, server, owner, laptop.options, true);
  for (const page of [alice, bob]) {
    await watchLiveConnection(page);
    await page.goto(`/rooms/${roomId}`);
    await waitForLiveConnection(page);
  }
  const hers = alice.locator("li.message").filter({ hasText: "note 1" });
  const his = bob.locator("li.message").filter({ hasText: "note 1" });
  await expect(reactionsOf(hers)).toHaveCount(0);

  // Into the messages by keyboard: the skip link to the list, ArrowUp to "note 1", Tab on to React.
  await alice.keyboard.press("Tab");
  await alice.keyboard.press("Tab");
  await alice.keyboard.press("Enter");
  await expect(alice.locator("li.message").filter({ hasText: "note 2" })).toBeFocused();
  await alice.keyboard.press("ArrowUp");
  await expect(hers).toBeFocused();
  const react = hers.locator("details.reaction-picker > summary");
  const isFocused = (locator: Locator) =>
    locator.evaluate((el: unknown) => el === (globalThis as unknown as BrowserGlobals).document.activeElement);
  for (let i = 0; i < 8 && !(await isFocused(react)); i++) await alice.keyboard.press("Tab");
  await expect(react).toBeFocused();
  await expect(react).toBeVisible();

  // Enter opens the picker; its first emoji takes the focus once it arrives.
  await alice.keyboard.press("Enter");
  const picker = hers.locator(".reaction-picker-panel");
  const choices = picker.getByRole("group", { name: "Common reactions" }).getByRole("button");
  await expect(choices).toHaveCount(12);
  await expect(choices.first()).toBeFocused();
  await expect(choices.first()).toHaveAccessibleName("Thumbs up");
  // One Tab stop: the arrows, Home and End move between them.
  await alice.keyboard.press("ArrowRight");
  await expect(picker.getByRole("button", { name: "Thumbs down" })).toBeFocused();
  await alice.keyboard.press("End");
  await expect(picker.getByRole("button", { name: "Confused" })).toBeFocused();
  await alice.keyboard.press("Home");
  await expect(picker.getByRole("button", { name: "Thumbs up" })).toBeFocused();
  await alice.keyboard.press("ArrowRight");
  await expect(picker.getByRole("button", { name: "Thumbs down" })).toBeFocused();
  await expect(choices.and(alice.locator('[tabindex="0"]'))).toHaveCount(1);
  await expectNoAxeViolations(alice);

  // Enter chooses 👎: the picker closes, focus back on React, the reaction shown pressed.
  let sent = reactionPosted(alice);
  await alice.keyboard.press("Enter");
  expect((await sent).status()).toBe(200);
  await expect(hers.locator("details.reaction-picker")).not.toHaveAttribute("open", "");
  await expect(react).toBeFocused();
  await expectReaction(reactionOf(hers, "👎"), { pressed: true, count: 1, name: "You reacted with 👎" });
  await expect(reactionsOf(hers)).toHaveCount(1);
  // Bob sees it live: not his, and named for Alice.
  await expectReaction(reactionOf(his, "👎"), { pressed: false, count: 1, name: `${aliceName} reacted with 👎` });

  // Bob adds the same: 2 on both pages, each named for whom they see.
  sent = reactionPosted(bob);
  await reactionOf(his, "👎").click();
  expect((await sent).status()).toBe(200);
  await expectReaction(reactionOf(his, "👎"), { pressed: true, count: 2, name: `You and ${aliceName} reacted with 👎` });
  await expectReaction(reactionOf(hers, "👎"), { pressed: true, count: 2, name: `You and ${bobName} reacted with 👎` });

  // Alice takes hers back by keyboard: 1, not pressed for her, still Bob's.
  await reactionOf(hers, "👎").focus();
  await alice.keyboard.press("Enter");
  await expectReaction(reactionOf(hers, "👎"), { pressed: false, count: 1, name: `${bobName} reacted with 👎` });
  // The reactions were swapped under her: the focus stays on the same reaction.
  await expect(reactionOf(hers, "👎")).toBeFocused();
  await expectReaction(reactionOf(his, "👎"), { pressed: true, count: 1, name: "You reacted with 👎" });

  // Escape closes the picker and gives the focus back to React.
  await react.focus();
  await alice.keyboard.press("Enter");
  await expect(hers.locator("details.reaction-picker")).toHaveAttribute("open", "");
  // Opened again, the choices take the focus again, at the one last chosen.
  await expect(picker.getByRole("button", { name: "Thumbs down" })).toBeFocused();
  await alice.keyboard.press("ArrowLeft");
  await expect(picker.getByRole("button", { name: "Thumbs up" })).toBeFocused();
  await alice.keyboard.press("Escape");
  await expect(hers.locator("details.reaction-picker")).not.toHaveAttribute("open", "");
  await expect(react).toBeFocused();
  await expect(hers.getByRole("button", { name: "Thumbs up" })).toBeHidden();

  // Bob's picker is open while Alice reacts: the push swaps only the reactions, so it stays open.
  await his.hover();
  await his.locator("details.reaction-picker > summary").click();
  await expect(his.getByRole("button", { name: "Party" })).toBeVisible();

  // A reaction in her own words, typed and sent by keyboard.
  await alice.keyboard.press("Enter");
  await expect(picker.getByRole("button", { name: "Thumbs up" })).toBeFocused();
  const own = hers.getByRole("textbox", { name: "Or your own" });
  // The choices are one Tab stop: the next is the field.
  await alice.keyboard.press("Tab");
  await expect(own).toBeFocused();
  await alice.keyboard.type("ship it");
  sent = reactionPosted(alice);
  await alice.keyboard.press("Enter");
  expect((await sent).status()).toBe(200);
  await expect(hers.locator("details.reaction-picker")).not.toHaveAttribute("open", "");
  await expect(react).toBeFocused();
  await expectReaction(reactionOf(hers, "ship it"), { pressed: true, count: 1, name: "You reacted with ship it" });
  await expectReaction(reactionOf(his, "ship it"), { pressed: false, count: 1, name: `${aliceName} reacted with ship it` });
  await expect(reactionsOf(his)).toHaveCount(2);
  await expect(his.locator("details.reaction-picker")).toHaveAttribute("open", "");
  await expect(his.getByRole("button", { name: "Party" })).toBeVisible();
  // The field was emptied for next time.
  await alice.keyboard.press("Enter");
  await expect(own).toHaveValue("");
  await expect(own).toBeVisible();

  // Too long a reaction is refused in place, with what was typed.
  await own.fill("x".repeat(17));
  sent = reactionPosted(alice);
  await own.press("Enter");
  expect((await sent).status()).toBe(422);
  await expect(hers.getByText("A reaction can be at most 16 characters.")).toBeVisible();
  await expect(hers.getByRole("textbox", { name: "Or your own" })).toHaveValue("x".repeat(17));
  await expect(hers.getByRole("textbox", { name: "Or your own" })).toHaveAttribute("aria-invalid", "true");
  await expect(reactionsOf(hers)).toHaveCount(2);
  await expectNoAxeViolations(alice);
  // Put right, it is sent from the picker that came back, which then closes as before.
  await hers.getByRole("textbox", { name: "Or your own" }).fill("ok then");
  sent = reactionPosted(alice);
  await alice.keyboard.press("Enter");
  expect((await sent).status()).toBe(200);
  await expect(hers.locator("details.reaction-picker")).not.toHaveAttribute("open", "");
  await expect(react).toBeFocused();
  await expectReaction(reactionOf(hers, "ok then"), { pressed: true, count: 1, name: "You reacted with ok then" });
  await expectReaction(reactionOf(his, "ok then"), { pressed: false, count: 1, name: `${aliceName} reacted with ok then` });
  await alice.keyboard.press("Enter");
  // Opened again, the refusal is gone: no error, an empty field, valid again.
  await expect(hers.getByText("A reaction can be at most 16 characters.")).toBeHidden();
  await expect(own).toBeVisible();
  await expect(own).toHaveValue("");
  await expect(own).not.toHaveAttribute("aria-invalid", "true");
  await expect(own).toHaveAccessibleDescription("Up to 16 characters.");

  // Both pages, pickers open, in light and dark.
  for (const page of [alice, bob]) {
    await page.emulateMedia({ colorScheme: "light" });
    await expectNoAxeViolations(page);
    await page.emulateMedia({ colorScheme: "dark" });
    await expectNoAxeViolations(page);
  }
});

test('on a phone, React waits behind "More actions"; the reaction shows, and nothing is wider than the screen', async ({
  browser,
  server,
}) => {
  // Eight reactions sent one by one, and axe three times.
  test.setTimeout(60_000);
  const { reader, roomId } = await roomWithMessages(server, 3);
  const page = await browserOf(browser, server, reader, phone.options, true);
  await watchLiveConnection(page);
  await page.goto(`/rooms/${roomId}`);
  await waitForLiveConnection(page);
  const message = page.locator("li.message").filter({ hasText: "note 2" });
  const react = message.locator("details.reaction-picker > summary");
  await expect(react).toBeHidden();
  const more = message.getByRole("button", { name: "More actions" });
  await more.tap();
  await expect(more).toHaveAttribute("aria-expanded", "true");
  await expect(react).toBeVisible();
  await react.tap();
  const party = message.getByRole("button", { name: "Party" });
  await expect(party).toBeVisible();
  const width = () => page.evaluate(() => (globalThis as unknown as PageWindow).document.documentElement.scrollWidth);
  expect(await width(), "the open picker fits the screen").toBeLessThanOrEqual(375);
  await expectNoAxeViolations(page);
  const sent = reactionPosted(page);
  await party.tap();
  expect((await sent).status()).toBe(200);
  await expect(party).toBeHidden();
  await expectReaction(reactionOf(message, "🎉"), { pressed: true, count: 1, name: "You reacted with 🎉" });

  // The toolbar stays open, React on it: many reactions, and a long one, wrap within the screen.
  const picker = message.locator("details.reaction-picker");
  await expect(picker).not.toHaveAttribute("open", "");
  for (const name of ["Rocket", "Fire", "Eyes", "Heart", "Applause", "Thank you"]) {
    await react.tap();
    await expect(picker).toHaveAttribute("open", "");
    const done = reactionPosted(page);
    await message.getByRole("button", { name, exact: true }).tap();
    expect((await done).status()).toBe(200);
    await expect(picker).not.toHaveAttribute("open", "");
  }
  await react.tap();
  await message.getByRole("textbox", { name: "Or your own" }).fill("sixteen letters!");
  const done = reactionPosted(page);
  await message.getByRole("button", { name: "React", exact: true }).tap();
  expect((await done).status()).toBe(200);
  await expect(reactionsOf(message)).toHaveCount(8);
  await expectReaction(reactionOf(message, "sixteen letters!"), { pressed: true, count: 1, name: "You reacted with sixteen letters!" });
  expect(await width(), "the reactions fit the screen").toBeLessThanOrEqual(375);
  await expectNoAxeViolations(page);
  await page.emulateMedia({ colorScheme: "dark" });
  await expectNoAxeViolations(page);
});

test("without JavaScript the picker is a page of its own, a reaction is a form, and pressing it again takes it back", async ({
  browser,
  server,
}) => {
  const { reader, roomId } = await roomWithMessages(server, 2);
  const page = await browserOf(browser, server, reader, laptop.options, false);
  await page.goto(`/rooms/${roomId}`);
  const message = () => page.locator("li.message").filter({ hasText: "note 1" });
  await message().hover();
  await message().locator("details.reaction-picker > summary").click();
  await message().getByRole("link", { name: "Choose a reaction" }).click();
  await expect(page).toHaveURL(/\/rooms\/\d+\/messages\/\d+\/reactions\/new$/);
  await expect(page.getByRole("heading", { level: 1, name: /^React to .*’s message$/ })).toBeVisible();
  // Without script every emoji is its own Tab stop.
  await expect(page.getByRole("group", { name: "Common reactions" }).getByRole("button")).toHaveCount(12);

  const answers: number[] = [];
  page.on("response", (r) => {
    if (r.request().method() === "POST" && /\/reactions$/.test(r.url())) answers.push(r.status());
  });
  await page.getByRole("button", { name: "Rocket" }).click();
  await expect(page).toHaveURL(/\/rooms\/\d+\/messages\/\d+#message-\d+$/);
  expect(answers).toEqual([303]);
  const target = page.locator("li.message.is-target");
  await expect(target).toContainText("note 1");
  await expectReaction(reactionOf(target, "🚀"), { pressed: true, count: 1, name: "You reacted with 🚀" });

  // Pressing it takes it back.
  await target.hover();
  await reactionOf(target, "🚀").click();
  await expect(page.locator("li.message.is-target")).toContainText("note 1");
  await expect(reactionsOf(page.locator("li.message.is-target"))).toHaveCount(0);
  expect(answers).toEqual([303, 303]);

  // Words of one's own on the page.
  await page.locator("li.message.is-target").hover();
  await page.locator("li.message.is-target details.reaction-picker > summary").click();
  await page.locator("li.message.is-target").getByRole("link", { name: "Choose a reaction" }).click();
  await page.getByRole("textbox", { name: "Or your own" }).fill("ship it");
  await page.getByRole("button", { name: "React", exact: true }).click();
  await expect(page).toHaveURL(/\/rooms\/\d+\/messages\/\d+#message-\d+$/);
  await expectReaction(reactionOf(page.locator("li.message.is-target"), "ship it"), {
    pressed: true,
    count: 1,
    name: "You reacted with ship it",
  });
  expect(answers).toEqual([303, 303, 303]);

  // A refusal comes back on the page, with what was typed.
  await page.locator("li.message.is-target").hover();
  await page.locator("li.message.is-target details.reaction-picker > summary").click();
  await page.locator("li.message.is-target").getByRole("link", { name: "Choose a reaction" }).click();
  await page.getByRole("textbox", { name: "Or your own" }).fill("far too long for a reaction");
  await page.getByRole("button", { name: "React", exact: true }).click();
  await expect(page.getByText("A reaction can be at most 16 characters.")).toBeVisible();
  await expect(page.getByRole("textbox", { name: "Or your own" })).toHaveValue("far too long for a reaction");
  await expect(page.getByRole("textbox", { name: "Or your own" })).toBeFocused();
});

test("a reactor's answer that arrives after a push of a later reaction does not take that reaction away", async ({ browser, server }) => {
  const { owner, reader, roomId } = await roomWithMessages(server, 1);
  const [alice, bob] = (await liveInRoom(browser, server, roomId, [reader, owner], laptop.options)) as [Page, Page];
  const note = (page: Page) => page.locator("li.message").filter({ hasText: "note 1" });
  const [messageId] = /\d+$/.exec((await note(alice).getAttribute("id"))!)!;
  const toggle = (visitor: typeof owner, emoji: string) =>
    visitor.post(`/rooms/${roomId}/messages/${messageId}/reactions`, { emoji }, { "hx-request": "true" });

  // Alice's answer is held back until Bob's later reaction has reached her page by its socket.
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  await alice.route(/\/reactions$/, async (route) => {
    const answer = await route.fetch();
    await held;
    await route.fulfill({ response: answer });
  });
  await note(alice).hover();
  await note(alice).getByText("React", { exact: true }).click();
  await note(alice).getByRole("button", { name: "Thumbs up" }).click();
  // Her reaction is stored (its push came by her socket); Bob's comes after it, and its push shows both.
  await expect(reactionOf(note(alice), "👍")).toHaveAttribute("aria-pressed", "true");
  expect((await toggle(owner, "🎉")).status).toBe(200);
  await expect(reactionOf(note(alice), "🎉")).toBeVisible();
  // htmx tells afterRequest once the answer's swaps are done (and this is the page's one request).
  await alice.evaluate(() => {
    const page = globalThis as unknown as BrowserGlobals;
    page.document.addEventListener("htmx:afterRequest", () => (page.__answered = true));
  });
  release();
  await alice.waitForFunction(() => (globalThis as unknown as BrowserGlobals).__answered === true);
  // The late answer (👍 alone) gave way to the newer state.
  await expect(reactionsOf(note(alice))).toHaveCount(2);
  await expect(reactionOf(note(alice), "🎉")).toBeVisible();
  await expect(reactionOf(note(bob), "👍")).toHaveAttribute("aria-pressed", "false");
});
