import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { test } from "node:test";
import { promisify } from "node:util";

const run = promisify(execFile);

// Benchmarks are never part of the test run; a tiny run of each is, so that they do not rot.
// Each starts its own Parley and must finish and print its table.
const smokes: Array<[string, string[]]> = [
  ["bench/delivery-latency.ts", ["--messages", "3"]],
  ["bench/sidebar.ts", ["--rooms", "3", "--conversations", "1", "--requests", "3"]],
  ["bench/uploads.ts", ["--photos", "1", "--video-mb", "3"]],
  ["bench/big-room.ts", ["--clients", "5", "--messages", "2", "--rounds", "1"]],
  ["bench/post-deliver.ts", ["--rooms", "1", "--rate", "20", "--seconds", "1", "--runs", "1"]],
];

for (const [script, args] of smokes) {
  test(`smoke: ${script} ${args.join(" ")}`, { timeout: 120_000 }, async () => {
    const { stdout } = await run(process.execPath, ["--import", "tsx", script, ...args], { timeout: 110_000, maxBuffer: 10 * 1024 * 1024 });
    assert.match(stdout, /^\| --- \|/m, "prints its results table");
    assert.doesNotMatch(stdout, /\| NO/, "no missing or doubled delivery");
  });
}
