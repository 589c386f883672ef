import { and, eq, max } from "drizzle-orm";
import { memberships, messages, users } from "../../src/db/schema.js";
import { Visitor } from "../support/client.js";
import { expect, logIn, person, test, unique, waitForLiveConnection, watchLiveConnection } from "./fixtures.js";

test("a room opened through a very long link still sends small read signals, and they are read", async ({ browser, server }) => {
  const aliceName = unique("alice");
  const carolName = unique("carol");
  const alice = new Visitor(server.url);
  await alice.signUp(aliceName);
  const roomId = await alice.createRoom(unique("long"));
  const carolHttp = new Visitor(server.url);
  await carolHttp.signUp(carolName);
  await carolHttp.joinRoom(roomId);

  const carol = await (await person(browser, server)).newPage();
  const sent: string[] = [];
  carol.on("websocket", (ws) => ws.on("framesent", ({ payload }) => sent.push(String(payload))));
  await watchLiveConnection(carol);
  await logIn(carol, carolName);
  await carol.goto(`/rooms/${roomId}?x=${"a".repeat(4500)}`);
  await waitForLiveConnection(carol);

  await alice.openRoom(roomId);
  const posted = await alice.post(`/rooms/${roomId}/messages`, { body: "read me through a long link" });
  expect(posted.status).toBe(303);
  const [newest] = await server.deps.db
    .select({ id: max(messages.id) })
    .from(messages)
    .where(eq(messages.roomId, roomId));
  await expect(carol.getByRole("log").getByRole("listitem").filter({ hasText: "read me through a long link" })).toBeVisible();

  const [carolRow] = await server.deps.db.select({ id: users.id }).from(users).where(eq(users.username, carolName));
  const pointer = async () =>
    (
      await server.deps.db
        .select({ at: memberships.lastReadMessageId })
        .from(memberships)
        .where(and(eq(memberships.roomId, roomId), eq(memberships.userId, carolRow!.id)))
    )[0]?.at;
  await expect.poll(pointer).toBe(newest!.id);

  const reads = sent.filter((frame) => frame.includes('"read"'));
  expect(reads.length).toBeGreaterThan(0);
  for (const frame of reads) {
    expect(frame).not.toContain("HEADERS");
    expect(frame.length).toBeLessThan(200);
  }
  expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
});
