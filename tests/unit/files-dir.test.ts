import assert from "node:assert/strict";
import { chmod, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, test } from "node:test";
import { FilesUnavailableError, LocalFileStore } from "../../src/files/store.js";

const isRoot = process.getuid?.() === 0;

async function scratch(): Promise<string> {
  return mkdtemp(path.join(tmpdir(), "parley-files-dir-"));
}

const refusal = (configured: string, cause: RegExp) => (err: unknown) => {
  assert.ok(err instanceof FilesUnavailableError, String(err));
  assert.ok(err.message.startsWith(`FILES_DIR=${configured} is not a folder this user`), err.message);
  assert.match(err.message, cause);
  assert.match(err.message, / Several instances must share one FILES_DIR \(a shared volume\)\.$/);
  assert.doesNotMatch(err.message, /\n/);
  return true;
};

describe("FILES_DIR at start-up", () => {
  test("a folder that is not there yet is created, and the probe leaves nothing in it", async () => {
    const dir = await scratch();
    try {
      const filesDir = path.join(dir, "not", "yet");
      await LocalFileStore.open(filesDir);
      assert.deepEqual((await readdir(filesDir)).sort(), ["files", "tmp"]);
      assert.deepEqual(await readdir(path.join(filesDir, "files")), []);
      assert.deepEqual(await readdir(path.join(filesDir, "tmp")), []);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test("a path through a file is refused, naming the path as given and as resolved", async () => {
    const dir = await scratch();
    try {
      const file = path.join(dir, "a-file");
      await writeFile(file, "");
      const configured = path.relative(process.cwd(), path.join(file, "uploads"));
      await assert.rejects(
        LocalFileStore.open(configured),
        refusal(`${configured} (${path.join(file, "uploads")})`, /: part of the path is a file, not a folder \((ENOTDIR|EEXIST) on mkdir /),
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test(
    "a folder this user may not write to is refused",
    { skip: isRoot && "runs as root, which writes whatever the permissions" },
    async () => {
      const dir = await scratch();
      try {
        await chmod(dir, 0o500);
        await assert.rejects(LocalFileStore.open(dir), refusal(dir, /: permission denied \(EACCES on mkdir /));
      } finally {
        await chmod(dir, 0o700);
        await rm(dir, { recursive: true, force: true });
      }
    },
  );
});
