// The cost of Web Push's queueing on posting (issue 16): posts in a room of 20 members, one poster,
// sent one after another over HTTP, timed per post, with (a) nobody subscribed, (b) 19 subscribed
// but all looking at a page (the query finds nobody to tell), (c) 19 subscribed, away, at level
// Everything (19 jobs inserted per post). The sending worker is stopped, so only the post's own
// INSERT … SELECT is measured; the statement is also timed alone, run directly. Medians of rounds.
// Usage: npm run bench:push-queue -- [--posts 400 --rounds 3] (DATABASE_URL set: on PostgreSQL too)
import { parseArgs } from "node:util";
import { eq, sql } from "drizzle-orm";
import { pushSubscriptions, users } from "../src/db/schema.js";
import { queueMessagePushes } from "../src/domain/push-queue.js";
import { people } from "../tests/support/client.js";
import { databaseKinds } from "../tests/support/databases.js";
import { newestMessageIn, startTestServer } from "../tests/support/server.js";

const { values } = parseArgs({
  options: {
    posts: { type: "string", default: "400" },
    members: { type: "string", default: "20" },
    rounds: { type: "string", default: "3" },
  },
});
const POSTS = Number(values.posts);
const MEMBERS = Number(values.members);
const ROUNDS = Number(values.rounds);

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
  const cases = {
    "(a) nobody subscribed": async () => void (await db.delete(pushSubscriptions)),
    "(b) 19 subscribed, all looking": async () => {
      await db.delete(pushSubscriptions);
      const others = ids.filter((id) => id !== posterRow!.id);
      await db
        .insert(pushSubscriptions)
        .values(others.map((userId) => ({ userId, endpoint: `https://push.invalid/${userId}`, p256dh: "B", auth: "A" })));
      await db.execute(sql`update users set looking_until = now() + interval '1 hour'`);
    },
    "(c) 19 subscribed, away, level everything": async () => void (await db.execute(sql`update users set looking_until = null`)),
  };
  const results = new Map<string, { post: number[]; statement: number[] }>();
  await postMs(200);
  // Rounds of the three in turn, so that warming up and a busy machine weigh on each alike.
  for (let round = 0; round < ROUNDS; round++) {
    for (const [label, setUp] of Object.entries(cases)) {
      await setUp();
      const post = await postMs(POSTS);
      const statement = await statementMs(POSTS);
      await db.execute(sql`delete from push_jobs`);
      const result = results.get(label) ?? { post: [], statement: [] };
      result.post.push(post);
      result.statement.push(statement);
      results.set(label, result);
    }
  }
  const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
  for (const [label, { post, statement }] of results) {
    console.log(
      `${kind}  ${label.padEnd(44)} ${median(post).toFixed(2)} ms per post   statement alone ${median(statement).toFixed(3)} ms   (medians of ${ROUNDS} rounds)`,
    );
  }
  await server.stop();
}
