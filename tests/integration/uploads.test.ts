import assert from "node:assert/strict";
import { eq } from "drizzle-orm";
import { get, request } from "node:http";
import fs from "node:fs";
import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import sharp from "sharp";
import { attachments, messages } from "../../src/db/schema.js";
import { people, socketPool, Visitor } from "../support/client.js";
import { databaseKinds } from "../support/databases.js";
import { hasFfmpeg, makeAnimatedGif, makeImage, makeJpegWithGps, makeVideo } from "../support/media.js";
import { startTestServer, type TestServer } from "../support/server.js";

interface FilePart {
  name: string;
  bytes: Uint8Array;
  type?: string;
}

/** Posts the composer as a browser does: multipart, with the token inside the form. */
function upload(v: Visitor, roomId: number, files: FilePart[], fields: Record<string, string> = {}, headers: Record<string, string> = {}) {
  const form = new FormData();
  form.set("_csrf", v.csrf);
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  for (const f of files) form.append("files", new Blob([f.bytes], { type: f.type ?? "application/octet-stream" }), f.name);
  return v.request(`/rooms/${roomId}/messages`, { method: "POST", headers: { origin: v.origin, ...headers }, body: form });
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

const lastMessage = (html: string) =>
  [...html.matchAll(/<li id="message-\d+" class="message group[^"]*">[\s\S]*?<\/li>(?=\s*(?:<li |<\/ol>))/g)].at(-1)?.[0] ?? "";
const fileIds = (html: string) =>
  [...html.matchAll(/<a href="\/files\/(\d+)" class="attachment-image">|<video[^>]* src="\/files\/(\d+)"/g)].map((m) =>
    Number(m[1] ?? m[2]),
  );

for (const kind of databaseKinds()) {
  describe(`image and video uploads on ${kind}`, () => {
    let server: TestServer;
    let alice: Visitor, bob: Visitor, eve: Visitor;
    let roomId: number;
    const pool = socketPool();
    const stored = () => listFiles(path.join(server.filesDir, "files"));
    const pending = () => listFiles(path.join(server.filesDir, "tmp"));

    before(async () => {
      server = await startTestServer(kind, { UPLOAD_MAX_IMAGE_MB: "2", UPLOAD_MAX_VIDEO_MB: "5" });
      [alice, bob, eve] = (await people(server.url, "alice", "bob", "eve")) as [Visitor, Visitor, Visitor];
      roomId = await alice.createRoom("Pictures");
      await bob.joinRoom(roomId);
      await alice.openRoom(roomId);
    });
    after(async () => {
      pool.closeAll();
      await server.stop();
    });

    for (const format of ["jpeg", "png", "webp", "avif"] as const) {
      test(`a ${format.toUpperCase()} shows inline as a thumbnail with its size, linking to the full image`, async () => {
        await alice.openRoom(roomId);
        const res = await upload(
          alice,
          roomId,
          [{ name: `picture.${format}`, bytes: await makeImage(format, 1600, 1200), type: "image/whatever" }],
          { body: `a ${format}` },
        );
        assert.equal(res.status, 303);
        const message = lastMessage((await bob.openRoom(roomId)).html);
        assert.match(message, new RegExp(`a ${format}`));
        const [id] = fileIds(message);
        assert.match(
          message,
          new RegExp(
            `<a href="/files/${id}" class="attachment-image"><img src="/files/${id}/thumb" width="384" height="288" alt="Image, no description" loading="lazy"></a>`,
          ),
        );
        const original = await bob.get(`/files/${id}`);
        assert.equal(original.headers.get("content-type"), `image/${format}`);
        const thumb = await fetch(`${server.url}/files/${id}/thumb`, { headers: { cookie: bob.cookie } });
        assert.equal(thumb.headers.get("content-type"), "image/webp");
        const meta = await sharp(Buffer.from(await thumb.arrayBuffer())).metadata();
        assert.deepEqual([meta.width, meta.height], [800, 600], "the thumbnail is 800 px on its long side");
      });
    }

    test("an animated GIF keeps its frames, in the stored file and in the thumbnail", async () => {
      const res = await upload(alice, roomId, [{ name: "blink.gif", bytes: await makeAnimatedGif() }]);
      assert.equal(res.status, 303);
      const [id] = fileIds(lastMessage((await bob.openRoom(roomId)).html));
      for (const variant of ["", "/thumb"]) {
        const file = await fetch(`${server.url}/files/${id}${variant}`, { headers: { cookie: bob.cookie } });
        const meta = await sharp(Buffer.from(await file.arrayBuffer()), { animated: true }).metadata();
        assert.equal(meta.pages, 2, `frames in ${variant || "the original"}`);
        assert.equal(meta.pageHeight, 32);
      }
    });

    test("GPS and other EXIF data are gone from every stored version, and the orientation is applied", async () => {
      const photo = await makeJpegWithGps();
      const before = await sharp(photo).metadata();
      assert.ok(hasGpsIfd(before.exif), "the upload carries a GPS block in its EXIF");
      assert.equal(before.orientation, 6);
      const res = await upload(alice, roomId, [{ name: "holiday.jpg", bytes: photo }], { alt: "A blue sky" });
      assert.equal(res.status, 303);
      const message = lastMessage((await bob.openRoom(roomId)).html);
      assert.match(message, /alt="A blue sky"/);
      const [id] = fileIds(message);
      for (const variant of ["", "/thumb"]) {
        const file = Buffer.from(
          await (await fetch(`${server.url}/files/${id}${variant}`, { headers: { cookie: bob.cookie } })).arrayBuffer(),
        );
        const meta = await sharp(file).metadata();
        assert.equal(meta.exif, undefined, `no EXIF in ${variant || "the original"}`);
        assert.equal(meta.orientation, undefined);
        assert.deepEqual([meta.width, meta.height], [40, 80], "turned upright");
        assert.equal(hasGpsIfd(file), false);
      }
    });

    test("the type comes from the bytes: HTML named .jpg and SVG are refused with 415, naming the file; nothing is kept", async () => {
      const before = await stored();
      const html = await upload(alice, roomId, [
        { name: "cat.jpg", bytes: Buffer.from("<!doctype html><script>alert(1)</script>".padEnd(5000, " ")), type: "image/jpeg" },
      ]);
      assert.equal(html.status, 415);
      assert.match(html.html, /<p id="composer-error" class="field-error">“cat.jpg” is not a supported image or video/);
      const svg = await upload(
        alice,
        roomId,
        [
          {
            name: "logo.svg",
            bytes: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>'),
            type: "image/svg+xml",
          },
        ],
        {
          body: "keep this text",
        },
      );
      assert.equal(svg.status, 415);
      assert.match(svg.html, /“logo.svg” is not a supported image or video/);
      assert.match(svg.html, />keep this text<\/textarea>/, "the text is kept");
      assert.deepEqual(await stored(), before);
      assert.deepEqual(await pending(), []);
    });

    test("a truncated JPEG is refused with 422 and leaves no file and no row", async () => {
      const before = await stored();
      const rowsBefore = await countRows();
      const whole = await makeImage("jpeg", 400, 300);
      const res = await upload(
        alice,
        roomId,
        [{ name: "broken.jpg", bytes: whole.subarray(0, Math.floor(whole.length / 2)) }],
        {},
        { "hx-request": "true" },
      );
      assert.equal(res.status, 422);
      assert.match(res.html, /“broken.jpg” could not be read as an image/);
      assert.deepEqual(await stored(), before);
      assert.deepEqual(await pending(), []);
      assert.equal(await countRows(), rowsBefore, "no message or attachment rows");
    });

    test("an upload over the limit is cut off while it streams: 413, the connection closed, nothing stored", async () => {
      const before = await stored();
      const rowsBefore = await countRows();
      await alice.openRoom(roomId);
      // Large enough that what the kernel buffers on both sides (several MB on loopback) is a small part.
      const total = 80 * 1024 * 1024;
      const result = await streamOversized(server.url, roomId, alice, total);
      assert.equal(result.status, 413);
      assert.ok(result.sent < total / 2, `stopped early: ${result.sent} of ${total} bytes sent`);
      assert.equal(result.closed, true, "the server closed the connection");
      assert.deepEqual(await stored(), before);
      assert.deepEqual(await pending(), []);
      assert.equal(await countRows(), rowsBefore, "no message or attachment rows");
    });

    test("a client that goes away mid-upload leaves no temporary file, no stored file and no row", async () => {
      const before = await stored();
      const rowsBefore = await countRows();
      await alice.openRoom(roomId);
      await abandonUpload(server.url, roomId, alice, 1024 * 1024);
      // The server notices the closed connection on its next read; give it a moment.
      for (let i = 0; i < 50 && (await pending()).length > 0; i++) await new Promise((r) => setTimeout(r, 20));
      assert.deepEqual(await pending(), []);
      assert.deepEqual(await stored(), before);
      assert.equal(await countRows(), rowsBefore);
      assert.equal((await alice.openRoom(roomId)).status, 200, "the server carries on");
    });

    test("an empty file is refused with 415 and leaves nothing in tmp/, even when the disk is slow to open it", async (t) => {
      await alice.openRoom(roomId);
      // The refusal comes before the temporary file is even open; a slow open (a busy disk) used
      // to finish after the removal, leaving an empty file behind. Opens in tmp/ are made slow here.
      const tmp = path.join(server.filesDir, "tmp");
      const opened: Promise<void>[] = [];
      const open = fs.open;
      t.mock.method(fs, "open", (file: fs.PathLike, ...rest: unknown[]) => {
        const done = rest.pop() as (...args: unknown[]) => void;
        if (!String(file).startsWith(tmp)) return open(file, ...(rest as []), done);
        opened.push(
          new Promise<void>((resolve) =>
            setTimeout(() => open(file, ...(rest as []), (...result: unknown[]) => (done(...result), resolve())), 50),
          ),
        );
      });
      const answers = await Promise.all(
        Array.from({ length: 5 }, () => upload(alice, roomId, [{ name: "empty.mp4", bytes: new Uint8Array(0) }])),
      );
      assert.deepEqual(new Set(answers.map((a) => a.status)), new Set([415]));
      assert.match(answers[0]!.html, /“empty.mp4” is not a supported image or video/);
      await Promise.all(opened);
      assert.ok(opened.length >= 5, "the uploads opened their temporary files through the slowed open");
      assert.deepEqual(await pending(), []);
    });

    test("a HEIC photo this server's image library cannot decode is refused as unsupported (415), by name", async () => {
      // An ISO BMFF "ftyp heic" box: what an iPhone photo starts with. The prebuilt libvips reads
      // AVIF but not HEVC-coded HEIC, so this is the answer such a photo gets here.
      const heic = Buffer.concat([
        Buffer.from([0, 0, 0, 0x18]),
        Buffer.from("ftypheic"),
        Buffer.from([0, 0, 0, 0]),
        Buffer.from("mif1heic"),
        Buffer.alloc(4096, 1),
      ]);
      await alice.openRoom(roomId);
      const res = await upload(alice, roomId, [{ name: "IMG_0001.HEIC", bytes: heic }]);
      assert.equal(res.status, 415);
      assert.match(res.html, /“IMG_0001.HEIC” is a HEIC photo, which this server cannot read; send it as JPEG\./);
      assert.deepEqual(await pending(), []);
    });

    test("the same file uploaded twice is stored once", async () => {
      const bytes = await makeImage("png", 300, 200);
      await upload(alice, roomId, [{ name: "once.png", bytes }]);
      const after1 = await stored();
      await upload(alice, roomId, [{ name: "twice.png", bytes }]);
      assert.deepEqual(await stored(), after1);
      const page = (await bob.openRoom(roomId)).html;
      assert.match(page, /twice\.png/);
      assert.match(page, /once\.png/);
    });

    test("a message with a file sent twice with one client id is stored, processed and delivered once", async () => {
      const bobRoom = await pool.open(bob, roomId);
      const page = (await alice.openRoom(roomId)).html;
      const clientId = /name="clientId" value="([^"]+)"/.exec(page)![1]!;
      const rowsBefore = await countRows();
      const photo = await makeImage("png", 120, 90);
      const send = () =>
        upload(alice, roomId, [{ name: "retried.png", bytes: photo }], { body: "sent twice", clientId }, { "hx-request": "true" });
      const first = await send();
      assert.equal(first.status, 204);
      const filesAfterFirst = await stored();
      // The same bytes stored again would count as a new copy; the retry stores nothing at all.
      const versions = await Promise.all(filesAfterFirst.map((f) => stat(f, { bigint: true }).then((s) => `${s.ino}:${s.mtimeNs}`)));
      const again = await send();
      assert.equal(again.status, 204);
      assert.equal(await countRows(), rowsRaised(rowsBefore, 1, 1));
      assert.deepEqual(await stored(), filesAfterFirst);
      assert.deepEqual(
        await Promise.all(filesAfterFirst.map((f) => stat(f, { bigint: true }).then((s) => `${s.ino}:${s.mtimeNs}`))),
        versions,
        "no file was processed again",
      );
      assert.deepEqual(await pending(), []);
      await upload(alice, roomId, [], { body: "after the retry" }, { "hx-request": "true" });
      await bobRoom.waitFor(1, 3000, (p) => p.includes("after the retry"));
      assert.equal(bobRoom.received.filter((p) => p.includes("sent twice")).length, 1);
      bobRoom.close();
    });

    test("Range requests get 206 with exactly those bytes; conditional ones 304; headers are safe", async () => {
      await upload(alice, roomId, [{ name: "range test.png", bytes: await makeImage("png", 200, 200) }]);
      const [id] = fileIds(lastMessage((await bob.openRoom(roomId)).html));
      const whole = await fetch(`${server.url}/files/${id}`, { headers: { cookie: bob.cookie } });
      const all = Buffer.from(await whole.arrayBuffer());
      assert.equal(whole.headers.get("x-content-type-options"), "nosniff");
      assert.equal(whole.headers.get("cache-control"), "private, no-cache", "kept by the browser only, and checked again before each use");
      assert.equal(whole.headers.get("content-disposition"), 'inline; filename="range test.png"');
      assert.equal(whole.headers.get("accept-ranges"), "bytes");
      const part = await fetch(`${server.url}/files/${id}`, { headers: { cookie: bob.cookie, range: "bytes=10-109" } });
      assert.equal(part.status, 206);
      assert.equal(part.headers.get("content-range"), `bytes 10-109/${all.length}`);
      assert.deepEqual(Buffer.from(await part.arrayBuffer()), all.subarray(10, 110));
      // (Not with fetch, which adds "Cache-Control: no-cache" to any request with If-None-Match.)
      const again = await new Promise<number>((resolve, reject) =>
        get(`${server.url}/files/${id}`, { headers: { cookie: bob.cookie, "if-none-match": whole.headers.get("etag")! } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        }).on("error", reject),
      );
      assert.equal(again, 304);
      const download = await fetch(`${server.url}/files/${id}?download`, { headers: { cookie: bob.cookie } });
      assert.equal(download.headers.get("content-disposition"), 'attachment; filename="range test.png"');
    });

    test("someone outside the room gets 404 for the file and its thumbnail, as for one that does not exist", async () => {
      const [id] = fileIds(lastMessage((await bob.openRoom(roomId)).html));
      await eve.get("/rooms");
      for (const variant of ["", "/thumb", "/poster"]) assert.equal((await eve.get(`/files/${id}${variant}`)).status, 404, variant);
      assert.equal((await eve.get(`/files/999999`)).status, 404);
      const anonymous = await fetch(`${server.url}/files/${id}`, { redirect: "manual" });
      assert.notEqual(anonymous.status, 200);
    });

    test("a multipart post without the form's token is refused and stores nothing", async () => {
      const before = await stored();
      const form = new FormData();
      form.append("files", new Blob([await makeImage("png", 10, 10)]), "sneaky.png");
      const res = await alice.request(`/rooms/${roomId}/messages`, { method: "POST", headers: { origin: alice.origin }, body: form });
      assert.equal(res.status, 403);
      assert.deepEqual(await stored(), before);
      assert.deepEqual(await pending(), []);
      const outsider = await upload(eve, roomId, [{ name: "x.png", bytes: await makeImage("png", 10, 10) }]);
      assert.equal(outsider.status, 404, "non-members are refused before anything is read");
    });

    test("files without text make a message; no text and no file is still an error", async () => {
      await alice.openRoom(roomId);
      assert.equal((await upload(alice, roomId, [])).status, 422);
      const bobRoom = await pool.open(bob, roomId);
      const res = await upload(
        alice,
        roomId,
        [
          { name: "a.png", bytes: await makeImage("png", 20, 20) },
          { name: "b.webp", bytes: await makeImage("webp", 30, 20) },
        ],
        {},
        { "hx-request": "true" },
      );
      assert.equal(res.status, 204);
      const [push] = await bobRoom.waitFor(1, 3000, (p) => p.includes("attachment-image"));
      assert.equal(fileIds(push!).length, 2, "both files, in one message, live");
      assert.doesNotMatch(push!, /message-body/);
    });

    test("an image without a description says so, and only its author is invited to describe it, live for everyone", async () => {
      const aliceRoom = await pool.open(alice, roomId);
      const bobRoom = await pool.open(bob, roomId);
      await alice.openRoom(roomId);
      await upload(alice, roomId, [{ name: "undescribed.png", bytes: await makeImage("png", 50, 50) }], {}, { "hx-request": "true" });
      const isNew = (p: string) => p.includes("undescribed.png") && p.includes("beforeend:#messages");
      const [mine] = await aliceRoom.waitFor(1, 3000, isNew);
      const [theirs] = await bobRoom.waitFor(1, 3000, isNew);
      const [id] = fileIds(mine!);
      assert.match(
        mine!,
        new RegExp(
          `<a href="/attachments/${id}/description" class="attachment-download">Add a description<span class="sr-only"> of undescribed.png</span></a>`,
        ),
      );
      assert.doesNotMatch(theirs!, /Add a description/);
      assert.match(theirs!, /alt="Image, no description"/);
      assert.doesNotMatch(lastMessage((await bob.openRoom(roomId)).html), /Add a description/);
      assert.match(lastMessage((await alice.openRoom(roomId)).html), /Add a description/);

      assert.equal((await bob.get(`/attachments/${id}/description`)).status, 404, "not someone else's image");
      const page = await alice.get(`/attachments/${id}/description`);
      assert.match(page.html, /<label for="alt" class="block font-medium">Description of undescribed.png<\/label>/);
      const empty = await alice.post(`/attachments/${id}/description`, { alt: "  " });
      assert.equal(empty.status, 422);
      assert.match(empty.html, /Describe the image\./);
      const saved = await alice.post(`/attachments/${id}/description`, { alt: "A red square" });
      assert.equal(saved.status, 303);
      const isUpdate = (p: string) => p.startsWith(`<ul id="attachments-`) && p.includes("A red square");
      const [update] = await bobRoom.waitFor(1, 3000, isUpdate);
      assert.match(update!, /hx-swap-oob="outerHTML"/);
      assert.match(update!, new RegExp(`<img src="/files/${id}/thumb" width="50" height="50" alt="A red square"`));
      const [ownUpdate] = await aliceRoom.waitFor(1, 3000, isUpdate);
      assert.doesNotMatch(ownUpdate!, /Add a description/);
      aliceRoom.close();
      bobRoom.close();
    });

    test("videos play inline from MP4, WebM and MOV, with a poster and duration when ffmpeg is there", async (t) => {
      if (!(await hasFfmpeg())) {
        assert.notEqual(process.env.REQUIRE_FFMPEG, "1", "REQUIRE_FFMPEG=1 is set but ffmpeg/ffprobe are not installed");
        return t.skip("ffmpeg is not installed: install Debian's ffmpeg to test videos");
      }
      for (const format of ["mp4", "webm", "mov"] as const) {
        const res = await upload(alice, roomId, [{ name: `clip.${format}`, bytes: await makeVideo(format) }]);
        assert.equal(res.status, 303, format);
        const message = lastMessage((await bob.openRoom(roomId)).html);
        const [id] = fileIds(message);
        assert.match(
          message,
          new RegExp(`<video controls preload="metadata" src="/files/${id}" poster="/files/${id}/poster" width="160" height="120">`),
          format,
        );
        const file = await fetch(`${server.url}/files/${id}`, { headers: { cookie: bob.cookie } });
        assert.equal(file.headers.get("content-type"), { mp4: "video/mp4", webm: "video/webm", mov: "video/quicktime" }[format]);
        const poster = await fetch(`${server.url}/files/${id}/poster`, { headers: { cookie: bob.cookie } });
        assert.equal(poster.headers.get("content-type"), "image/webp");
        const [row] = await server.deps.db.select({ durationMs: attachments.durationMs }).from(attachments).where(eqId(id!));
        assert.ok(row!.durationMs! > 2500 && row!.durationMs! < 3500, `duration ${row!.durationMs}`);
      }
    });

    test("a video is stored as its media only and named for its type: HTML or a ZIP appended to an MP4 does not leave the server", async (t) => {
      if (!(await hasFfmpeg())) {
        assert.notEqual(process.env.REQUIRE_FFMPEG, "1", "REQUIRE_FFMPEG=1 is set but ffmpeg/ffprobe are not installed");
        return t.skip("ffmpeg is not installed: install Debian's ffmpeg to test videos");
      }
      const clip = await makeVideo("mp4");
      for (const [name, payload] of [
        ["invoice.html", htmlPayload],
        ["setup.exe", zipPayload],
      ] as const) {
        const res = await upload(alice, roomId, [{ name, bytes: Buffer.concat([clip, payload]) }]);
        assert.equal(res.status, 303, name);
        const message = lastMessage((await bob.openRoom(roomId)).html);
        const [id] = fileIds(message);
        const expected = name.replace(/\..*$/, ".mp4");
        assert.match(message, new RegExp(`poster="/files/${id}/poster" width="160" height="120">`), "it still plays, with a poster");
        assert.match(message, new RegExp(`Download<span class="sr-only"> ${expected}</span>`));
        const download = await fetch(`${server.url}/files/${id}?download`, { headers: { cookie: bob.cookie } });
        assert.equal(download.headers.get("content-disposition"), `attachment; filename="${expected}"`);
        assert.equal(download.headers.get("content-type"), "video/mp4");
        const bytes = Buffer.from(await download.arrayBuffer());
        assert.equal(bytes.includes(payload), false, `the payload appended to ${name} is gone`);
        const [row] = await server.deps.db
          .select({ durationMs: attachments.durationMs, byteSize: attachments.byteSize })
          .from(attachments)
          .where(eqId(id!));
        assert.ok(row!.durationMs! > 2500 && row!.durationMs! < 3500, `duration ${row!.durationMs}`);
        assert.equal(row!.byteSize, bytes.length);
      }
    });

    test("bytes that start like an MP4 but hold no video are refused: not a playable video (ffmpeg)", async (t) => {
      if (!(await hasFfmpeg())) return t.skip("ffmpeg is not installed");
      const before = await stored();
      const rowsBefore = await countRows();
      await alice.openRoom(roomId);
      const res = await upload(alice, roomId, [{ name: "invoice.html", bytes: Buffer.concat([mp4Header, htmlPayload]) }], {
        body: "pay this",
      });
      assert.equal(res.status, 422);
      assert.match(res.html, /<p id="composer-error" class="field-error">“invoice.html” is not a playable video\.<\/p>/);
      assert.match(res.html, />pay this<\/textarea>/);
      assert.deepEqual(await stored(), before);
      assert.deepEqual(await pending(), []);
      assert.equal(await countRows(), rowsBefore);
    });

    /** Attachment and message rows, as "attachments:messages". */
    async function countRows(): Promise<string> {
      const rows = await server.deps.db.select({ id: attachments.id }).from(attachments);
      const msgs = await server.deps.db.select({ id: messages.id }).from(messages);
      return `${rows.length}:${msgs.length}`;
    }
  });
}

