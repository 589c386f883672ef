// What uploads cost the server: the time to accept and thumbnail a 12-megapixel JPEG (POST to its
// 303 answer, which comes after the re-encode and the thumbnail), and the server's resident memory
// while it receives a 200 MB video (it must stream to disk, not buffer).
// Usage: npm run bench:uploads [-- --photos 7 --video-mb 200]
// (The server inherits the environment, so MALLOC_ARENA_MAX=2 npm run bench:uploads shows its effect.)
import { readFile } from "node:fs/promises";
import { request } from "node:http";
import os from "node:os";
import { parseArgs } from "node:util";
import sharp from "sharp";
import { Visitor } from "../tests/support/client.js";
import { percentile, startParley } from "./support.js";
import { mkdtemp, rm } from "node:fs/promises";
import path from "node:path";

const { values } = parseArgs({ options: { photos: { type: "string", default: "7" }, "video-mb": { type: "string", default: "200" } } });
const photos = Number(values.photos);
const videoBytes = Number(values["video-mb"]) * 1024 * 1024;

async function rssKb(pid: number): Promise<{ rss: number; hwm: number }> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const field = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(status)?.[1]);
  return { rss: field("VmRSS"), hwm: field("VmHWM") };
}

/** A 4000×3000 JPEG of noise, different each time: harder to encode than a photo, so a fair worst case. */
async function photo(seed: number): Promise<Buffer> {
  return sharp({
    create: { width: 4000, height: 3000, channels: 3, background: "#000", noise: { type: "gaussian", mean: 120 + seed, sigma: 40 } },
  })
    .jpeg({ quality: 90 })
    .toBuffer();
}

function upload(v: Visitor, roomId: number, name: string, bytes: Buffer): Promise<number> {
  const form = new FormData();
  form.set("_csrf", v.csrf);
  form.append("files", new Blob([bytes]), name);
  return v.request(`/rooms/${roomId}/messages`, { method: "POST", headers: { origin: v.origin }, body: form }).then((p) => p.status);
}

/** Streams a multipart upload of an MP4-typed file of `size` bytes without ever holding it whole. */
function streamVideo(url: string, roomId: number, v: Visitor, size: number): Promise<number> {
  const boundary = "----parleybench";
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${v.csrf}\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="big.mp4"\r\nContent-Type: video/mp4\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  // An ISO BMFF "ftyp" box, which is how MP4 files begin; the rest is filler the server need not understand.
  const ftyp = Buffer.from([
    0, 0, 0, 0x18, 0x66, 0x74, 0x79, 0x70, 0x6d, 0x70, 0x34, 0x32, 0, 0, 0, 0, 0x6d, 0x70, 0x34, 0x32, 0x69, 0x73, 0x6f, 0x6d,
  ]);
  const chunk = Buffer.alloc(1024 * 1024, 0x5a);
  return new Promise((resolve, reject) => {
    const req = request(`${url}/rooms/${roomId}/messages`, {
      method: "POST",
      headers: {
        cookie: v.cookie,
        origin: v.origin,
        "content-type": `multipart/form-data; boundary=${boundary}`,
        "content-length": head.length + size + tail.length,
      },
    });
    req.on("response", (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", reject);
    let sent = 0;
    const pump = () => {
      while (sent < size) {
        const piece =
          sent === 0
            ? Buffer.concat([head, ftyp, chunk.subarray(0, Math.min(chunk.length, size) - ftyp.length)])
            : chunk.subarray(0, Math.min(chunk.length, size - sent));
        sent += sent === 0 ? piece.length - head.length : piece.length;
        if (!req.write(piece)) return void req.once("drain", pump);
      }
      req.end(tail);
    };
    pump();
  });
}

const filesDir = await mkdtemp(path.join(os.tmpdir(), "parley-bench-files-"));
// The "video" is filler after an MP4 header, which ffmpeg would refuse as not playable: what is
// measured is receiving it, so Parley runs as it does without ffmpeg (the upload kept as it came).
const withoutFfmpeg = { FFMPEG_PATH: "/nonexistent/ffmpeg", FFPROBE_PATH: "/nonexistent/ffprobe" };
const { url, pid, stop } = await startParley({
  DATA_DIR: "memory://",
  FILES_DIR: filesDir,
  RATE_LIMIT_MESSAGES_PER_MIN: "100000",
  RATE_LIMIT_AUTH_PER_15_MIN: "1000",
  ...withoutFfmpeg,
});
try {
  const alice = new Visitor(url);
  await alice.signUp("alice");
  const roomId = await alice.createRoom("uploads");
  await alice.openRoom(roomId);

  await upload(alice, roomId, "warmup.jpg", await makeSmall());
  const atStart = await rssKb(pid);
  const times: number[] = [];
  let size = 0;
  for (let i = 0; i < photos; i++) {
    const bytes = await photo(i);
    size = bytes.length;
    const started = performance.now();
    const status = await upload(alice, roomId, `photo-${i}.jpg`, bytes);
    if (status !== 303) throw new Error(`photo upload answered ${status}`);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);

  const before = await rssKb(pid);
  let peak = before.rss;
  const sampler = setInterval(
    () =>
      void rssKb(pid).then(
        (m) => (peak = Math.max(peak, m.rss)),
        () => {},
      ),
    10,
  );
  const started = performance.now();
  const status = await streamVideo(url, roomId, alice, videoBytes);
  const videoMs = performance.now() - started;
  clearInterval(sampler);
  const after = await rssKb(pid);
  if (status !== 303) throw new Error(`video upload answered ${status}`);

  console.log(`\nUploads (${os.cpus().length} cores, node ${process.version}), embedded PGlite, server in its own process`);
  console.log("| measure | result |\n| --- | --- |");
  console.log(
    `| 12 MP JPEG (${(size / 1024 / 1024).toFixed(1)} MB), POST → 303, ${photos} uploads | median ${percentile(times, 50).toFixed(0)} ms, min ${times[0]!.toFixed(0)} ms, max ${times.at(-1)!.toFixed(0)} ms |`,
  );
  console.log(`| ${videoBytes / 1024 / 1024} MB video, POST → 303 | ${videoMs.toFixed(0)} ms |`);
  console.log(`| server RSS at start (PGlite in process, one small upload done) | ${(atStart.rss / 1024).toFixed(0)} MB |`);
  console.log(`| server RSS before the video | ${(before.rss / 1024).toFixed(0)} MB |`);
  console.log(
    `| server RSS peak while receiving it (sampled every 10 ms) | ${(peak / 1024).toFixed(0)} MB (+${((peak - before.rss) / 1024).toFixed(0)} MB) |`,
  );
  console.log(
    `| server VmHWM (lifetime peak) before / after | ${(before.hwm / 1024).toFixed(0)} MB / ${(after.hwm / 1024).toFixed(0)} MB |`,
  );
} finally {
  await stop();
  await rm(filesDir, { recursive: true, force: true });
}

async function makeSmall(): Promise<Buffer> {
  return sharp({ create: { width: 100, height: 100, channels: 3, background: "#888" } })
    .jpeg()
    .toBuffer();
}
