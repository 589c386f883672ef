import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { test } from "node:test";
import { promisify } from "node:util";
import { scenarios, smokeEnv } from "../../bench/scenarios.js";
import { postgresUrl } from "../support/databases.js";
import { migratedPgliteFile } from "../support/pglite.js";

const run = promisify(execFile);

// Benchmarks are never part of the test run; a tiny run of each is, so that they do not rot.
// Each starts its own Parley and must finish and print its table.
// The scripts and their smoke arguments are those of `npm run bench -- --quick` (bench/scenarios.ts).
// Those on a seeded PostgreSQL database get databases of their own on the test server, never the
// real bench databases (no server: skipped); bench/seed.ts fills the one bench/history.ts reads.
// Their embedded databases start as a copy of the tests' migrated one (see bench/support.ts).
const env = { BENCH_PGLITE_TEMPLATE: await migratedPgliteFile(), ...(postgresUrl ? smokeEnv(postgresUrl) : {}) };
const needsPostgres = !postgresUrl && "needs PostgreSQL: set DATABASE_URL or TEST_DATABASE_URL";
const table = /^\| --- \|/m;
// The suite itself, writing nothing, on the two cheapest scenarios, which it runs with their smoke
// arguments: that run is their smoke run too (its section holds both tables), rather than a second one.
const bySuite = ["latency", "sidebar"];
const smokes = scenarios
  .filter((s) => !bySuite.includes(s.name))
  .map((s) => ({ script: s.script, args: s.smoke, skip: s.seeded && needsPostgres, prints: table }));
smokes.push({
  script: "bench/all.ts",
  args: ["--quick", "--no-write", "--only", bySuite.join(",")],
  skip: false,
  prints: new RegExp(bySuite.map((name) => String.raw`^### ${name}\n(?:(?!^###)[\s\S])*^\| --- \|`).join(String.raw`[\s\S]*`), "m"),
});

for (const { script, args, skip, prints } of smokes) {
  test(`smoke: ${script} ${args.join(" ")}`, { timeout: 120_000, skip }, async () => {
    const { stdout } = await run(process.execPath, ["--import", "tsx", script, ...args], {
      timeout: 110_000,
      maxBuffer: 10 * 1024 * 1024,
      env: { ...process.env, ...env },
    });
    assert.match(stdout, prints, "prints its results table");
    assert.doesNotMatch(stdout, /\| NO/, "no missing or doubled delivery");
  });
}