const eqId = (id: number) => eq(attachments.id, id);

/** An ISO BMFF "ftyp isom" box: what an MP4 starts with, and all file-type needs to call it one. */
const mp4Header = Buffer.concat([
  Buffer.from([0, 0, 0, 0x20]),
  Buffer.from("ftypisom"),
  Buffer.from([0, 0, 2, 0]),
  Buffer.from("isomiso2avc1mp41"),
]);
const htmlPayload = Buffer.from(
  `<!doctype html><title>Invoice</title><script>location = "https://evil.example/"</script>${" ".repeat(5000)}`,
);
// The start of a ZIP (a local file header for setup.exe), as a self-extracting archive would carry.
const zipPayload = Buffer.concat([
  Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0, 0, 0, 0]),
  Buffer.alloc(16),
  Buffer.from([9, 0, 0, 0]),
  Buffer.from("setup.exe"),
  Buffer.alloc(5000, 0x90),
]);

test("without ffmpeg a video is kept as it came, but downloads under its type's name, as images do", async () => {
  const server = await startTestServer("pglite", { FFMPEG_PATH: "/nonexistent/ffmpeg", FFPROBE_PATH: "/nonexistent/ffprobe" });
  try {
    const [alice] = (await people(server.url, "alice")) as [Visitor];
    const roomId = await alice.createRoom("No ffmpeg");
    await alice.openRoom(roomId);
    const fake = Buffer.concat([mp4Header, htmlPayload]);
    for (const [name, bytes, expected] of [
      ["invoice.html", fake, "invoice.mp4"],
      ["photo.exe", await makeImage("png", 20, 20), "photo.png"],
    ] as const) {
      const res = await upload(alice, roomId, [{ name, bytes }]);
      assert.equal(res.status, 303, name);
      const [id] = fileIds(lastMessage((await alice.openRoom(roomId)).html));
      const download = await fetch(`${server.url}/files/${id}?download`, { headers: { cookie: alice.cookie } });
      assert.equal(download.headers.get("content-disposition"), `attachment; filename="${expected}"`);
    }
  } finally {
    await server.stop();
  }
});

