import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { test } from "node:test";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

test("Parley refuses to start on a FILES_DIR it cannot write to, in one line and with exit code 1", { timeout: 90_000 }, async () => {
  const dir = await mkdtemp(path.join(tmpdir(), "parley-files-dir-"));
  try {
    // A path through a file cannot be created by anyone, root included.
    const file = path.join(dir, "a-file");
    await writeFile(file, "");
    const filesDir = path.join(file, "uploads");
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      HOST: "127.0.0.1",
      PORT: "0",
      DATA_DIR: "memory://",
      FILES_DIR: filesDir,
      LOG_LEVEL: "info",
    };
    delete env.DATABASE_URL;
    const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const [code] = (await once(child, "close")) as [number | null];

    assert.equal(code, 1, `exit code:\n${stderr}`);
    assert.doesNotMatch(stdout, /Parley is listening/);
    const message = stderr.trim();
    assert.doesNotMatch(message, /\n|^\s+at /m, "one line, no stack trace");
    assert.ok(message.startsWith(`FILES_DIR=${filesDir} is not a folder this user`), message);
    assert.match(message, /: part of the path is a file, not a folder \((ENOTDIR|EEXIST) on mkdir /);
    assert.match(message, / Several instances must share one FILES_DIR \(a shared volume\)\.$/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
