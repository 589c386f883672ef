// The cost of Web Push's queueing on posting (issue 16): posts in a room of 20 members, one poster,
// sent one after another over HTTP, timed per post, with (a) nobody subscribed, (b) 19 subscribed
// but all looking at a page (the query finds nobody to tell), (c) 19 subscribed, away, at level
// Everything (19 jobs inserted per post). The sending worker is stopped, so only the post's own
// INSERT … SELECT is measured; the statement is also timed alone, run directly.
// Usage: npx tsx bench/push-queue.ts [--posts 400] (DATABASE_URL set: on PostgreSQL too)
import { parseArgs } from "node:util";
import { eq, sql } from "drizzle-orm";
import { pushSubscriptions, users } from "../src/db/schema.js";
import { queueMessagePushes } from "../src/domain/push-queue.js";
import { people } from "../tests/support/client.js";
import { databaseKinds } from "../tests/support/databases.js";
import { newestMessageIn, startTestServer } from "../tests/support/server.js";

const { values } = parseArgs({ options: { posts: { type: "string", default: "400" }, members: { type: "string", default: "20" } } });
const POSTS = Number(values.posts);
const MEMBERS = Number(values.members);

for (const kind of databaseKinds()) {
  const server = await startTestServer(kind, { RATE_LIMIT_MESSAGES_PER_MIN: "1000000" });
  await server.pushes.stop();
  const names = Array.from({ length: MEMBERS }, (_, i) => `member${i}`);
  const visitors = await people(server.url, ...names);
  const poster = visitors[0]!;
  const roomId = await poster.createRoom("Bench");
  for (const v of visitors.slice(1)) await v.joinRoom(roomId);
  await poster.openRoom(roomId);
  const { db } = server.deps;
  const ids = (await db.select({ id: users.id }).from(users)).map((r) => r.id);
  const [posterRow] = await db.select({ id: users.id }).from(users).where(eq(users.username, "member0"));
  await db.execute(sql`update memberships set notification_level = 'everything' where room_id = ${roomId}`);

  const postMs = async (n: number) => {
    const started = performance.now();
    for (let i = 0; i < n; i++) {
      const page = await poster.post(`/rooms/${roomId}/messages`, { body: `message ${i}` }, { "hx-request": "true" });
      if (page.status !== 204) throw new Error(`post answered ${page.status}`);
    }
    return (performance.now() - started) / n;
  };
  const statementMs = async (n: number) => {
    const messageId = await newestMessageIn(db, roomId);
    const started = performance.now();
    for (let i = 0; i < n; i++) await queueMessagePushes(db, { messageId, roomId, authorId: posterRow!.id });
    return (performance.now() - started) / n;
  };
  const measure = async (label: string) => {
    await postMs(100);
    const post = await postMs(POSTS);
    const statement = await statementMs(POSTS);
    const jobs = await db.execute(sql`select count(*)::int as n from push_jobs`);
    await db.execute(sql`delete from push_jobs`);
    console.log(
      `${kind}  ${label.padEnd(44)} ${post.toFixed(2)} ms per post   statement alone ${statement.toFixed(3)} ms   (${(jobs as { rows: Array<{ n: number }> }).rows[0]!.n} jobs)`,
    );
  };

  await measure("(a) nobody subscribed");
  await db
    .insert(pushSubscriptions)
    .values(
      ids
        .filter((id) => id !== posterRow!.id)
        .map((userId) => ({ userId, endpoint: `https://push.invalid/${userId}`, p256dh: "B", auth: "A" })),
    );
  await db.execute(sql`update users set looking_until = now() + interval '1 hour'`);
  await measure("(b) 19 subscribed, all looking");
  await db.execute(sql`update users set looking_until = null`);
  await measure("(c) 19 subscribed, away, level everything");
  // Again, to see how much the machine drifted meanwhile.
  await db.delete(pushSubscriptions);
  await measure("(a) again");
  await server.stop();
}
