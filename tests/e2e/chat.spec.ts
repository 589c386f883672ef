import type { BrowserGlobals } from "./browser.js";
import { createRoom, displayNameOf, expect, person, signUp, test, unique, waitForLiveConnection, watchLiveConnection } from "./fixtures.js";

test("two people in their own browsers chat live, each message shown once", async ({ browser, server }) => {
  const aliceName = unique("alice");
  const bobName = unique("bob");
  const roomName = unique("plans");
  const alice = await (await person(browser, server)).newPage();
  const bob = await (await person(browser, server)).newPage();
  await watchLiveConnection(alice);
  await watchLiveConnection(bob);

  // Alice signs up and creates a room; she lands in it.
  await signUp(alice, aliceName);
  const roomPath = await createRoom(alice, roomName, "Weekend plans");

  // Bob signs up in his own browser, finds the room under Browse and joins it.
  await signUp(bob, bobName);
  await bob.getByRole("link", { name: "Browse public rooms" }).click();
  await expect(bob.getByRole("heading", { level: 1, name: "Public rooms" })).toBeVisible();
  await bob.getByRole("button", { name: `Join ${roomName}` }).click();
  await expect(bob).toHaveURL(roomPath);
  await expect(bob.getByRole("heading", { level: 1, name: roomName })).toBeVisible();

  await waitForLiveConnection(alice);
  await waitForLiveConnection(bob);
  // A page that reloaded would lose this; its survival proves the messages below arrive without a reload.
  for (const page of [alice, bob]) await page.evaluate(() => ((globalThis as unknown as BrowserGlobals).__sameDocument = true));

  const aliceLog = alice.getByRole("log", { name: `Messages in ${roomName}` });
  const bobLog = bob.getByRole("log", { name: `Messages in ${roomName}` });
  const aliceComposer = alice.getByRole("textbox", { name: `Message #${roomName}`, exact: true });
  const bobComposer = bob.getByRole("textbox", { name: `Message #${roomName}`, exact: true });
  await expect(aliceLog.getByRole("listitem")).toHaveCount(0);
  await expect(bob.getByText("No messages yet. Say hello!")).toBeVisible();
  // Read from the top: the room's start, then that nothing has been said yet.
  const start = (await bob.getByText(`This is the start of`).boundingBox())!;
  const empty = (await bob.getByText("No messages yet. Say hello!").boundingBox())!;
  expect(empty.y).toBeGreaterThanOrEqual(start.y + start.height);

  // Alice writes; Enter sends.
  await aliceComposer.click();
  await aliceComposer.pressSequentially("Hi Bob, are you in?");
  await aliceComposer.press("Enter");
  await expect(bobLog.getByRole("listitem")).toHaveCount(1);
  await expect(bobLog.getByRole("listitem").first()).toContainText(displayNameOf(aliceName));
  await expect(bobLog.getByRole("listitem").first()).toContainText("Hi Bob, are you in?");
  await expect(aliceLog.getByRole("listitem")).toHaveCount(1);
  await expect(aliceLog.getByRole("listitem").first()).toContainText("Hi Bob, are you in?");
  await expect(bob.getByText("No messages yet. Say hello!")).toBeHidden();
  // The composer is ready for the next message.
  await expect(aliceComposer).toHaveValue("");
  await expect(aliceComposer).toBeFocused();

  // Bob replies; Alice sees it live.
  await bobComposer.click();
  await bobComposer.pressSequentially("Yes! Count me in.");
  await bobComposer.press("Enter");
  await expect(aliceLog.getByRole("listitem")).toHaveCount(2);
  await expect(aliceLog.getByRole("listitem").nth(1)).toContainText(displayNameOf(bobName));
  await expect(aliceLog.getByRole("listitem").nth(1)).toContainText("Yes! Count me in.");
  // What a screen reader hears of it: the page's one live region for messages gains Bob's name and
  // text, nothing of the message's time, links or actions; the list itself is not live. Bob, who
  // wrote it, hears nothing; Alice's own message was not announced to her either.
  const heard = (page: typeof alice) => page.locator('[aria-live="polite"], [aria-live="assertive"]');
  await expect(heard(alice)).toHaveCount(1);
  expect(await heard(alice).ariaSnapshot()).toBe(`- paragraph: "${displayNameOf(bobName)}: Yes! Count me in."`);
  expect(await aliceLog.getAttribute("aria-live")).toBeNull();
  await expect(aliceLog.locator('ol[aria-live="off"]')).toHaveCount(2);
  await expect(heard(bob)).toHaveCount(1);
  expect(await heard(bob).ariaSnapshot()).toBe(`- paragraph: "${displayNameOf(aliceName)}: Hi Bob, are you in?"`);
  await expect(bobLog.getByRole("listitem")).toHaveCount(2);
  await expect(bobComposer).toHaveValue("");
  await expect(bobComposer).toBeFocused();

  // Shift+Enter starts a new line instead of sending.
  await aliceComposer.pressSequentially("First line");
  await aliceComposer.press("Shift+Enter");
  await aliceComposer.pressSequentially("second line");
  await expect(aliceComposer).toHaveValue("First line\nsecond line");
  await aliceComposer.press("Enter");
  await expect(bobLog.getByRole("listitem")).toHaveCount(3);
  const multiLine = bobLog.getByRole("listitem").nth(2);
  await expect(multiLine).toContainText("First line");
  expect(await multiLine.innerText()).toContain("First line\nsecond line");
  await expect(aliceComposer).toHaveValue("");

  // Every message exactly once, in order, on both sides; neither page was reloaded.
  for (const log of [aliceLog, bobLog]) {
    await expect(log.getByRole("listitem")).toHaveCount(3);
    await expect(log.getByRole("listitem").filter({ hasText: "Hi Bob, are you in?" })).toHaveCount(1);
    await expect(log.getByRole("listitem").filter({ hasText: "Yes! Count me in." })).toHaveCount(1);
    await expect(log.getByRole("listitem").filter({ hasText: "second line" })).toHaveCount(1);
  }
  for (const page of [alice, bob]) {
    expect(await page.evaluate(() => (globalThis as unknown as BrowserGlobals).__sameDocument)).toBe(true);
  }

  // What was pushed live is what a fresh load shows.
  await bob.reload();
  await expect(bobLog.getByRole("listitem")).toHaveCount(3);
  await expect(bobLog.getByRole("listitem").nth(0)).toContainText("Hi Bob, are you in?");
  await expect(bobLog.getByRole("listitem").nth(1)).toContainText("Yes! Count me in.");
  await expect(bobLog.getByRole("listitem").nth(2)).toContainText("second line");

  await alice.context().close();
  await bob.context().close();
});
