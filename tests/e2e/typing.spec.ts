import { createRoom, displayNameOf, expect, person, signUp, test, unique, waitForLiveConnection, watchLiveConnection } from "./fixtures.js";

test("Bob sees Alice typing, Alice never sees herself, and sending clears the line", async ({ browser, server }) => {
  const aliceName = unique("alice");
  const bobName = unique("bob");
  const roomName = unique("typing");
  const alice = await (await person(browser, server)).newPage();
  const bob = await (await person(browser, server)).newPage();
  for (const page of [alice, bob]) await watchLiveConnection(page);

  await signUp(alice, aliceName);
  const roomPath = await createRoom(alice, roomName);
  await signUp(bob, bobName);
  await bob.goto("/rooms");
  await bob.getByRole("button", { name: `Join ${roomName}` }).click();
  await expect(bob).toHaveURL(roomPath);
  await waitForLiveConnection(alice);
  await waitForLiveConnection(bob);

  // The typing line: one of the page's status regions (the composer has its own).
  const bobStatus = bob.locator("#typing");
  const aliceStatus = alice.locator("#typing");
  const composer = alice.getByRole("textbox", { name: `Message #${roomName}`, exact: true });
  await composer.pressSequentially("I am writing something long", { delay: 20 });
  await expect(bobStatus).toHaveText(`${displayNameOf(aliceName)} is typing…`);
  await expect(aliceStatus).toHaveText("");

  await composer.press("Enter");
  await expect(bob.getByRole("log").getByRole("listitem")).toHaveCount(1);
  await expect(bobStatus).toHaveText("");
});
