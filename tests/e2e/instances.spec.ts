import { randomBytes } from "node:crypto";
import { people } from "../support/client.js";
import { postgresUrl } from "../support/databases.js";
import { startAnotherInstance, startTestServer, type TestServer } from "../support/server.js";
import { displayNameOf, expect, logIn, test, unique, waitForLiveConnection, watchLiveConnection } from "./fixtures.js";

// Two Parley processes on one PostgreSQL, as behind a load balancer: Alice's browser is served by A,
// Bob's by B. An in-memory PGlite cannot be shared, so this needs DATABASE_URL.
test.skip(!postgresUrl, "needs DATABASE_URL: two instances share one PostgreSQL database");

let a: TestServer;
let b: TestServer;
test.beforeAll(async () => {
  const env = { SESSION_SECRET: randomBytes(32).toString("hex") };
  a = await startTestServer("postgres", env);
  b = await startAnotherInstance(a, env);
});
test.afterAll(async () => {
  await b?.stop();
  await a?.stop();
});

test("Alice on instance A and Bob on instance B chat live, each seeing the other online and typing", async ({ browser }) => {
  const [aliceName, bobName] = [unique("alice"), unique("bob")];
  const [alice, bob] = await people(a.url, aliceName, bobName);
  const roomName = unique("across");
  const roomId = await alice!.createRoom(roomName);
  await bob!.joinRoom(roomId);
  const aliceContext = await browser.newContext({ baseURL: a.url });
  const bobContext = await browser.newContext({ baseURL: b.url });
  const alicePage = await aliceContext.newPage();
  const bobPage = await bobContext.newPage();
  await watchLiveConnection(alicePage);
  await watchLiveConnection(bobPage);
  await logIn(alicePage, aliceName);
  await logIn(bobPage, bobName);
  await bobPage.goto(`/rooms/${roomId}`);
  await alicePage.goto(`/rooms/${roomId}`);
  await waitForLiveConnection(alicePage);
  await waitForLiveConnection(bobPage);

  const aliceLog = alicePage.getByRole("log", { name: `Messages in ${roomName}` });
  const bobLog = bobPage.getByRole("log", { name: `Messages in ${roomName}` });
  const aliceComposer = alicePage.getByRole("textbox", { name: `Message #${roomName}`, exact: true });
  const bobComposer = bobPage.getByRole("textbox", { name: `Message #${roomName}`, exact: true });

  // Each sees the other online, though the other's page is held by the other instance.
  const member = (page: typeof alicePage, name: string) =>
    page
      .getByRole("complementary", { name: /Members/ })
      .getByRole("listitem")
      .filter({ hasText: displayNameOf(name) });
  await expect(member(alicePage, bobName)).toContainText(/\bonline\b/);
  await expect(member(bobPage, aliceName)).toContainText(/\bonline\b/);

  await aliceComposer.fill("Hello from instance A");
  await aliceComposer.press("Enter");
  await expect(bobLog.getByRole("listitem").filter({ hasText: "Hello from instance A" })).toHaveCount(1);
  await expect(bobLog.getByRole("listitem").last()).toContainText(displayNameOf(aliceName));

  // Bob's typing on B shows on A, and stops with his message.
  await bobComposer.pressSequentially("And hello");
  await expect(alicePage.getByRole("status").filter({ hasText: "is typing" })).toHaveText(`${displayNameOf(bobName)} is typing…`);
  await bobComposer.fill("And hello from B");
  await bobComposer.press("Enter");
  await expect(aliceLog.getByRole("listitem").filter({ hasText: "And hello from B" })).toHaveCount(1);
  await expect(aliceLog.getByRole("listitem")).toHaveCount(2);
  await expect(alicePage.getByText("is typing")).toHaveCount(0);
  await expect(bobLog.getByRole("listitem")).toHaveCount(2);

  await aliceContext.close();
  await bobContext.close();
});
