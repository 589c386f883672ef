import { startTestServer, type TestServer } from "../support/server.js";
import { expect, logIn, signUp, test, unique, waitForLiveConnection, watchLiveConnection } from "./fixtures.js";

let server: TestServer;
test.beforeAll(async () => {
  server = await startTestServer("pglite", { PRESENCE_GRACE_MS: "500" });
});
test.afterAll(async () => {
  await server.stop();
});

test("Bob sees Alice come online and, once her last page closes, go offline", async ({ browser }) => {
  const aliceName = unique("alice");
  const bobName = unique("bob");
  const bobContext = await browser.newContext({ baseURL: server.url });
  const bob = await bobContext.newPage();
  await watchLiveConnection(bob);
  await signUp(bob, bobName);
  await waitForLiveConnection(bob);

  const aliceContext = await browser.newContext({ baseURL: server.url });
  const alice = await aliceContext.newPage();
  await signUp(alice, aliceName);

  // Both are in the default room; Bob's member list names Alice's state in words, not only a dot.
  await bob.reload();
  const aliceRow = bob
    .getByRole("complementary")
    .getByRole("listitem")
    .filter({ hasText: `@${aliceName}` });
  await expect(aliceRow).toContainText("online");
  await expect(aliceRow).not.toContainText("offline");

  await aliceContext.close();
  await expect(aliceRow).toContainText("offline, last seen just now");

  const again = await (await browser.newContext({ baseURL: server.url })).newPage();
  await logIn(again, aliceName);
  await expect(aliceRow).toContainText("online");
  await expect(aliceRow).not.toContainText("offline");
});
