import type { Page } from "@playwright/test";
import { Visitor } from "../support/client.js";
import type { TestServer } from "../support/server.js";
import { expectNoAxeViolations } from "./axe.js";
import { displayNameOf, expect, test, unique, waitForLiveConnection, watchLiveConnection } from "./fixtures.js";
import { browserOf, expectNoSidewaysScrolling, laptop, phone, zoom400, type PageNode, type PageWindow, type Screen } from "./screens.js";

const htmx = { "hx-request": "true" };

/** Alice's room with Bob and Carol, where Bob wrote and then Carol: Carol is the most recent. */
async function roomOfThree(server: TestServer) {
  const [aliceName, bobName, carolName] = [unique("alice"), unique("bob"), unique("carol")];
  const [alice, bob, carol] = [new Visitor(server.url), new Visitor(server.url), new Visitor(server.url)];
  await alice.signUp(aliceName);
  await bob.signUp(bobName);
  await carol.signUp(carolName);
  const roomId = await alice.createRoom(unique("mentions"));
  await bob.joinRoom(roomId);
  await carol.joinRoom(roomId);
  expect((await bob.post(`/rooms/${roomId}/messages`, { body: "first" }, htmx)).status).toBe(204);
  expect((await carol.post(`/rooms/${roomId}/messages`, { body: "second" }, htmx)).status).toBe(204);
  return { alice, bobName, carolName, roomId };
}

async function openRoom(page: Page, roomId: number): Promise<void> {
  await watchLiveConnection(page);
  await page.goto(`/rooms/${roomId}`);
  await waitForLiveConnection(page);
}

