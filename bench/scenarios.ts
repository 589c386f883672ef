// The benchmark scripts, in the order `npm run bench` (bench/all.ts) runs them, each with the tiny
// arguments of its smoke run. The smoke test (tests/processes/bench-smoke.test.ts) and
// `npm run bench -- --quick` both take them from here.

export interface Scenario {
  name: string;
  script: string;
  smoke: string[];
  /** Reads a seeded PostgreSQL database (BENCH_DATABASE_URL), so it needs PostgreSQL. */
  seeded?: true;
  /** Smoke-tested but left out of the suite: bench:room-page seeds the database when it needs to. */
  smokeOnly?: true;
  /** Starts several Parley processes on one PostgreSQL, so it needs PostgreSQL (it says so and stops without). */
  postgres?: true;
}

export const scenarios: Scenario[] = [
  {
    name: "post-deliver",
    script: "bench/post-deliver.ts",
    smoke: ["--rooms", "1", "--members", "3", "--rate", "20", "--seconds", "1", "--runs", "1"],
  },
  // Against Parley alone: the baselines it would start are post-deliver's, smoke-tested there.
  { name: "big-room", script: "bench/big-room.ts", smoke: ["--clients", "5", "--messages", "2", "--rounds", "1", "--servers", "parley"] },
  {
    name: "idle-sockets",
    script: "bench/idle-sockets.ts",
    smoke: ["--sockets", "40", "--people", "4", "--ping-seconds", "1", "--settle-seconds", "0"],
  },
  { name: "seed", script: "bench/seed.ts", smoke: ["--messages", "2000"], seeded: true, smokeOnly: true },
  // Before history, which reads the database room-page seeds.
  {
    name: "room-page",
    script: "bench/room-page.ts",
    smoke: ["--small", "500", "--large", "2000", "--seconds", "1", "--runs", "1", "--connections", "2"],
    seeded: true,
  },
  { name: "history", script: "bench/history.ts", smoke: ["--requests", "5", "--seconds", "1"], seeded: true },
  { name: "latency", script: "bench/delivery-latency.ts", smoke: ["--messages", "3"] },
  { name: "sidebar", script: "bench/sidebar.ts", smoke: ["--rooms", "3", "--conversations", "1", "--requests", "3"] },
  { name: "transfer", script: "bench/transfer.ts", smoke: ["--rooms", "2", "--messages", "3", "--pages", "5", "--repeats", "2"] },
  { name: "uploads", script: "bench/uploads.ts", smoke: ["--photos", "1", "--video-mb", "3"] },
  // In-process, no server: the Markdown parse that issue 15 moved to writing.
  { name: "markdown", script: "bench/markdown.ts", smoke: ["--iterations", "20", "--runs", "1"] },
  {
    name: "instances",
    script: "bench/instances.ts",
    smoke: ["--members", "2", "--rate", "10", "--seconds", "1", "--posters", "2"],
    postgres: true,
  },
];

/** Smoke runs seed a database of their own on the PostgreSQL server, never the real bench databases. */
export const smokeEnv = (postgresUrl: string) => ({ BENCH_DATABASE_URL: new URL("/parley_smoke", postgresUrl).href });
