import { startTestServer, type TestServer } from "../support/server.js";
import { displayNameOf, expect, signUp, test, unique, waitForLiveConnection, watchLiveConnection } from "./fixtures.js";

let server: TestServer;
test.beforeAll(async () => {
  server = await startTestServer("pglite", { PRESENCE_GRACE_MS: "500" });
});
test.afterAll(async () => {
  await server.stop();
});

test("three people: presence, typing and 'Seen' in a direct conversation, and a group's unread count", async ({ browser }) => {
  const [aliceName, bobName, carolName] = [unique("alice"), unique("bob"), unique("carol")];
  const [Alice, Bob, Carol] = [aliceName, bobName, carolName].map(displayNameOf) as [string, string, string];
  const open = async (name: string) => {
    const page = await (await browser.newContext({ baseURL: server.url })).newPage();
    await watchLiveConnection(page);
    await signUp(page, name);
    await waitForLiveConnection(page);
    return page;
  };
  const alice = await open(aliceName);
  const bob = await open(bobName);
  const carol = await open(carolName);

  // Alice starts a group with Bob and Carol from the People page, ticking both.
  await alice.getByRole("link", { name: "People" }).click();
  await alice.getByRole("searchbox", { name: "Search by name or username" }).fill(bobName);
  await alice.getByRole("checkbox", { name: new RegExp(`^${Bob} `) }).check();
  await alice.getByRole("searchbox", { name: "Search by name or username" }).fill(carolName);
  await expect(alice.getByRole("status")).toHaveText("1 person found, 1 ticked");
  await alice.getByRole("checkbox", { name: new RegExp(`^${Carol} `) }).check();
  await alice.getByRole("button", { name: "Start a conversation" }).click();
  await expect(alice.getByRole("heading", { level: 1 })).toHaveText(`${Bob} and ${Carol}`);
  await waitForLiveConnection(alice);
  await alice.getByRole("textbox", { name: `Message ${Bob} and ${Carol}` }).fill("Hello both");
  await alice.keyboard.press("Enter");

  // Carol's sidebar gains the conversation with its count, live, and her title carries it.
  const carolsRow = carol.getByRole("navigation", { name: "Rooms" }).getByRole("link", { name: new RegExp(`^${Alice} and ${Bob}`) });
  await expect(carolsRow).toHaveAccessibleName(`${Alice} and ${Bob} 1 unread`);
  // Messages of a conversation are addressed to her, as a mention is: the title puts them first.
  await expect(carol).toHaveTitle(/^\(@1 · 1\) /);

  // Alice writes to Bob directly before he has looked: no "Seen" yet.
  await alice.getByRole("link", { name: "People" }).click();
  await alice.getByRole("button", { name: `Message ${Bob}` }).click();
  await expect(alice.getByRole("heading", { level: 1 })).toHaveText(Bob);
  await waitForLiveConnection(alice);
  await alice.getByRole("textbox", { name: `Message ${Bob}` }).fill("Are you there?");
  await alice.keyboard.press("Enter");
  const question = alice.getByRole("log").getByRole("listitem").filter({ hasText: "Are you there?" });
  await expect(question).toBeVisible();
  await expect(question.getByText(/^Seen \d/)).toHaveCount(0);

  // Bob opens the conversation from his sidebar, where Alice shows as online in words.
  // (His group with Alice and Carol is there too: the direct one ends with her name, or its count.)
  const bobsRow = bob.getByRole("navigation", { name: "Rooms" }).getByRole("link", { name: new RegExp(`${Alice}( 1 unread)?$`) });
  await expect(bobsRow).toHaveAccessibleName(`online ${Alice} 1 unread`);
  await bobsRow.click();
  await waitForLiveConnection(bob);
  await expect(question.getByText(/^Seen \d/)).toBeVisible();

  // Alice types (for longer than the 2 s throttle, which began when she typed her question); Bob sees it.
  await alice.getByRole("textbox", { name: `Message ${Bob}` }).pressSequentially("Good morning", { delay: 250 });
  await expect(bob.getByRole("status").filter({ hasText: "is typing" })).toHaveText(`${Alice} is typing…`);

  // Carol reads the group: her count clears.
  await carolsRow.click();
  await expect(carol.getByRole("navigation", { name: "Rooms" }).getByRole("link", { name: `${Alice} and ${Bob}` })).toBeVisible();
  await expect(carol).not.toHaveTitle(/^\(/);

  // Alice leaves: after the grace period Bob sees her offline, in words.
  await alice.context().close();
  await expect(bobsRow).toHaveAccessibleName(`offline, last seen just now ${Alice}`);
  await expect(
    bob
      .getByRole("complementary")
      .getByRole("listitem")
      .filter({ hasText: `@${aliceName}` }),
  ).toContainText("offline, last seen just now");
});