/** Row counts as `countRows` gives them, raised by some attachments and messages. */
const rowsRaised = (counts: string, attachmentRows: number, messageRows: number) => {
  const [a, m] = counts.split(":").map(Number) as [number, number];
  return `${a + attachmentRows}:${m + messageRows}`;
};

/** Whether bytes hold an EXIF pointer to a GPS block (tag 0x8825, in either byte order). */
function hasGpsIfd(bytes: Buffer | undefined): boolean {
  return !!bytes && (bytes.includes(Buffer.from([0x88, 0x25, 0x00, 0x04])) || bytes.includes(Buffer.from([0x25, 0x88, 0x04, 0x00])));
}

/** Starts a multipart upload of a JPEG-typed file, sends `bytes` of it, then drops the connection. */
async function abandonUpload(base: string, roomId: number, v: Visitor, bytes: number): Promise<void> {
  const boundary = "----parleygone";
  const req = request(new URL(`/rooms/${roomId}/messages`, base), {
    method: "POST",
    headers: { cookie: v.cookie, origin: v.origin, "content-type": `multipart/form-data; boundary=${boundary}` },
  });
  req.on("error", () => {});
  req.write(
    `--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${v.csrf}\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="gone.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`,
  );
  req.write(Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01]), Buffer.alloc(bytes, 3)]));
  await new Promise((r) => setTimeout(r, 100));
  req.destroy();
  await new Promise((r) => setTimeout(r, 50));
}

