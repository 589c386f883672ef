import assert from "node:assert/strict";
import { readdir } from "node:fs/promises";
import path from "node:path";
import { Writable } from "node:stream";
import { after, before, describe, test } from "node:test";
import { and, eq } from "drizzle-orm";
import { attachments, memberships, messages, rooms, users } from "../../src/db/schema.js";
import { joinLinkOf, people, Visitor } from "../support/client.js";
import { databaseKinds } from "../support/databases.js";
import { makeImage } from "../support/media.js";
import { startTestServer, type TestServer } from "../support/server.js";

// Bad input from outside, as a hostile or broken client sends it: each is answered with a 4xx that
// names what was wrong, where a person would look for it, and leaves nothing stored.

const NUL = "\u0000";
const nulInField = /Remove the invisible control character \(NUL\) from this field\./;

/** One part of a hand-made multipart body. */
interface Part {
  headers: string[];
  content?: string | Buffer;
}

const field = (name: string, value: string): Part => ({ headers: [`Content-Disposition: form-data; name="${name}"`], content: value });
const filePart = (name: string, disposition: string, content: Buffer): Part => ({
  headers: [`Content-Disposition: form-data; name="${name}"; ${disposition}`, "Content-Type: image/png"],
  content,
});

const BOUNDARY = "parley-test-boundary";

/** A multipart body written out byte by byte, so that it can break the rules a browser keeps. */
function multipart(parts: Part[], { end = true } = {}): Buffer {
  const chunks = parts.flatMap((p) => [
    Buffer.from(`--${BOUNDARY}\r\n${p.headers.join("\r\n")}\r\n\r\n`),
    Buffer.from(p.content ?? ""),
    Buffer.from("\r\n"),
  ]);
  if (end) chunks.push(Buffer.from(`--${BOUNDARY}--\r\n`));
  return Buffer.concat(chunks);
}

