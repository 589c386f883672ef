import { expectNoAxeViolations } from "./axe.js";
import { expect, roomWithMessages, test, waitForLiveConnection, watchLiveConnection } from "./fixtures.js";
import { browserOf, laptop, phone } from "./screens.js";

test("Bob replies to Alice: the quote above the composer, cancelled by button and Escape, sent; Alice sees it live and its link opens the original", async ({
  browser,
  server,
}) => {
  const { owner, reader, roomId } = await roomWithMessages(server, 3);
  const alice = await browserOf(browser, server, owner, laptop.options, true);
  const bob = await browserOf(browser, server, reader, laptop.options, true);
  for (const page of [alice, bob]) {
    await watchLiveConnection(page);
    await page.goto(`/rooms/${roomId}`);
    await waitForLiveConnection(page);
  }
  const original = bob.locator("li.message").filter({ hasText: "note 1" });
  const quote = bob.locator("#composer-reply");
  const field = bob.locator("#composer-body");
  await field.fill("draft stays");

  await original.hover();
  await original.getByRole("link", { name: "Reply" }).click();
  await expect(quote).toContainText("note 1");
  await expect(field).toBeFocused();
  await expect(field).toHaveValue("draft stays");
  await expectNoAxeViolations(bob);
  await bob.emulateMedia({ colorScheme: "dark" });
  await expectNoAxeViolations(bob);
  await bob.getByRole("button", { name: "Cancel reply" }).click();
  await expect(quote).not.toContainText("note 1");
  await expect(field).toBeFocused();

  await original.hover();
  await original.getByRole("link", { name: "Reply" }).click();
  await expect(quote).toContainText("note 1");
  await field.press("Escape");
  await expect(quote).not.toContainText("note 1");

  await original.hover();
  await original.getByRole("link", { name: "Reply" }).click();
  await expect(quote).toContainText("note 1");
  await field.fill("an answer");
  await field.press("Enter");
  await expect(quote).not.toContainText("note 1");

  const reply = alice.locator("li.message").filter({ hasText: "an answer" });
  const link = reply.locator("a.reply-quote");
  await expect(link).toContainText("note 1");
  await link.click();
  await expect(alice).toHaveURL(/\/messages\/\d+#message-\d+$/);
  await expect(alice.locator("li.message.is-target")).toContainText("note 1");
});

for (const javaScript of [true, false]) {
  test(`on a phone${javaScript ? "" : " without JavaScript"}, Reply behind "More actions" sets the quote, and the reply is sent with it`, async ({
    browser,
    server,
  }) => {
    const { reader, roomId } = await roomWithMessages(server, 2);
    const page = await browserOf(browser, server, reader, phone.options, javaScript);
    await page.goto(`/rooms/${roomId}`);
    const original = page.locator("li.message").filter({ hasText: "note 1" });
    await original.getByRole(javaScript ? "button" : "link", { name: "More actions" }).click();
    await page.locator("li.message").filter({ hasText: "note 1" }).getByRole("link", { name: "Reply" }).click();
    await expect(page.locator("#composer-reply")).toContainText("note 1");
    // axe runs as script in the page: the page without it is checked by the test with it.
    if (javaScript) await expectNoAxeViolations(page);
    await page.locator("#composer-body").fill("from the phone");
    await page.getByRole("button", { name: "Send" }).click();
    const reply = page.locator("li.message").filter({ hasText: "from the phone" });
    await expect(reply.locator(".reply-quote")).toContainText("note 1");
    await expect(page.locator("#composer-reply")).not.toContainText("note 1");
  });
}
