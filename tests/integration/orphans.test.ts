import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdtemp, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { eq } from "drizzle-orm";
import { attachments } from "../../src/db/schema.js";
import { sweepOrphans } from "../../src/domain/orphans.js";
import { LocalFileStore, type FileStore } from "../../src/files/store.js";
import { people, type Visitor } from "../support/client.js";
import { databaseKinds } from "../support/databases.js";
import { makeImage } from "../support/media.js";
import { startTestServer, type TestServer } from "../support/server.js";

const twoHoursAgo = () => new Date(Date.now() - 2 * 60 * 60 * 1000);

/** Stores bytes as a post does before its transaction commits: the file is there, no row names it. */
async function storeWithoutRow(store: FileStore, bytes: string | Uint8Array) {
  const temp = store.tempPath();
  await writeFile(temp, bytes);
  return store.put(temp);
}

const backdate = (file: string) => utimes(file, twoHoursAgo(), twoHoursAgo());

for (const kind of databaseKinds()) {
  describe(`stored files after a crash on ${kind}`, () => {
    let server: TestServer;
    let alice: Visitor;
    let roomId: number;
    before(async () => {
      server = await startTestServer(kind);
      [alice] = (await people(server.url, "alice")) as [Visitor];
      roomId = await alice.createRoom("Files");
    });
    after(() => server.stop());

    test("files no row refers to are swept once past the grace period; referenced and fresh files stay", async () => {
      const { files } = server.deps;
      await alice.openRoom(roomId);
      const form = new FormData();
      form.set("_csrf", alice.csrf);
      form.append("files", new Blob([await makeImage("png", 300, 200)]), "kept.png");
      const posted = await alice.request(`/rooms/${roomId}/messages`, { method: "POST", headers: { origin: alice.origin }, body: form });
      assert.equal(posted.status, 303);
      const id = /<a href="\/files\/(\d+)" class="attachment-image">/.exec((await alice.openRoom(roomId)).html)?.[1];
      assert.ok(id);
      const [row] = await server.deps.db
        .select()
        .from(attachments)
        .where(eq(attachments.id, Number(id)));
      const referenced = [row!.hash, row!.thumbHash!];

      const orphan = await storeWithoutRow(files, "killed between store and commit");
      const fresh = await storeWithoutRow(files, "a post still in flight");
      const scratch = files.tempPath();
      await writeFile(scratch, "half an upload, from a process that died");
      const liveScratch = files.tempPath();
      await writeFile(liveScratch, "an upload streaming in now");
      for (const file of [...referenced.map((h) => files.pathOf(h)), files.pathOf(orphan.hash), scratch]) await backdate(file);

      assert.equal(await sweepOrphans(server.deps), 1);
      assert.equal(existsSync(files.pathOf(orphan.hash)), false, "the orphan is gone");
      assert.equal(existsSync(scratch), false, "the dead process's scratch file is gone");
      assert.equal(existsSync(files.pathOf(fresh.hash)), true, "a fresh file may belong to a post in flight");
      assert.equal(existsSync(liveScratch), true);
      for (const hash of referenced) assert.equal(existsSync(files.pathOf(hash)), true, "referenced files stay");
      for (const variant of ["", "/thumb"]) assert.equal((await alice.get(`/files/${id}${variant}`)).status, 200);
    });

    test("bytes stored again by a new post are fresh again, so the sweep leaves them to that post", async () => {
      const { files } = server.deps;
      const first = await storeWithoutRow(files, "the same bytes, twice");
      await backdate(files.pathOf(first.hash));
      // A new post of the same bytes finds them stored (created: false) and is about to refer to them.
      const again = await storeWithoutRow(files, "the same bytes, twice");
      assert.equal(again.created, false);
      assert.equal(await sweepOrphans(server.deps), 0);
      assert.equal(existsSync(files.pathOf(first.hash)), true);
    });

    test("a failed post takes back its file, but not when another post has stored the same bytes since", async () => {
      const { files } = server.deps;
      const failed = await storeWithoutRow(files, "shared by two posts");
      const other = await storeWithoutRow(files, "shared by two posts");
      assert.deepEqual([failed.created, other.created], [true, false]);
      await files.remove(failed);
      assert.equal(existsSync(files.pathOf(failed.hash)), true, "the other post's file stays");
      await files.remove(other);
      assert.equal(existsSync(files.pathOf(failed.hash)), false, "taken back by the last post that stored it");
    });
  });
}

test("a server starting on a file store sweeps what a crashed one left, and keeps what is fresh", async () => {
  const dir = await mkdtemp(path.join(tmpdir(), "parley-crashed-"));
  try {
    const store = await LocalFileStore.open(dir);
    const orphan = await storeWithoutRow(store, "stored, then the process was killed");
    await backdate(store.pathOf(orphan.hash));
    const fresh = await storeWithoutRow(store, "another process is posting this right now");
    const server = await startTestServer("pglite", { FILES_DIR: dir });
    try {
      await server.sweeper.current;
      assert.equal(existsSync(store.pathOf(orphan.hash)), false);
      assert.equal(existsSync(store.pathOf(fresh.hash)), true);
    } finally {
      await server.stop();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