/**
 * Sends a multipart upload of `total` bytes whose first bytes say JPEG, slowly enough to notice
 * when the server answers; stops writing when it does. Reports the status, bytes sent, and whether
 * the server closed the connection.
 */
function streamOversized(
  base: string,
  roomId: number,
  v: Visitor,
  total: number,
): Promise<{ status: number; sent: number; closed: boolean }> {
  const boundary = "----parleytest";
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${v.csrf}\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="huge.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`,
  );
  const jpegStart = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01]);
  const chunk = Buffer.alloc(64 * 1024, 7);
  return new Promise((resolve, reject) => {
    const url = new URL(`/rooms/${roomId}/messages`, base);
    let sent = 0;
    let status = 0;
    let answered = false;
    const req = request(url, {
      method: "POST",
      headers: { cookie: v.cookie, origin: v.origin, "content-type": `multipart/form-data; boundary=${boundary}` },
    });
    req.on("response", (res) => {
      status = res.statusCode ?? 0;
      answered = true;
      res.resume();
    });
    req.on("error", () => {});
    req.on("close", () => resolve({ status, sent, closed: true }));
    const pump = () => {
      if (answered) return;
      if (sent >= total) return void req.end();
      const piece = sent === 0 ? Buffer.concat([head, jpegStart, chunk]) : chunk;
      sent += piece.length;
      // About 64 MB/s: fast, but slow enough that the answer can arrive well before the end.
      if (req.write(piece)) setTimeout(pump, 1);
      else req.once("drain", pump);
    };
    pump();
    setTimeout(() => reject(new Error("no answer within 10 s")), 10_000).unref();
  });
}
