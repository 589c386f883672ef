import type { Browser } from "@playwright/test";
import type { TestServer } from "../support/server.js";
import { createRoom, expect, person, signUp, test, unique, waitForLiveConnection, watchLiveConnection } from "./fixtures.js";

/** Someone new in a room of their own, live: the page, its composer and its message log. */
async function inNewRoom(browser: Browser, server: TestServer, who: string, room: string) {
  const page = await (await person(browser, server)).newPage();
  await watchLiveConnection(page);
  await signUp(page, unique(who));
  const roomName = unique(room);
  await createRoom(page, roomName);
  await waitForLiveConnection(page);
  const composer = page.getByRole("textbox", { name: `Message #${roomName}`, exact: true });
  const log = page.getByRole("log", { name: `Messages in ${roomName}` });
  return { page, roomName, composer, log };
}

test("a send that fails keeps the text and says why next to the field; the next good send clears it", async ({ browser, server }) => {
  const { page, roomName, composer, log } = await inNewRoom(browser, server, "err", "flaky");

  // The network drops: nothing is lost, and the reason is tied to the field.
  await page.route("**/messages", (route) => route.abort("internetdisconnected"));
  await composer.fill("do not lose me");
  await composer.press("Enter");
  await expect(composer).toHaveAccessibleDescription(/could not be sent\. Check your connection/);
  await expect(composer).toHaveAttribute("aria-invalid", "true");
  await expect(composer).toHaveValue("do not lose me");
  await expect(composer).toBeFocused();

  // The server refuses it (too long, counted after trimming): htmx swaps in the composer with the server's error.
  await page.unroute("**/messages");
  // maxlength would stop a person typing more; remove it to see what the server says.
  await composer.evaluate((el) => (el as unknown as { removeAttribute(name: string): void }).removeAttribute("maxlength"));
  await composer.fill("z".repeat(4001));
  await composer.press("Enter");
  const swapped = page.getByRole("textbox", { name: `Message #${roomName}`, exact: true });
  await expect(swapped).toHaveAccessibleDescription(/A message can be at most 4000 characters\./);
  await expect(swapped).toHaveValue("z".repeat(4001));
  await expect(swapped).toBeFocused();

  // Fixed and sent: the error goes away and the message arrives once.
  await swapped.fill("fixed now");
  await swapped.press("Enter");
  await expect(log.getByRole("listitem")).toHaveCount(1);
  await expect(log.getByRole("listitem").first()).toContainText("fixed now");
  await expect(swapped).toHaveValue("");
  await expect(swapped).not.toHaveAttribute("aria-invalid", "true");
  await expect(page.locator("#composer-error")).toHaveCount(0);
});

test("a send whose answer was lost, sent again, arrives once; the message after it is a new one", async ({ browser, server }) => {
  const { page, composer, log } = await inNewRoom(browser, server, "retry", "lossy");

  // The post reaches the server and is stored, but its answer never comes back.
  await page.route("**/messages", async (route) => {
    await route.fetch();
    await route.abort("internetdisconnected");
  });
  await composer.fill("said once");
  await composer.press("Enter");
  await expect(composer).toHaveAccessibleDescription(/could not be sent/);
  await expect(composer).toHaveValue("said once");

  // Sent again, it is the same message.
  await page.unroute("**/messages");
  await composer.press("Enter");
  await expect(composer).toHaveValue("");
  await composer.fill("said next");
  await composer.press("Enter");
  await expect(log.getByRole("listitem").filter({ hasText: "said next" })).toHaveCount(1);
  await page.reload();
  await expect(log.getByRole("listitem")).toHaveText([/said once/, /said next/]);
});