test("keyboard only: @ offers the room's people, newest writer first; arrows, Enter and Tab pick, Escape closes, Enter then sends; axe finds nothing, light and dark", async ({
  browser,
  server,
}) => {
  const { alice, bobName, carolName, roomId } = await roomOfThree(server);
  const page = await browserOf(browser, server, alice, laptop.options, true);
  await openRoom(page, roomId);
  const field = page.locator("#composer-body");
  const list = page.getByRole("listbox", { name: "People to mention" });
  const status = page.locator("#mention-status");

  await page.keyboard.press("Tab");
  await expect(page.getByRole("link", { name: "Skip to message box" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(field).toBeFocused();
  await expect(field).toHaveAttribute("aria-autocomplete", "list");
  await expect(list).toBeHidden();

  await page.keyboard.type("@");
  await expect(list).toBeVisible();
  // "@room" first (a small room), then Carol, who wrote last, then Bob.
  await expect(list.getByRole("option")).toHaveText([/@room/, new RegExp(`@${carolName}`), new RegExp(`@${bobName}`)]);
  await expect(status).toHaveText("3 suggestions");
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("ArrowDown");
  const carol = list.getByRole("option", { name: new RegExp(carolName) });
  await expect(carol).toHaveAttribute("aria-selected", "true");
  await expect(field).toHaveAttribute("aria-activedescendant", (await carol.getAttribute("id"))!);
  // The active option is outlined, not only tinted.
  expect(
    await carol.evaluate(
      (node) =>
        (globalThis as unknown as { getComputedStyle(e: unknown): { borderTopColor: string } }).getComputedStyle(node).borderTopColor,
    ),
  ).not.toBe("rgba(0, 0, 0, 0)");
  await expectNoAxeViolations(page);
  await page.emulateMedia({ colorScheme: "dark" });
  await expectNoAxeViolations(page);
  await page.emulateMedia({ colorScheme: "light" });

  await page.keyboard.type("b");
  await expect(list.getByRole("option")).toHaveText([new RegExp(`@${bobName}`)]);
  await expect(field).not.toHaveAttribute("aria-activedescendant");
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("Enter");
  await expect(field).toHaveValue(`@${bobName} `);
  await expect(list).toBeHidden();
  await expect(field).toBeFocused();
  await expect(status).toHaveText(`${displayNameOf(bobName)} (@${bobName}) inserted`);
  await expect(page.locator("#messages li.message")).toHaveCount(2);

  // Escape closes the list, and only the list: the text stays, nothing is sent.
  await page.keyboard.type("@c");
  await expect(list.getByRole("option")).toHaveText([new RegExp(`@${carolName}`)]);
  await page.keyboard.press("Escape");
  await expect(list).toBeHidden();
  await expect(field).toHaveValue(`@${bobName} @c`);
  await expect(field).toBeFocused();

  // Typing on opens it again; Tab picks the active option and keeps focus in the text box.
  await page.keyboard.type("a");
  await expect(list.getByRole("option")).toHaveText([new RegExp(`@${carolName}`)]);
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("Tab");
  await expect(field).toHaveValue(`@${bobName} @${carolName} `);
  await expect(field).toBeFocused();
  await expect(list).toBeHidden();

  // The list closed, Enter sends as always.
  await page.keyboard.type("hello");
  await page.keyboard.press("Enter");
  // Sent as typed; the server names the people it mentions (formatting/markdown.ts).
  const sent = page.locator("#messages li.message").last();
  await expect(sent).toContainText(`@${displayNameOf(bobName)} @${displayNameOf(carolName)} hello`);
  await expect(sent.locator(".mention")).toHaveCount(2);
  await expect(field).toHaveValue("");
  await expect(field).toBeFocused();
});

test("while replying, Escape closes the list and keeps the reply; a composer swapped in after a refused file still offers people", async ({
  browser,
  server,
}) => {
  const { alice, bobName, roomId } = await roomOfThree(server);
  const page = await browserOf(browser, server, alice, laptop.options, true);
  await openRoom(page, roomId);
  const field = page.locator("#composer-body");
  const list = page.locator("#mention-suggestions");
  const quote = page.locator("#composer-reply");

  const original = page.locator("li.message").filter({ hasText: "first" });
  await original.hover();
  await original.getByRole("link", { name: "Reply" }).click();
  await expect(quote).toContainText("first");
  await expect(field).toBeFocused();
  await page.keyboard.type("@b");
  await expect(list.getByRole("option")).toHaveCount(1);
  // Nobody matches: the list closes, and says so; taking the letters back opens it again.
  await page.keyboard.type("zz");
  await expect(list).toBeHidden();
  await expect(page.locator("#mention-status")).toHaveText("No suggestions");
  await page.keyboard.press("Backspace");
  await page.keyboard.press("Backspace");
  await expect(list.getByRole("option")).toHaveCount(1);
  await expect(list).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(list).toBeHidden();
  await expect(quote).toContainText("first");
  // The list closed, Escape is the composer's again: the reply is cancelled.
  await page.keyboard.press("Escape");
  await expect(quote).not.toContainText("first");

  await page
    .getByLabel("Attach images or videos")
    .setInputFiles({ name: "notes.txt", mimeType: "image/png", buffer: Buffer.from("not a picture") });
  await field.fill("see");
  // Marked, to tell the text box the server sends back from this one.
  await field.evaluate((node) => ((node as unknown as PageNode & { dataset: Record<string, string> }).dataset.before = "swap"));
  await page.getByRole("button", { name: "Send", exact: true }).click();
  await expect(page.locator("#composer-error")).toContainText("notes.txt");
  await expect(field).not.toHaveAttribute("data-before");
  await expect(field).toHaveValue("see");
  await expect(field).toHaveAttribute("aria-autocomplete", "list");
  await field.press("End");
  await page.keyboard.type(" @b");
  await expect(list.getByRole("option")).toHaveText([new RegExp(`@${bobName}`)]);
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("Enter");
  await expect(field).toHaveValue(`see @${bobName} `);
  await expect(field).toBeFocused();
});

/** The element's box lies wholly inside the viewport. */
async function expectOnScreen(page: Page, selector: string): Promise<void> {
  const { box, width, height } = await page.locator(selector).evaluate((node: unknown) => {
    const w = globalThis as unknown as PageWindow & { innerWidth: number };
    return { box: (node as PageNode).getBoundingClientRect(), width: w.innerWidth, height: w.innerHeight };
  });
  expect(box.left, `${selector} left`).toBeGreaterThanOrEqual(0);
  expect(box.top, `${selector} top`).toBeGreaterThanOrEqual(0);
  expect(box.left + box.width, `${selector} right`).toBeLessThanOrEqual(width);
  expect(box.top + box.height, `${selector} bottom`).toBeLessThanOrEqual(height);
}

for (const screen of [phone, zoom400] satisfies Screen[]) {
  test(`on ${screen.name} the list is wholly on screen, its options big enough to tap, and a tap picks one`, async ({
    browser,
    server,
  }) => {
    const { alice, carolName, roomId } = await roomOfThree(server);
    const page = await browserOf(browser, server, alice, screen.options, true);
    await openRoom(page, roomId);
    const field = page.locator("#composer-body");
    const list = page.locator("#mention-suggestions");
    await field.focus();
    await page.keyboard.type("hi @");
    await expect(list.getByRole("option")).toHaveCount(3);
    await expectOnScreen(page, "#mention-suggestions");
    await expectNoSidewaysScrolling(page);
    for (const box of await list
      .getByRole("option")
      .evaluateAll((nodes) => nodes.map((n) => (n as unknown as PageNode).getBoundingClientRect()))) {
      expect(box.height).toBeGreaterThanOrEqual(24);
      expect(box.width).toBeGreaterThanOrEqual(24);
    }
    const carol = list.getByRole("option", { name: new RegExp(carolName) });
    if (screen.options.hasTouch) await carol.tap();
    else await carol.click();
    await expect(field).toHaveValue(`hi @${carolName} `);
    await expect(field).toBeFocused();
    await expect(list).toBeHidden();
  });
}

test("without JavaScript nothing is offered, and @username typed by hand is sent as written", async ({ browser, server }) => {
  const { alice, bobName, roomId } = await roomOfThree(server);
  const page = await browserOf(browser, server, alice, laptop.options, false);
  await page.goto(`/rooms/${roomId}`);
  const field = page.locator("#composer-body");
  await field.fill(`@${bobName} by hand`);
  await expect(page.locator("#mention-suggestions")).toBeHidden();
  await expect(field).not.toHaveAttribute("aria-autocomplete");
  await page.getByRole("button", { name: "Send" }).click();
  const sent = page.locator("li.message").last();
  await expect(sent).toContainText(`@${displayNameOf(bobName)} by hand`);
  await expect(sent.locator(".mention")).toHaveText(`@${displayNameOf(bobName)}`);
});