/** A same-origin request carrying the page's token in the header, as htmx sends it, with any body. */
function send(v: Visitor, path: string, type: string | null, body?: string | Buffer, headers: Record<string, string> = {}) {
  return v.request(path, {
    method: "POST",
    headers: { origin: v.origin, "x-csrf-token": v.csrf, ...(type === null ? {} : { "content-type": type }), ...headers },
    body,
  });
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

for (const kind of databaseKinds()) {
  describe(`bad input on ${kind}`, () => {
    let server: TestServer;
    let alice: Visitor, bob: Visitor;
    let roomId: number, privateId: number, messageId: number, imageId: number;
    const logs: Array<{ level: number; msg: string }> = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        logs.push(JSON.parse(String(chunk)) as { level: number; msg: string });
        done();
      },
    });
    const db = () => server.deps.db;
    const stored = () => listFiles(path.join(server.filesDir, "files"));
    const pending = () => listFiles(path.join(server.filesDir, "tmp"));
    const idOf = async (username: string) => (await db().select({ id: users.id }).from(users).where(eq(users.username, username)))[0]!.id;
    const pointerOf = async (username: string, room: number) =>
      (
        await db()
          .select({ at: memberships.lastReadMessageId })
          .from(memberships)
          .where(and(eq(memberships.roomId, room), eq(memberships.userId, await idOf(username))))
      )[0]?.at;
    /** Everything a bad request could have written. */
    const everything = async () => ({
      users: await db().$count(users),
      rooms: await db().$count(rooms),
      memberships: await db().$count(memberships),
      messages: await db().$count(messages),
      attachments: await db().$count(attachments),
      alts: (await db().select({ alt: attachments.alt }).from(attachments)).map((a) => a.alt),
      settings: await db().select({ order: users.sidebarOrder, receipts: users.shareReadReceipts }).from(users).orderBy(users.id),
      pointers: await db().select({ at: memberships.lastReadMessageId }).from(memberships).orderBy(memberships.roomId, memberships.userId),
      stored: await stored(),
      pending: await pending(),
    });

    before(async () => {
      server = await startTestServer(kind, { LOG_LEVEL: "info" }, { logTo: sink });
      [alice, bob] = (await people(server.url, "alice", "bob")) as [Visitor, Visitor];
      roomId = await alice.createRoom("Lobby");
      await bob.joinRoom(roomId);
      privateId = await alice.createRoom("Secret", { private: "on" });
      await alice.post(`/rooms/${privateId}/members`, { username: "bob" });
      // Bob's own image, which only he may describe.
      await bob.openRoom(roomId);
      const form = new FormData();
      form.set("_csrf", bob.csrf);
      form.append("files", new Blob([await makeImage("png", 20, 20)]), "square.png");
      assert.equal(
        (await bob.request(`/rooms/${roomId}/messages`, { method: "POST", headers: { origin: bob.origin }, body: form })).status,
        303,
      );
      imageId = (await db().select({ id: attachments.id }).from(attachments))[0]!.id;
      await alice.openRoom(roomId);
      await alice.post(`/rooms/${roomId}/messages`, { body: "unread by Bob" });
      messageId = (await db().select({ id: messages.id }).from(messages).orderBy(messages.id)).at(-1)!.id;
    });
    after(() => server.stop());

    describe("a NUL character (PostgreSQL refuses 0x00 in text)", () => {
      test("in a message: refused next to the composer, with and without htmx, with or without files", async () => {
        const was = await everything();
        await alice.openRoom(roomId);
        const page = await alice.post(`/rooms/${roomId}/messages`, { body: `hello${NUL}world` });
        assert.equal(page.status, 422);
        assert.match(page.html, new RegExp(`<p id="composer-error" class="field-error">${nulInField.source}</p>`));
        const fragment = await alice.post(`/rooms/${roomId}/messages`, { body: `hello${NUL}` }, { "hx-request": "true" });
        assert.equal(fragment.status, 422);
        assert.match(fragment.html, /^<form id="composer"/);
        assert.match(fragment.html, nulInField);
        const form = new FormData();
        form.set("_csrf", alice.csrf);
        form.set("body", `a caption${NUL}`);
        form.append("files", new Blob([await makeImage("png", 10, 10)]), "x.png");
        const withFile = await alice.request(`/rooms/${roomId}/messages`, {
          method: "POST",
          headers: { origin: alice.origin },
          body: form,
        });
        assert.equal(withFile.status, 422);
        assert.match(withFile.html, nulInField);
        assert.deepEqual(await everything(), was);
      });

      test("in a room's name or topic: refused by that field", async () => {
        const was = await everything();
        await alice.get("/rooms/new");
        const name = await alice.post("/rooms", { name: `Nul${NUL}room` });
        assert.equal(name.status, 422);
        assert.match(name.html, new RegExp(`<p id="name-error" class="field-error">${nulInField.source}</p>`));
        const topic = await alice.post("/rooms", { name: "Fine", topic: `bad${NUL}topic` });
        assert.equal(topic.status, 422);
        assert.match(topic.html, new RegExp(`<p id="topic-error" class="field-error">${nulInField.source}</p>`));
        assert.doesNotMatch(topic.html, /id="name-error"/);
        assert.deepEqual(await everything(), was);
      });

      test("at sign-up, in the display name or the username: refused by that field, no account", async () => {
        const was = await everything();
        const carol = new Visitor(server.url);
        const join = joinLinkOf(server.url)!;
        await carol.get(join);
        const display = await carol.post(join, { username: "carol", displayName: `Carol${NUL}`, password: "correct horse battery" });
        assert.equal(display.status, 422);
        assert.match(display.html, new RegExp(`<p id="displayName-error" class="field-error">${nulInField.source}</p>`));
        const username = await carol.post(join, { username: `carol${NUL}`, displayName: "Carol", password: "correct horse battery" });
        assert.equal(username.status, 422);
        assert.match(username.html, /<p id="username-error" class="field-error">/);
        assert.deepEqual(await everything(), was);
      });

      test("at log-in, in the username: refused by that field, not logged in", async () => {
        const carol = new Visitor(server.url);
        await carol.get("/login");
        const page = await carol.post("/login", { username: `alice${NUL}`, password: "correct horse battery" });
        assert.equal(page.status, 422);
        assert.match(page.html, new RegExp(`<p id="username-error" class="field-error">${nulInField.source}</p>`));
        assert.equal((await carol.get("/rooms")).location, "/login?next=%2Frooms");
      });

      test("in a People search: said next to the search field, with and without htmx", async () => {
        const page = await alice.get(`/people?q=${encodeURIComponent(`bo${NUL}b`)}`);
        assert.equal(page.status, 422);
        assert.match(page.html, /<input id="people-search"[^>]*aria-invalid="true"/);
        assert.match(
          page.html,
          /<p id="people-count" role="status"[^>]*><span class="field-error">Remove the invisible control character \(NUL\) from this field\.<\/span>/,
        );
        const fragment = await alice.get(`/people?q=${encodeURIComponent(`bo${NUL}`)}`, { "hx-request": "true" });
        assert.equal(fragment.status, 422);
        assert.match(
          fragment.html,
          /hx-swap-oob="innerHTML:#people-count"><span class="field-error">Remove the invisible control character \(NUL\) from this field\./,
        );
      });

      test("in a username to add to a room, or in an image's description: refused by that field", async () => {
        const was = await everything();
        await alice.openRoom(privateId);
        const member = await alice.post(`/rooms/${privateId}/members`, { username: `bob${NUL}` });
        assert.equal(member.status, 422);
        assert.match(member.html, nulInField);
        await bob.get(`/attachments/${imageId}/description`);
        const alt = await bob.post(`/attachments/${imageId}/description`, { alt: `a red${NUL} square` });
        assert.equal(alt.status, 422);
        assert.match(alt.html, nulInField);
        assert.deepEqual(await everything(), was);
      });

      test("in an uploaded file's name: refused next to the composer before the file is read", async () => {
        const was = await everything();
        await alice.openRoom(roomId);
        const png = await makeImage("png", 10, 10);
        const page = await send(
          alice,
          `/rooms/${roomId}/messages`,
          `multipart/form-data; boundary=${BOUNDARY}`,
          multipart([field("body", "a caption"), filePart("files", `filename*=UTF-8''bad%00name.png`, png)]),
        );
        assert.equal(page.status, 422);
        assert.match(
          page.html,
          /<p id="composer-error" class="field-error">The upload has a file whose name holds an invisible control character \(NUL\); rename the file and try again\.<\/p>/,
        );
        assert.match(page.html, />a caption<\/textarea>/, "the text is kept");
        // A raw NUL byte (what FormData sends for such a name) never gets that far: busboy's header parser refuses it.
        const raw = await send(
          alice,
          `/rooms/${roomId}/messages`,
          `multipart/form-data; boundary=${BOUNDARY}`,
          multipart([filePart("files", `filename="bad${NUL}name.png"`, png)]),
        );
        assert.equal(raw.status, 400);
        assert.match(raw.html, /The upload could not be read: it is not a well-formed multipart form/);
        assert.deepEqual(await everything(), was);
      });
    });

    describe("a body that is not a form", () => {
      // Every state-changing route there is, each with a body it would act on were it a form.
      const routes = () => [
        "/signup",
        joinLinkOf(server.url)!,
        "/login",
        "/admin/join-code",
        "/rooms",
        `/rooms/${roomId}/join`,
        `/rooms/${roomId}/read`,
        `/rooms/${roomId}/messages`,
        `/rooms/${roomId}/messages/${messageId}/unread`,
        `/rooms/${privateId}/members`,
        "/settings",
        "/unread/read-all",
        "/conversations",
        `/attachments/${imageId}/description`,
        `/rooms/${roomId}/leave`,
        "/logout",
      ];

      test("JSON, text/plain or multipart where a form belongs: 415 naming the type, and nothing changes", async () => {
        await bob.openRoom(roomId);
        const was = await everything();
        const bodies: Array<{ type: string | null; body: string | Buffer }> = [
          {
            type: "application/json",
            body: JSON.stringify({ name: "Json room", username: "alice", sidebarOrder: "alphabetical", alt: "x", with: 1 }),
          },
          { type: "text/plain", body: "name=Text room&username=alice&sidebarOrder=alphabetical&alt=x" },
          {
            type: `multipart/form-data; boundary=${BOUNDARY}`,
            body: multipart([
              field("name", "Multipart room"),
              field("username", "alice"),
              field("sidebarOrder", "alphabetical"),
              field("alt", "x"),
            ]),
          },
          { type: null, body: Buffer.from("name=Untyped room") },
        ];
        for (const path of routes()) {
          for (const { type, body } of bodies) {
            // The composer is the one form that is multipart.
            if (type?.startsWith("multipart/") && path.endsWith("/messages")) continue;
            const page = await send(bob, path, type, body);
            assert.equal(page.status, 415, `${type} to ${path}`);
            assert.match(page.html, /<h1[^>]*>This form could not be read<\/h1>/, `${type} to ${path}`);
            const sent = type === null ? "with no type" : `as ${type.split(";")[0]}`;
            assert.match(page.html, new RegExp(`Parley takes only forms here, and this was sent ${sent}\\.`), `${type} to ${path}`);
          }
        }
        assert.deepEqual(await everything(), was, "nothing stored, joined, left, read or changed");
        assert.equal((await bob.openRoom(roomId)).status, 200, "still logged in, still a member");
      });

      test("an empty body is an empty form: what it lacks is named by the field (422), and actions that need nothing work", async () => {
        const was = await everything();
        const room = await send(bob, "/rooms", null);
        assert.equal(room.status, 422);
        assert.match(room.html, /<p id="name-error" class="field-error">Give the room a name\.<\/p>/);
        const labelled = await send(bob, "/rooms", "application/json", "");
        assert.equal(labelled.status, 422, "an empty body is empty whatever its label");
        assert.match(labelled.html, /Give the room a name\./);
        const member = await send(bob, `/rooms/${privateId}/members`, null);
        assert.equal(member.status, 422);
        assert.match(member.html, /Enter a username\./);
        const settings = await send(bob, "/settings", null);
        assert.equal(settings.status, 422);
        assert.match(settings.html, /Choose how to sort your rooms\./);
        const alt = await send(bob, `/attachments/${imageId}/description`, null);
        assert.equal(alt.status, 422);
        assert.match(alt.html, /Describe the image\./);
        const message = await send(bob, `/rooms/${roomId}/messages`, null, undefined, { "hx-request": "true" });
        assert.equal(message.status, 422);
        assert.match(message.html, /Write a message first\./);
        assert.deepEqual(await everything(), was);

        assert.ok((await pointerOf("bob", roomId))! < messageId, "Bob has not read Alice's message yet");
        const read = await send(bob, `/rooms/${roomId}/read`, null);
        assert.equal(read.status, 303);
        assert.equal(read.location, `/rooms/${roomId}`);
        assert.equal(await pointerOf("bob", roomId), messageId, "marked read");
      });
    });

    describe("a multipart message post that breaks the rules", () => {
      const type = `multipart/form-data; boundary=${BOUNDARY}`;
      const png = () => makeImage("png", 10, 10);
      const cases: Array<{ what: string; status: number; reason: RegExp; body: () => Promise<Buffer> | Buffer; type?: string }> = [
        {
          what: "a file in a field other than the composer's",
          status: 400,
          reason: /The upload has a file in a field Parley does not take \(“attachment”\)\./,
          body: async () => multipart([field("body", "hi"), filePart("attachment", 'filename="a.png"', await png())]),
        },
        {
          what: "more fields than allowed",
          status: 413,
          reason: /The upload has more than 50 fields\./,
          body: () => multipart(Array.from({ length: 60 }, (_, i) => field(`f${i}`, "x"))),
        },
        {
          what: "more files than allowed",
          status: 413,
          reason: /The upload has more than 2 files\./,
          body: async () =>
            multipart([
              field("body", "hi"),
              ...(await Promise.all([1, 2, 3].map(async (i) => filePart("files", `filename="${i}.png"`, await png())))),
            ]),
        },
        {
          what: "more parts than allowed",
          status: 413,
          reason: /The upload has more than 54 parts\./,
          // Parts with no Content-Disposition are neither fields nor files, but they are parts.
          body: () => multipart(Array.from({ length: 60 }, () => ({ headers: ["Content-Type: text/plain"], content: "x" }))),
        },
        {
          what: "a file name of 300 characters",
          status: 422,
          reason: /The upload has a file whose name is longer than 255 characters \(“a{40}…”\); rename the file and try again\./,
          body: async () => multipart([field("body", "hi"), filePart("files", `filename="${"a".repeat(296)}.png"`, await png())]),
        },
        {
          what: "a file name of 20,000 characters",
          status: 400,
          reason:
            /The upload could not be read: it is not a well-formed multipart form \(the headers of a part are malformed or too long\)\./,
          body: async () => multipart([field("body", "hi"), filePart("files", `filename="${"a".repeat(20_000)}.png"`, await png())]),
        },
        {
          what: "a field name too long",
          status: 400,
          reason: /The upload has a field name longer than the 100 characters Parley takes\./,
          body: () => multipart([field("b".repeat(300), "hi")]),
        },
        {
          what: "a field value too long",
          status: 413,
          reason: /The upload has a field longer than 64 KB \(“body”\)\./,
          body: () => multipart([field("body", "x".repeat(70 * 1024))]),
        },
        {
          what: "a part without a field name",
          status: 400,
          reason: /The upload has a part without a field name\./,
          body: () => multipart([{ headers: ["Content-Disposition: form-data"], content: "hi" }]),
        },
        {
          what: "a malformed part header",
          status: 400,
          reason:
            /The upload could not be read: it is not a well-formed multipart form \(the headers of a part are malformed or too long\)\./,
          body: () => multipart([{ headers: ['Content-Disposition: form-data; name="body"', "this is no header"], content: "hi" }]),
        },
        {
          what: "a form cut off before its end",
          status: 400,
          reason: /The upload could not be read: it ended before the form did\./,
          body: async () => multipart([field("body", "hi"), filePart("files", 'filename="a.png"', await png())], { end: false }),
        },
        {
          what: "no boundary",
          status: 400,
          reason: /The upload could not be read: it is not a well-formed multipart form \(it has no boundary\)\./,
          body: () => multipart([field("body", "hi")]),
          type: "multipart/form-data",
        },
      ];

      let limited: TestServer;
      let carol: Visitor;
      let limitedRoom: number;
      before(async () => {
        // Fewer files per message, so that the part limit (2 per file + 50) is reachable.
        limited = await startTestServer(kind, { UPLOAD_MAX_FILES: "2", LOG_LEVEL: "info" }, { logTo: sink });
        [carol] = (await people(limited.url, "carol")) as [Visitor];
        limitedRoom = await carol.createRoom("Uploads");
      });
      after(() => limited.stop());

      for (const c of cases) {
        test(`${c.what}: ${c.status}, the reason next to the composer, nothing stored, logged below error`, async () => {
          const messagesBefore = await limited.deps.db.$count(messages);
          const filesBefore = await listFiles(limited.filesDir);
          const logged = logs.length;
          await carol.openRoom(limitedRoom);
          const body = await c.body();
          const page = await send(carol, `/rooms/${limitedRoom}/messages`, c.type ?? type, body);
          assert.equal(page.status, c.status);
          assert.match(page.html, new RegExp(`<p id="composer-error" class="field-error">${c.reason.source}</p>`));
          const fragment = await send(carol, `/rooms/${limitedRoom}/messages`, c.type ?? type, body, { "hx-request": "true" });
          assert.equal(fragment.status, c.status);
          assert.match(fragment.html, /^<form id="composer"/);
          assert.match(fragment.html, c.reason);
          assert.equal(await limited.deps.db.$count(messages), messagesBefore, "no message");
          assert.deepEqual(await listFiles(limited.filesDir), filesBefore, "no stored or temporary file");
          const lines = logs.slice(logged);
          assert.deepEqual(
            lines.filter((l) => l.level >= 50),
            [],
            "nothing logged as an error",
          );
          assert.ok(
            lines.some((l) => l.level === 30 && l.msg === "upload refused"),
            "the refusal is logged at info",
          );
        });
      }
    });
  });
}
