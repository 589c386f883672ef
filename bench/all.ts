// npm run bench: every scenario of scenarios.ts, one after another, each in a process of its own that
// starts its own servers, its output streamed here. Then a dated section is appended to
// docs/performance.md: the machine, the exact command of each scenario, the tables each printed
// (with the lines just above them) and which scenarios failed.
// On PostgreSQL when DATABASE_URL is set, or when one answers at the default address; else on PGlite
// alone, without the scenarios that read a seeded PostgreSQL database.
// Usage: npm run bench [-- --only post-deliver,big-room --quick --no-write]
//   --quick: each scenario with its smoke-run arguments, to check that the suite runs (measures nothing)
//   --no-write: print the section but leave docs/performance.md as it is
import { spawn } from "node:child_process";
import { appendFile, readFile } from "node:fs/promises";
import os from "node:os";
import { parseArgs } from "node:util";
import pg from "pg";
import { type Scenario, scenarios, smokeEnv } from "./scenarios.js";

const DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/postgres";
const DOCS = "docs/performance.md";

const { values } = parseArgs({
  options: { only: { type: "string" }, quick: { type: "boolean", default: false }, "no-write": { type: "boolean", default: false } },
});
const suite = scenarios.filter((s) => !s.smokeOnly);
const only = values.only?.split(",").map((name) => name.trim());
const unknown = only?.filter((name) => !suite.some((s) => s.name === name)) ?? [];
if (unknown.length) throw new Error(`unknown scenario ${unknown.join(", ")}: choose from ${suite.map((s) => s.name).join(", ")}`);
const chosen = only ? suite.filter((s) => only.includes(s.name)) : suite;

/** A URL fit to print and to write down: its password, if any, masked. */
const masked = (url: string) => url.replace(/(\/\/[^:@/]*:)[^@]*@/, "$1***@");

/** The server's `select version()`, or null when no PostgreSQL answers at `url`. */
async function postgresVersion(url: string): Promise<string | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    const { rows } = await client.query<{ version: string }>("select version()");
    return rows[0]!.version;
  } catch {
    return null;
  } finally {
    await client.end().catch(() => {});
  }
}

/** Runs a scenario, streaming its output; resolves with what it printed and how it ended. */
function runScenario(args: string[], env: NodeJS.ProcessEnv): Promise<{ failure: string | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", ...args], { env, stdio: ["ignore", "pipe", "inherit"] });
    let stdout = "";
    // As text, so that a character split between two chunks arrives whole.
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      process.stdout.write(chunk);
      stdout += chunk;
    });
    child.once("error", reject);
    child.once("close", (code, signal) =>
      resolve({ failure: code === 0 ? null : signal ? `killed by ${signal}` : `exit ${code}`, stdout }),
    );
  });
}

/** Each table a scenario printed, with the lines just above it (its heading), as markdown. */
function printedTables(stdout: string): string[] {
  const blocks: string[] = [];
  let heading: string[] = [];
  let table: string[] = [];
  // Progress lines redraw themselves with "\r": only what was left standing counts.
  for (const line of [...stdout.split("\n").map((l) => l.replace(/^.*\r/, "").trimEnd()), ""]) {
    if (line.startsWith("|")) {
      table.push(line);
      continue;
    }
    if (table.length) {
      blocks.push([...heading, ...(heading.length ? [""] : []), ...table].join("\n"));
      heading = [];
      table = [];
    }
    if (line === "") heading = [];
    else heading.push(line);
  }
  return blocks;
}

const explicitUrl = process.env.DATABASE_URL;
const databaseUrl = explicitUrl || DEFAULT_POSTGRES;
const version = await postgresVersion(databaseUrl);
if (!version && explicitUrl) throw new Error(`DATABASE_URL is set, but no PostgreSQL answers at ${masked(explicitUrl)}`);
const database = version
  ? `PostgreSQL at ${masked(databaseUrl)}${explicitUrl ? " (DATABASE_URL)" : " (DATABASE_URL unset: the default address answered)"}`
  : `PGlite (embedded): DATABASE_URL is unset and no PostgreSQL answers at ${DEFAULT_POSTGRES}`;
console.log(`Database: ${database}`);
const { DATABASE_URL: _, ...inherited } = process.env;
const runnable = chosen.filter((s) => version || !s.seeded);
const skipped = chosen.filter((s) => !runnable.includes(s));

/** What the scenario is run with beyond this process's environment: shown in its command. */
const envFor = (s: Scenario): Record<string, string> =>
  version ? { DATABASE_URL: databaseUrl, ...(values.quick && s.seeded ? smokeEnv(databaseUrl) : {}) } : {};

const done: Array<{ scenario: Scenario; command: string; failure: string | null; tables: string[] }> = [];
for (const scenario of runnable) {
  const env = envFor(scenario);
  const args = [scenario.script, ...(values.quick ? scenario.smoke : [])];
  const command = [...Object.entries(env).map(([k, v]) => `${k}=${masked(v)}`), "node --import tsx", ...args].join(" ");
  console.log(`\n=== ${scenario.name}: ${command}`);
  const { failure, stdout } = await runScenario(args, { ...inherited, ...env });
  if (failure) console.log(`=== ${scenario.name} failed: ${failure}`);
  done.push({ scenario, command, failure, tables: printedTables(stdout) });
}

const now = new Date();
const day = [now.getFullYear(), now.getMonth() + 1, now.getDate()].map((n) => String(n).padStart(2, "0")).join("-");
const failed = done.filter((d) => d.failure);
const cpus = os.cpus();
const section = [
  `## Suite run ${day}`,
  "",
  `\`npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(" ")}` : ""}\` (\`bench/all.ts\`): each scenario in a process of ` +
    `its own, one after another. Database: ${database}.`,
  ...(values.quick ? ["", "**`--quick`: smoke-size arguments. This checks that the suite runs; the figures measure nothing.**"] : []),
  "",
  `Machine: ${cpus.length} cores (${cpus[0]?.model.trim() ?? "unknown model"}), ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, ` +
    `Node ${process.version}, ${version ?? "no PostgreSQL"}, kernel ${os.type()} ${os.release()}.`,
  "",
  failed.length
    ? `**Failed** (non-zero exit): ${failed.map((d) => `${d.scenario.name} (${d.failure})`).join(", ")}.`
    : "Every scenario exited 0.",
  ...(skipped.length ? ["", `Skipped, as they need PostgreSQL: ${skipped.map((s) => s.name).join(", ")}.`] : []),
  ...done.flatMap((d) => [
    "",
    `### ${d.scenario.name}${d.failure ? ` (failed: ${d.failure})` : ""}`,
    "",
    `\`${d.command}\``,
    "",
    d.tables.length ? d.tables.join("\n\n") : "No table printed.",
  ]),
].join("\n");

console.log(`\n${section}\n`);
if (values["no-write"]) console.log(`--no-write: ${DOCS} left as it is.`);
else {
  const before = await readFile(DOCS, "utf8");
  await appendFile(DOCS, `${before.endsWith("\n") ? "\n" : "\n\n"}${section}\n`);
  console.log(`Appended to ${DOCS}.`);
}
if (failed.length) process.exitCode = 1;
