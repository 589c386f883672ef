// Scenario: the room page over the wire. A member of 20 rooms opens a room of 50 messages for the
// first time: the page and everything it loads (styles, scripts and the modules they import, the
// icon), in bytes as stored and as sent with brotli and with gzip. Then the server's CPU time per
// page, plain and compressed, over sequential requests; and, to choose the level, how big and how
// long compressing the page and the styles takes at each gzip level and brotli quality (here, in
// this process). Target: under 60 KB on the wire in all for the first load.
// Usage: npm run bench:transfer [-- --rooms 20 --messages 50 --pages 200 --repeats 20]
import os from "node:os";
import { parseArgs } from "node:util";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { Visitor } from "../tests/support/client.js";
import { getAsSent } from "../tests/support/wire.js";
import { cpuMs, median, startParleyForLoad } from "./support.js";

const { values } = parseArgs({
  options: {
    rooms: { type: "string", default: "20" },
    messages: { type: "string", default: "50" },
    pages: { type: "string", default: "200" },
    repeats: { type: "string", default: "20" },
  },
});
const pages = Number(values.pages);
const repeats = Number(values.repeats);
const ROOMS = Number(values.rooms);
const MESSAGES = Number(values.messages);

const parley = await startParleyForLoad();
try {
  const reader = new Visitor(parley.url);
  await reader.signUp("reader");
  const roomId = await reader.createRoom("the busy room");
  for (let r = 1; r < ROOMS; r++) await reader.createRoom(`room ${r}`);
  const writer = new Visitor(parley.url);
  await writer.signUp("writer");
  await writer.joinRoom(roomId);
  for (let m = 0; m < MESSAGES; m++)
    await writer.post(`/rooms/${roomId}/messages`, {
      body: `Message ${m}: a sentence or two, as people write them in a team chat, now and then longer.`,
    });
  const pageUrl = `${parley.url}/rooms/${roomId}`;

  /** One response as sent for `encoding`: its length on the wire, and its text. */
  const sent = async (url: string, encoding: string) => {
    const { body, text } = await getAsSent(url, { cookie: reader.cookie, "accept-encoding": encoding });
    return { bytes: body.length, body: text };
  };

  /** The page and everything it loads, as the browser finds it: links, scripts, and the modules those import. */
  async function firstLoad(encoding: string): Promise<Array<{ url: string; bytes: number }>> {
    const page = await sent(pageUrl, encoding);
    const loaded = [{ url: "room page (HTML)", bytes: page.bytes }];
    // What every browser fetches: styles, scripts, the icon (not the home-screen icon, fetched only when one is made).
    const queue = [...page.body.matchAll(/<(?:link rel="(?:stylesheet|icon)"|script)[^>]*(?:href|src)="(\/assets\/[^"]+)"/g)].map(
      (m) => m[1]!,
    );
    const seen = new Set<string>();
    while (queue.length) {
      const path = queue.shift()!;
      if (seen.has(path)) continue;
      seen.add(path);
      const { bytes, body } = await sent(parley.url + path, encoding);
      loaded.push({ url: path.replace(/^\/assets\/[^/]+\//, ""), bytes });
      if (path.endsWith(".js"))
        for (const [, relative] of body.matchAll(/^import [^"]*"(\.[^"]+)";?$/gm))
          queue.push(new URL(relative!, `http://x${path}`).pathname);
    }
    return loaded;
  }

  const loads = { identity: await firstLoad("identity"), br: await firstLoad("br"), gzip: await firstLoad("gzip") };
  const kb = (bytes: number) => (bytes / 1024).toFixed(1);
  const total = (rows: Array<{ bytes: number }>) => rows.reduce((a, r) => a + r.bytes, 0);

  /** Server CPU ms per page over `pages` sequential requests, for one Accept-Encoding. */
  async function cpuPerPage(encoding: string): Promise<number> {
    for (let i = 0; i < 20; i++) await sent(pageUrl, encoding);
    const before = await cpuMs(parley.pid);
    for (let i = 0; i < pages; i++) await sent(pageUrl, encoding);
    return ((await cpuMs(parley.pid)) - before) / pages;
  }
  const cpu = { identity: await cpuPerPage("identity"), br: await cpuPerPage("br"), gzip: await cpuPerPage("gzip") };

  const html = Buffer.from((await sent(pageUrl, "identity")).body);
  const css = Buffer.from(
    (await sent(parley.url + [...html.toString().matchAll(/href="(\/assets\/[^"]+\.css)"/g)][0]![1]!, "identity")).body,
  );
  const settings: Array<[string, (b: Buffer) => Buffer]> = [
    ...[1, 6, 9].map((level): [string, (b: Buffer) => Buffer] => [`gzip ${level}`, (b) => gzipSync(b, { level })]),
    ...[1, 4, 6, 9, 11].map((q): [string, (b: Buffer) => Buffer] => [
      `brotli ${q}`,
      (b) => brotliCompressSync(b, { params: { [constants.BROTLI_PARAM_QUALITY]: q, [constants.BROTLI_PARAM_SIZE_HINT]: b.length } }),
    ]),
  ];
  const timed = (f: (b: Buffer) => Buffer, b: Buffer) => {
    const times: number[] = [];
    let size = 0;
    for (let i = 0; i < repeats; i++) {
      const start = performance.now();
      size = f(b).length;
      times.push(performance.now() - start);
    }
    return { size, ms: median(times) };
  };

  console.log(
    `\nThe room page over the wire: a member of ${ROOMS} rooms opens one of ${MESSAGES} messages for the first time, ` +
      `${parley.database}, ${os.cpus().length} cores, node ${process.version}`,
  );
  console.log("| loaded | as stored KB | brotli KB | gzip KB |\n| --- | --- | --- | --- |");
  loads.identity.forEach((row, i) =>
    console.log(`| ${row.url} | ${kb(row.bytes)} | ${kb(loads.br[i]!.bytes)} | ${kb(loads.gzip[i]!.bytes)} |`),
  );
  console.log(`| **all ${loads.identity.length}** | ${kb(total(loads.identity))} | ${kb(total(loads.br))} | ${kb(total(loads.gzip))} |`);
  console.log(`\nServer CPU per room page, ${pages} sequential requests each (as configured: brotli quality 4, gzip level 6)`);
  console.log("| sent | CPU ms per page | page KB |\n| --- | --- | --- |");
  for (const [encoding, ms] of Object.entries(cpu))
    console.log(`| ${encoding} | ${ms.toFixed(2)} | ${kb(loads[encoding as keyof typeof loads][0]!.bytes)} |`);
  console.log(
    `\nCompressing once, median of ${repeats}, in this process: the page (${kb(html.length)} KB) and the styles (${kb(css.length)} KB)`,
  );
  console.log("| setting | page KB | page ms | styles KB | styles ms |\n| --- | --- | --- | --- | --- |");
  for (const [name, f] of settings) {
    const [p, s] = [timed(f, html), timed(f, css)];
    console.log(`| ${name} | ${kb(p.size)} | ${p.ms.toFixed(2)} | ${kb(s.size)} | ${s.ms.toFixed(2)} |`);
  }
} finally {
  await parley.close();
}
