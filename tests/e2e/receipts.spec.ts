import { Visitor } from "../support/client.js";
import { displayNameOf, expect, logIn, person, test, unique, waitForLiveConnection, watchLiveConnection } from "./fixtures.js";

test("Alice sees Bob's receipt appear under her message once Bob has the room open", async ({ browser, server }) => {
  const aliceName = unique("alice");
  const bobName = unique("bob");
  const aliceHttp = new Visitor(server.url);
  await aliceHttp.signUp(aliceName);
  const roomId = await aliceHttp.createRoom(unique("seen"));
  const bobHttp = new Visitor(server.url);
  await bobHttp.signUp(bobName);
  await bobHttp.joinRoom(roomId);
  await aliceHttp.openRoom(roomId);
  await aliceHttp.post(`/rooms/${roomId}/messages`, { body: "did you see this?" });

  const alice = await (await person(browser, server)).newPage();
  await watchLiveConnection(alice);
  await logIn(alice, aliceName);
  await alice.goto(`/rooms/${roomId}`);
  await waitForLiveConnection(alice);
  const message = alice.getByRole("log").getByRole("listitem").filter({ hasText: "did you see this?" });
  const seenByBob = message.getByText(`Seen by ${displayNameOf(bobName)}`);
  await expect(seenByBob).toHaveCount(0);

  const bob = await (await person(browser, server)).newPage();
  await logIn(bob, bobName);
  await bob.goto(`/rooms/${roomId}`);
  await expect(seenByBob).toHaveCount(1);
  await expect(message.locator(".receipt")).toHaveAttribute("title", `Seen by ${displayNameOf(bobName)}`);
});
