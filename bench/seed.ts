// Fills a PostgreSQL database with the history bench:history reads (see seeding.ts for its shape).
// Usage: npm run bench:seed [-- --messages 1000000]
// Database: BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/parley_bench (created
// if missing, migrated, and emptied first).
import { parseArgs } from "node:util";
import { seedMessages } from "./seeding.js";
import { benchDatabaseUrl, displayUrl } from "./support.js";

const { values } = parseArgs({ options: { messages: { type: "string", default: "1000000" } } });
const seeded = await seedMessages(benchDatabaseUrl, Number(values.messages));
console.log(`\nSeeded ${displayUrl(benchDatabaseUrl)}`);
console.log("| messages | in the busy room | messages table with indexes | seconds |\n| --- | --- | --- | --- |");
console.log(
  `| ${seeded.messages.toLocaleString("en")} | ${seeded.inBusyRoom.toLocaleString("en")} | ${seeded.size} | ${seeded.seconds.toFixed(1)} |`,
);
