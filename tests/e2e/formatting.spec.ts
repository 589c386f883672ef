import { expectNoAxeViolations } from "./axe.js";
import { expect, roomWithMessages, test, waitForLiveConnection, watchLiveConnection } from "./fixtures.js";
import { browserOf, expectNoSidewaysScrolling, phone } from "./screens.js";

const formatted =
  "**Ship it** on *Friday*, not ~~Monday~~: run `npm test`\n```\nconst release = { day: 'Friday', checklist: ['tests', 'notes', 'a very long line that must scroll inside its own block'] };\n```\n> quoted\n- one\n- two";

test("a formatted message reaches the other person live, formatted; the help opens by keyboard; axe finds nothing, light and dark", async ({
  browser,
  server,
}) => {
  const { owner, reader, roomId } = await roomWithMessages(server, 1);
  const page = await browserOf(browser, server, reader, { viewport: { width: 1280, height: 800 } }, true);
  await watchLiveConnection(page);
  await page.goto(`/rooms/${roomId}`);
  await waitForLiveConnection(page);

  await owner.openRoom(roomId);
  expect((await owner.post(`/rooms/${roomId}/messages`, { body: formatted }, { "hx-request": "true" })).status).toBe(204);
  const message = page.locator("li.message").filter({ hasText: "Ship it" });
  await expect(message.locator("strong")).toHaveText("Ship it");
  await expect(message.locator("em")).toHaveText("Friday");
  await expect(message.locator("s")).toHaveText("Monday");
  await expect(message.locator("p code")).toHaveText("npm test");
  await expect(message.locator("pre code")).toContainText("const release");
  await expect(message.locator("blockquote")).toHaveText("quoted");
  await expect(message.locator("ul > li")).toHaveCount(2);

  // The help is one control in the composer's row, opened from the keyboard.
  const help = page.getByText("Formatting help");
  await page.locator("#composer-body").focus();
  await page.keyboard.press("Shift+Tab");
  await expect(page.locator("summary.help-button")).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.locator(".composer-help-panel")).toBeVisible();
  await expect(page.locator(".composer-help-panel")).toContainText("**bold**");
  await expect(help).toBeAttached();
  await expectNoAxeViolations(page);
  await page.emulateMedia({ colorScheme: "dark" });
  await expectNoAxeViolations(page);
});

test("on a phone, a long code line scrolls inside its block, not the page", async ({ browser, server }) => {
  const { owner, reader, roomId } = await roomWithMessages(server, 1);
  await owner.openRoom(roomId);
  await owner.post(`/rooms/${roomId}/messages`, { body: formatted });
  const page = await browserOf(browser, server, reader, phone.options, false);
  await page.goto(`/rooms/${roomId}`);
  const block = page.locator("pre").filter({ hasText: "const release" });
  await expect(block).toBeVisible();
  const { scrollWidth, clientWidth } = await block.evaluate((node: unknown) => {
    const pre = node as { scrollWidth: number; clientWidth: number };
    return { scrollWidth: pre.scrollWidth, clientWidth: pre.clientWidth };
  });
  expect(scrollWidth).toBeGreaterThan(clientWidth);
  await expectNoSidewaysScrolling(page);
});
