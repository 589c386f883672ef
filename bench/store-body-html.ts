// Stores body_html for the messages of bench databases that lack it, as if each had been written
// since issue 15 (bench/seeding.ts inserts bodies only, and Parley renders those at read, memoised).
// The seeder's bodies are cut from one text, so there are few distinct ones: each is rendered once.
// Usage: npx tsx bench/store-body-html.ts URL [URL…] (each a bench database, e.g. …/parley_bench and …/parley_bench_small)
import pg from "pg";
import { renderBody } from "../src/formatting/markdown.js";
import { displayUrl } from "./support.js";

for (const url of process.argv.slice(2)) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const started = performance.now();
    const { rows } = await client.query<{ body: string }>("select distinct body from messages where body_html is null");
    await client.query("create temporary table rendered (body text primary key, body_html text not null)");
    for (let i = 0; i < rows.length; i += 1000) {
      const bodies = rows.slice(i, i + 1000).map((r) => r.body);
      await client.query("insert into rendered select * from unnest($1::text[], $2::text[])", [
        bodies,
        bodies.map((body) => renderBody(body)),
      ]);
    }
    const updated = await client.query(
      "update messages m set body_html = r.body_html from rendered r where m.body = r.body and m.body_html is null",
    );
    await client.query("vacuum full analyze messages");
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(
      `${displayUrl(url)}: ${rows.length} distinct bodies rendered, ${updated.rowCount} messages given body_html in ${seconds} s`,
    );
  } finally {
    await client.end();
  }
}
