// Fills a PostgreSQL database with a realistic history for bench:history: 1,000,000 messages in
// 100 rooms (one busy room with a tenth of them, the rest spread over 99), interleaved in time as
// on a real server, with lengths skewed short as chat is, over the past year.
// Usage: npm run bench:seed [-- --messages 1000000]
// Database: BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/parley_bench (created
// if missing, migrated, and emptied first).
import { parseArgs } from "node:util";
import pg from "pg";
import { benchDatabaseUrl, ensureBenchDatabase } from "./support.js";

const { values } = parseArgs({ options: { messages: { type: "string", default: "1000000" } } });
const total = Number(values.messages);
const CHUNK = 100_000;

const url = await ensureBenchDatabase();
const pool = new pg.Pool({ connectionString: url });
const started = performance.now();
try {
  await pool.query("truncate messages, memberships, rooms, users restart identity cascade");
  await pool.query(`insert into users (username, display_name, password_hash)
    select 'seed' || n, 'Seed person ' || n, 'not a password hash' from generate_series(1, 200) n`);
  await pool.query(`insert into rooms (name, is_default) select 'bench room ' || n, n = 1 from generate_series(1, 100) n`);
  // Twenty members per room.
  await pool.query(`insert into memberships (room_id, user_id) select r.id, u.id from rooms r cross join users u where (u.id + r.id) % 10 = 0`);
  const lorem =
    "Morning all. Did anyone see the build go red last night? I think it was the flaky upload test again, " +
    "but the logs say the database was restarting at the same time. Let's pair on it after lunch and write " +
    "down what we find, so that the next person does not have to dig through all of this again. Also: cake. ";
  for (let from = 1; from <= total; from += CHUNK) {
    const to = Math.min(total, from + CHUNK - 1);
    await pool.query(
      `insert into messages (room_id, author_id, body, created_at)
       select case when n % 10 = 0 then 1 else 2 + (n / 10) % 99 end,
              1 + (n::bigint * 7919) % 200,
              substr(repeat($1, 3), 1 + n % 97, 8 + (power(random(), 3) * 400)::int),
              now() - interval '365 days' + n * (interval '365 days' / $4::int)
       from generate_series($2::int, $3::int) n`,
      [lorem, from, to, total],
    );
    process.stdout.write(`\r${to.toLocaleString("en")} messages`);
  }
  await pool.query("analyze");
  const { rows } = await pool.query("select count(*)::int as n, pg_size_pretty(pg_total_relation_size('messages')) as size from messages");
  console.log(`\n${rows[0].n.toLocaleString("en")} messages (${rows[0].size}) in ${((performance.now() - started) / 1000).toFixed(1)} s into ${benchDatabaseUrl}`);
} finally {
  await pool.end();
}
