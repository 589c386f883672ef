// What a page costs when its sidebar lists 200 rooms (100 with unread messages) against one that
// lists 5, measured in the same run on the same server. The sidebar is one query whatever the
// number of rooms; this shows what that query and its rendering cost as rooms grow.
// "many" also has direct conversations (titled by their participants, which the sidebar query loads
// for conversations only), half of them unread.
// Usage: npm run bench:sidebar [-- --rooms 200 --conversations 20 --requests 300]
import os from "node:os";
import { parseArgs } from "node:util";
import { Visitor } from "../tests/support/client.js";
import { onEachDatabase, percentile, startParley } from "./support.js";

const { values } = parseArgs({
  options: {
    rooms: { type: "string", default: "200" },
    conversations: { type: "string", default: "20" },
    requests: { type: "string", default: "300" },
  },
});
const roomCount = Number(values.rooms);
const conversationCount = Number(values.conversations);
const requests = Number(values.requests);

async function timePage(v: Visitor, path: string): Promise<number> {
  const started = performance.now();
  const page = await v.get(path);
  if (page.status !== 200) throw new Error(`${path}: ${page.status}`);
  return performance.now() - started;
}

async function measure(label: string, env: Record<string, string>) {
  const { url, stop } = await startParley({ ...env, RATE_LIMIT_MESSAGES_PER_MIN: "100000", RATE_LIMIT_AUTH_PER_15_MIN: "1000" });
  try {
    const owner = new Visitor(url);
    const many = new Visitor(url);
    const few = new Visitor(url);
    await owner.signUp("owner");
    await many.signUp("many");
    await few.signUp("few");
    await many.get("/rooms");
    await few.get("/rooms");
    const rooms: number[] = [];
    for (let i = 0; i < roomCount; i++) {
      const id = await owner.createRoom(`room ${String(i).padStart(3, "0")}`);
      rooms.push(id);
      await owner.post(`/rooms/${id}/messages`, { body: "before anyone joined" });
      await many.post(`/rooms/${id}/join`);
      if (i < 5) await few.post(`/rooms/${id}/join`);
    }
    // Half the rooms get news after the readers joined: 100 unread rooms for "many", 3 for "few".
    for (const id of rooms.filter((_, i) => i % 2 === 0)) {
      await owner.post(`/rooms/${id}/messages`, { body: "news" });
    }
    const manyId = /<label for="person-(\d+)" class="flex-1">Many /.exec((await owner.get("/people")).html)![1]!;
    for (let i = 0; i < conversationCount; i++) {
      const partner = new Visitor(url);
      await partner.signUp(`partner${i}`);
      await partner.get("/people");
      const opened = await partner.post("/conversations", { with: manyId });
      if (i % 2 === 0) await partner.post(`${opened.location}/messages`, { body: "psst" });
    }
    const sidebarRows = (await many.get("/settings")).html.match(/id="room-row-/g)?.length;
    const expected = roomCount + 1 + conversationCount;
    if (sidebarRows !== expected) throw new Error(`expected ${expected} sidebar rows, saw ${sidebarRows}`);

    for (let i = 0; i < 30; i++) await Promise.all([timePage(many, "/settings"), timePage(few, "/settings")]);
    const samples = { many: [] as number[], few: [] as number[] };
    // Alternate, so that both see the same conditions.
    for (let i = 0; i < requests; i++) {
      samples.many.push(await timePage(many, "/settings"));
      samples.few.push(await timePage(few, "/settings"));
    }
    const row = (name: "many" | "few", rows: number, conversations: number) => {
      const sorted = samples[name].sort((a, b) => a - b);
      return {
        database: label,
        sidebar: `${rows} rooms, ${conversations} conversations`,
        p50: percentile(sorted, 50),
        p99: percentile(sorted, 99),
      };
    };
    const result = [row("many", roomCount + 1, conversationCount), row("few", 6, 0)];
    console.log(JSON.stringify(result));
    return result;
  } finally {
    await stop();
  }
}

const results = (await onEachDatabase(measure)).flat();
console.log(
  `\nGET /settings (a light page: its cost is mostly the sidebar), ${requests} requests each, ms (${os.cpus().length} cores, node ${process.version})`,
);
console.log("| database | sidebar | p50 ms | p99 ms | p50 ratio to the small sidebar |\n| --- | --- | --- | --- | --- |");
for (let i = 0; i < results.length; i += 2) {
  const [many, few] = [results[i]!, results[i + 1]!];
  for (const r of [many, few]) {
    console.log(`| ${r.database} | ${r.sidebar} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${(r.p50 / few.p50).toFixed(2)} |`);
  }
}
