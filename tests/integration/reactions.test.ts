import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { and, eq } from "drizzle-orm";
import { messages, reactions } from "../../src/db/schema.js";
import { people, socketPool, type Visitor } from "../support/client.js";
import { databaseKinds } from "../support/databases.js";
import { postedBy, startTestServer, type TestServer } from "../support/server.js";

const htmx = { "hx-request": "true" };
const reactionsSwap = (id: number) => (push: string) => push.includes(`id="reactions-${id}"`);

for (const kind of databaseKinds()) {
  describe(`reactions on ${kind}`, () => {
    let server: TestServer;
    let alice: Visitor;
    let bob: Visitor;
    let carol: Visitor;
    let roomId: number;
    let otherRoom: number;
    const pool = socketPool();
    before(async () => {
      server = await startTestServer(kind);
      [alice, bob, carol] = (await people(server.url, "alice", "bob", "carol")) as [Visitor, Visitor, Visitor];
      roomId = await alice.createRoom("Reacts");
      await bob.joinRoom(roomId);
      otherRoom = await carol.createRoom("Elsewhere");
      await alice.openRoom(roomId);
      await bob.openRoom(roomId);
      await carol.openRoom(otherRoom);
    });
    after(async () => {
      pool.closeAll();
      await server.stop();
    });

    const posted = (body: string) => postedBy(server, alice, roomId, body);
    const count = async (id: number, emoji: string) =>
      (
        await server.deps.db
          .select()
          .from(reactions)
          .where(and(eq(reactions.messageId, id), eq(reactions.emoji, emoji)))
      ).length;
    const react = (who: Visitor, id: number, emoji: string, headers = htmx) =>
      who.post(`/rooms/${roomId}/messages/${id}/reactions`, { emoji }, headers);

    test("a reaction toggles, counts once per person, and each change swaps only the reactions on every member's page", async () => {
      const id = await posted("react to me");
      const bobTab = await pool.open(bob, roomId);
      const aliceTab = await pool.open(alice, roomId);
      const carolTab = await pool.open(carol, otherRoom);
      assert.ok([200, 204].includes((await react(alice, id, "👍")).status));
      const [bobPush] = await bobTab.waitFor(1, 2000, reactionsSwap(id));
      assert.match(bobPush!, /aria-pressed="false"[^>]*aria-label="Alice reacted with 👍"/);
      assert.doesNotMatch(bobPush!, /message-content-|receipts-/);
      const [alicePush] = await aliceTab.waitFor(1, 2000, reactionsSwap(id));
      assert.match(alicePush!, /aria-pressed="true"[^>]*aria-label="You reacted with 👍"/);
      await react(bob, id, "👍");
      assert.equal(await count(id, "👍"), 2);
      const [, second] = await bobTab.waitFor(2, 2000, reactionsSwap(id));
      assert.match(second!, /aria-pressed="true"[^>]*aria-label="You and Alice reacted with 👍"/);
      // Again: Bob's is taken back.
      await react(bob, id, "👍");
      assert.equal(await count(id, "👍"), 1);
      await bobTab.waitFor(3, 2000, reactionsSwap(id));
      await carol.post(`/rooms/${otherRoom}/messages`, { body: "marker" }, htmx);
      await carolTab.next((p) => p.includes("marker"));
      assert.equal(carolTab.received.filter(reactionsSwap(id)).length, 0);
      assert.equal(aliceTab.received.filter(reactionsSwap(id)).length, 3);
    });

    test("concurrent toggles count once per person per emoji", async () => {
      const id = await posted("race");
      // Alice toggles three times at once (on), Bob twice (off again).
      await Promise.all([...[1, 2, 3].map(() => react(alice, id, "🎉")), ...[1, 2].map(() => react(bob, id, "🎉"))]);
      const rows = await server.deps.db.select().from(reactions).where(eq(reactions.messageId, id));
      assert.deepEqual(
        rows.map((r) => r.emoji),
        ["🎉"],
      );
    });

    test("bad reactions are refused with 422; non-members and deleted messages get 404; without script a 303", async () => {
      const id = await posted("check me");
      for (const emoji of ["", "   ", "x".repeat(17), "a\nb", "a\u0007"])
        assert.equal((await react(bob, id, emoji)).status, 422, JSON.stringify(emoji));
      assert.equal((await react(bob, id, "ship it!")).status === 422, false);
      await carol.openRoom(otherRoom);
      assert.equal((await carol.post(`/rooms/${roomId}/messages/${id}/reactions`, { emoji: "👍" }, htmx)).status, 404);
      const page = await bob.openRoom(roomId);
      const csrf = /name="_csrf" value="([^"]+)"/.exec(page.html)![1]!;
      const plain = await bob.post(`/rooms/${roomId}/messages/${id}/reactions`, { emoji: "👀", _csrf: csrf });
      assert.equal(plain.status, 303);
      assert.equal(plain.location, `/rooms/${roomId}/messages/${id}#message-${id}`);
      await server.deps.db.update(messages).set({ deletedAt: new Date(), body: "" }).where(eq(messages.id, id));
      assert.equal((await react(bob, id, "👍")).status, 404);
    });
  });
}
