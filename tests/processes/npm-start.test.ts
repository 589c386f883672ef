import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { readdirSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import net, { type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";

// `npm start` builds first (tsc and tailwind: some 20 s on two busy cores).
const STARTED_WITHIN_MS = 150_000;

// The first test runs `npm start` as README says, build and all, on a new data folder; once that has
// built, the next starts the same way without building again (`--ignore-scripts` skips only
// prestart), on the folder the first left, as a restart does: what it proves is how Parley stops,
// and the build is the same.
let built = false;
const dataDir = await mkdtemp(path.join(tmpdir(), "parley-data-"));
after(() => rm(dataDir, { recursive: true, force: true }));

/** The process's parent and whether it still runs (a zombie has ended), from /proc. */
function stat(pid: number): { ppid: number; running: boolean } | undefined {
  try {
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so read after the last ")".
    const line = readFileSync(`/proc/${pid}/stat`, "utf8");
    const [state, ppid] = line.slice(line.lastIndexOf(")") + 2).split(" ");
    return { ppid: Number(ppid), running: state !== "Z" };
  } catch {
    return undefined;
  }
}

function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const parent = stat(Number(entry))?.ppid;
    if (parent !== undefined) children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
  }
  const found: number[] = [];
  for (let queue = [root]; queue.length > 0;) {
    const next = children.get(queue.shift()!) ?? [];
    found.push(...next);
    queue.push(...next);
  }
  return found;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function refusesConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("error", () => resolve(true));
  });
}

// A process manager sends SIGTERM to the npm process it started; Ctrl+C sends SIGINT to the
// terminal's whole process group, so Parley gets it both from the terminal and from npm.
const ways = [
  { signal: "SIGTERM", to: "the npm process", group: false },
  { signal: "SIGINT", to: "its process group, as Ctrl+C does", group: true },
] as const;

for (const { signal, to, group } of ways) {
  test(
    `npm start stops Parley gracefully on ${signal} to ${to}, leaving nothing behind`,
    {
      skip: process.platform !== "linux" && "reads /proc",
      timeout: STARTED_WITHIN_MS + 30_000,
    },
    async () => {
      const port = await freePort();
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        HOST: "127.0.0.1",
        PORT: String(port),
        DATA_DIR: dataDir,
        LOG_LEVEL: "info",
      };
      delete env.DATABASE_URL;
      const npm = spawn("npm", built ? ["start", "--ignore-scripts"] : ["start"], {
        env,
        detached: true,
        stdio: ["ignore", "pipe", "pipe"],
      });
      try {
        let output = "";
        const listening = new Promise<void>((resolve, reject) => {
          npm.stdout.on("data", (chunk: Buffer) => {
            output += chunk.toString();
            if (output.includes("Parley is listening")) resolve();
          });
          npm.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
          npm.once("exit", () => reject(new Error(`npm start ended early:\n${output}`)));
        });
        await listening;
        built = true;
        assert.equal((await fetch(`http://127.0.0.1:${port}/healthz`)).status, 200);
        const started = descendants(npm.pid!);
        assert.ok(started.length > 0, "npm started Parley as a child");

        const exited = once(npm, "exit") as Promise<[number | null, NodeJS.Signals | null]>;
        process.kill(group ? -npm.pid! : npm.pid!, signal);
        const [code] = await exited;

        assert.match(output, /"msg":"shutting down"/, "Parley ran its graceful stop");
        assert.equal(code, 0, `npm's exit code:\n${output}`);
        assert.ok(await refusesConnections(port), "nothing listens on the port any more");
        assert.deepEqual(
          started.filter((pid) => stat(pid)?.running),
          [],
          "no process npm started is left",
        );
      } finally {
        try {
          process.kill(-npm.pid!, "SIGKILL");
        } catch {
          // Already gone, as it should be.
        }
      }
    },
  );
}
