import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { readdirSync, readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { scenarios, smokeEnv } from "../../bench/scenarios.js";
import { postgresUrl } from "../support/databases.js";
import { migratedPgliteFile } from "../support/pglite.js";

// Benchmarks are never part of the test run; a tiny run of each is, so that they do not rot.
// Each starts its own Parley and must finish, print its table and leave no process behind.
// The scripts and their smoke arguments are those of `npm run bench -- --quick` (bench/scenarios.ts).
// Those on a seeded PostgreSQL database get databases of their own on the test server, never the
// real bench databases (no server: skipped); bench/seed.ts fills the one bench/history.ts and
// bench/room-page.ts read, so those three run in order, in one test. The others run two at a time:
// a smoke run measures nothing, and much of one is waiting.
// Their embedded databases start as a copy of the tests' migrated one (see bench/support.ts).
const env = { BENCH_PGLITE_TEMPLATE: await migratedPgliteFile(), ...(postgresUrl ? smokeEnv(postgresUrl) : {}) };
const needsPostgres = !postgresUrl && "needs PostgreSQL: set DATABASE_URL or TEST_DATABASE_URL";
const table = /^\| --- \|/m;
const TIMEOUT_MS = 110_000;

interface Smoke {
  script: string;
  args: string[];
  prints: RegExp;
  postgres?: true;
}
const smokeOf = (s: (typeof scenarios)[number]): Smoke => ({ script: s.script, args: s.smoke, prints: table, postgres: s.postgres });
const nameOf = ({ script, args }: Smoke) => `smoke: ${script} ${args.join(" ")}`;

/**
 * Runs a benchmark script in a process group of its own, so that whatever it started (Parley, the
 * baselines, load generators) can be found and stopped with it: on a timeout, and after it ends,
 * when nothing of the group may be left.
 */
async function runSmoke({ script, args, prints }: Smoke): Promise<void> {
  const child = spawn(process.execPath, ["--import", "tsx", script, ...args], {
    env: { ...process.env, ...env },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const ended = once(child, "close") as Promise<[number | null, NodeJS.Signals | null]>;
  const timer = setTimeout(() => killGroup(child.pid!), TIMEOUT_MS);
  try {
    const [code, signal] = await ended;
    assert.equal(signal, null, `killed by ${signal} (after ${TIMEOUT_MS / 1000} s?):\n${stderr}`);
    assert.equal(code, 0, `exit ${code}:\n${stderr}`);
  } finally {
    clearTimeout(timer);
    assert.deepEqual(await leftBehind(child.pid!), [], "no process it started is left running");
  }
  assert.match(stdout, prints, "prints its results table");
  assert.doesNotMatch(stdout, /\| NO/, "no missing or doubled delivery");
}

/** The command lines of a process group's members, from /proc. */
function membersOf(pgid: number): string[] {
  const members = [];
  for (const entry of readdirSync("/proc").filter((e) => /^\d+$/.test(e))) {
    try {
      // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses, so read after the last ")".
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(pgrp) === pgid && state !== "Z") members.push(readFileSync(`/proc/${entry}/cmdline`, "utf8").replaceAll("\0", " ").trim());
    } catch {
      // Gone meanwhile.
    }
  }
  return members;
}

/**
 * What is left of a process group a few seconds after its leader ended, killed. Helpers that end
 * on their own when the leader does (tsx's esbuild service, which waits for its stdin to close) get
 * those seconds; anything still there was left behind. The group's end has no event to wait on.
 */
async function leftBehind(pgid: number): Promise<string[]> {
  for (const deadline = Date.now() + 5000; membersOf(pgid).length > 0 && Date.now() < deadline;)
    await new Promise((resolve) => setTimeout(resolve, 50));
  const left = membersOf(pgid);
  killGroup(pgid);
  return left;
}

/** Kills what is left of a process group. */
function killGroup(pgid: number): void {
  try {
    process.kill(-pgid, "SIGKILL");
  } catch {
    // Nothing is left.
  }
}

// The suite itself, writing nothing, on the two cheapest scenarios, which it runs with their smoke
// arguments: that run is their smoke run too (its section holds both tables), rather than a second one.
const bySuite = ["latency", "sidebar"];
const alone: Smoke[] = scenarios.filter((s) => !s.seeded && !bySuite.includes(s.name)).map(smokeOf);
alone.push({
  script: "bench/all.ts",
  args: ["--quick", "--no-write", "--only", bySuite.join(",")],
  prints: new RegExp(bySuite.map((name) => String.raw`^### ${name}\n(?:(?!^###)[\s\S])*^\| --- \|`).join(String.raw`[\s\S]*`), "m"),
});
const seeded = scenarios.filter((s) => s.seeded).map(smokeOf);

describe("benchmark smoke runs", { concurrency: 2 }, () => {
  for (const smoke of alone) {
    test(nameOf(smoke), { timeout: TIMEOUT_MS + 10_000, skip: smoke.postgres && needsPostgres }, () => runSmoke(smoke));
  }
  test(`smoke, in order: ${seeded.map((s) => s.script).join(", ")}`, { skip: needsPostgres }, async (t) => {
    for (const smoke of seeded) await t.test(nameOf(smoke), { timeout: TIMEOUT_MS + 10_000 }, () => runSmoke(smoke));
  });
});
