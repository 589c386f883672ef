import { createRoom, expect, person, signUp, test, unique, waitForLiveConnection, watchLiveConnection } from "./fixtures.js";

test("a send that fails keeps the text and says why next to the field; the next good send clears it", async ({ browser, server }) => {
  const page = await (await person(browser, server)).newPage();
  await watchLiveConnection(page);
  await signUp(page, unique("err"));
  const roomName = unique("flaky");
  await createRoom(page, roomName);
  await waitForLiveConnection(page);
  const composer = page.getByRole("textbox", { name: `Message #${roomName}`, exact: true });
  const log = page.getByRole("log", { name: `Messages in ${roomName}` });

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
  await composer.evaluate((el) => el.removeAttribute("maxlength"));
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
