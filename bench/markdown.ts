// The parse itself: what rendering one body to HTML costs (renderBody, src/formatting/markdown.ts),
// which since issue 15 happens once, when a message is written or edited. Beside it, linkify-it
// finding a body's links, which is what the message renderer did to a new body before formatting
// (67cdc90 and earlier, memoised per body). In this process, no server: µs per body, for the
// bodies bench:post-deliver posts, the seeder's (bench/seeding.ts), and some with formatting.
// Usage: npm run bench:markdown [-- --iterations 10000 --runs 5]
import os from "node:os";
import { parseArgs } from "node:util";
import { linkifyit } from "linkify-it";
import { mentionsIn, renderBody } from "../src/formatting/markdown.js";
import { median, spread } from "./support.js";

const { values } = parseArgs({
  options: { iterations: { type: "string", default: "10000" }, runs: { type: "string", default: "5" } },
});
const iterations = Number(values.iterations);
const runs = Number(values.runs);

// The seeder's text, cut as it cuts it: from offset n % 97, 8 to 408 characters, skewed short.
const lorem =
  "Morning all. Did anyone see the build go red last night? I think it was the flaky upload test again, " +
  "but the logs say the database was restarting at the same time. Let's pair on it after lunch and write " +
  "down what we find, so that the next person does not have to dig through all of this again. Also: cake. ";
const seeded = (n: number, length: number) => lorem.repeat(3).substr(n % 97, length);
let state = 15;
const random = () => ((state = (state * 48271) % 2147483647) - 1) / 2147483646;
const seederMix = Array.from({ length: 1000 }, (_, n) => seeded(n, 8 + Math.round(random() ** 3 * 400)));

const bodies: Array<{ label: string; bodies: string[] }> = [
  { label: "bench:post-deliver's body (`run0 123`)", bodies: ["run0 123"] },
  { label: "seeded, 30 characters", bodies: [seeded(5, 30)] },
  { label: "seeded, 100 characters", bodies: [seeded(5, 100)] },
  { label: "seeded, 408 characters (the longest)", bodies: [seeded(5, 408)] },
  { label: "the seeder's mix (1,000 bodies, mean)", bodies: seederMix },
  { label: "a **bold** word and a `code` span", bodies: ["Ship it **today**: the fix is the `cork()` call in the hub, see the diff"] },
  { label: "with a link", bodies: ["The log is at https://ci.example.org/builds/4711, the red one"] },
  { label: "a mention (issue 16)", bodies: ["@alice can you look at the upload test before lunch?"] },
  { label: "@room and two names (issue 16)", bodies: ["@room standup moved to 10:30, @bob and @carol please bring the numbers"] },
  {
    label: "a list and a fenced block (5 lines)",
    bodies: ["Two things:\n- **rerun** the upload test\n- check `pg_stat_activity`\n```\nselect 1;\n```"],
  },
];

const linkify = linkifyit({ fuzzyLink: true });
// mentionsIn: what every post now does first (finding `@name`s; a body without "@" returns at once).
const steps = {
  renderBody: (body: string) => renderBody(body),
  "linkify-it match": (body: string) => linkify.match(body),
  mentionsIn: (body: string) => mentionsIn(body).usernames.length + 1,
};

/** µs per body: `iterations` passes over the bodies, each body once per pass. */
function time(step: (body: string) => unknown, list: string[]): number {
  const passes = Math.max(1, Math.round(iterations / list.length));
  let sink = 0;
  const started = performance.now();
  for (let i = 0; i < passes; i++) for (const body of list) sink += step(body) ? 1 : 0;
  const elapsed = performance.now() - started;
  if (sink < 0) console.log(sink);
  return (elapsed * 1000) / (passes * list.length);
}

const results = bodies.map(({ label, bodies: list }) => {
  const per = Object.fromEntries(
    Object.entries(steps).map(([name, step]) => {
      time(step, list); // warm-up
      return [name, Array.from({ length: runs }, () => time(step, list))];
    }),
  ) as Record<keyof typeof steps, number[]>;
  return { label, ...per };
});
console.log(JSON.stringify(results));
console.log(
  `\nParsing one body, in this process: ${iterations.toLocaleString("en")} bodies per run, ${runs} runs after a warm-up ` +
    `(medians, spread in brackets), ${os.cpus().length} cores, node ${process.version}`,
);
console.log("| body | renderBody µs per body (spread) | linkify-it match µs per body (spread) |\n| --- | --- | --- |");
for (const r of results) {
  console.log(
    `| ${r.label} | ${median(r.renderBody).toFixed(1)} (${spread(r.renderBody)}) | ${median(r["linkify-it match"]).toFixed(1)} (${spread(r["linkify-it match"])}) |`,
  );
}
