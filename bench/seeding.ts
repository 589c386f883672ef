// A realistic history for the benchmarks that read one (bench:history, bench:room-page): `total`
// messages in 100 rooms (the busy room 1 with a tenth of them, the rest spread over 99), 200 people,
// twenty members per room; interleaved in time as on a real server, with lengths skewed short as
// chat is, over the past year. Every size has the same shape, so that only the history differs.
import pg from "pg";
import { displayUrl, ensureBenchDatabase } from "./support.js";

/** Room 1: the default room, which every newcomer joins, and the one holding a tenth of the messages. */
export const BUSY_ROOM = 1;
const CHUNK = 100_000;

export interface Seeded {
  messages: number;
  inBusyRoom: number;
  /** Of the messages table with its indexes, as PostgreSQL words it ("187 MB"). */
  size: string;
  seconds: number;
}

/** Creates the database if it is missing, empties it and fills it, printing progress. */
export async function seedMessages(url: string, total: number): Promise<Seeded> {
  await ensureBenchDatabase(url);
  const pool = new pg.Pool({ connectionString: url });
  const started = performance.now();
  try {
    await pool.query("truncate messages, memberships, rooms, users restart identity cascade");
    await pool.query(`insert into users (username, display_name, password_hash)
      select 'seed' || n, 'Seed person ' || n, 'not a password hash' from generate_series(1, 200) n`);
    await pool.query(`insert into rooms (name, is_default) select 'bench room ' || n, n = 1 from generate_series(1, 100) n`);
    await pool.query(
      `insert into memberships (room_id, user_id) select r.id, u.id from rooms r cross join users u where (u.id + r.id) % 10 = 0`,
    );
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
      process.stdout.write(`\rseeding ${displayUrl(url)}: ${to.toLocaleString("en")} of ${total.toLocaleString("en")} messages`);
    }
    process.stdout.write("\n");
    await pool.query("analyze");
    const { rows } = await pool.query(
      `select count(*)::int as messages, count(*) filter (where room_id = $1)::int as "inBusyRoom",
              pg_size_pretty(pg_total_relation_size('messages')) as size from messages`,
      [BUSY_ROOM],
    );
    return { ...rows[0], seconds: (performance.now() - started) / 1000 } as Seeded;
  } finally {
    await pool.end();
  }
}

/** Seeds the database unless it holds `total` messages already (a million take a minute or two). */
export async function ensureSeeded(url: string, total: number): Promise<void> {
  await ensureBenchDatabase(url);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number }>("select count(*)::int as n from messages");
    if (rows[0]!.n === total) return;
  } finally {
    await client.end();
  }
  await seedMessages(url, total);
}
