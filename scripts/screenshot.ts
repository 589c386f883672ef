// Makes docs/screenshot.png, the picture in README: a room with a short conversation.
// Usage: npm run docs:screenshot (uses Chromium from PLAYWRIGHT_CHROMIUM_PATH or /usr/bin/chromium)
import { chromium } from "@playwright/test";
import { people } from "../tests/support/client.js";
import { startTestServer } from "../tests/support/server.js";

const server = await startTestServer("pglite");
try {
  const [alice, bob, carol] = await people(server.url, "alice", "bob", "carol");
  const room = await alice!.createRoom("launch-week", { topic: "Shipping Parley 1.0 on Friday" });
  for (const v of [bob!, carol!]) await v.joinRoom(room);
  const lines: Array<[typeof alice, string]> = [
    [alice, "Morning! Release notes draft is up: https://example.org/notes"],
    [bob, "Read it. Two small things:\n– the upgrade section needs the DATABASE_URL example\n– screenshots are from the old theme"],
    [carol, "I can redo the screenshots after lunch."],
    [alice, "Perfect, thank you both!"],
  ];
  for (const [who, body] of lines) {
    await who!.openRoom(room);
    await who!.post(`/rooms/${room}/messages`, { body });
  }

  const browser = await chromium.launch({
    executablePath: process.env.PLAYWRIGHT_CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
  });
  const context = await browser.newContext({ viewport: { width: 1200, height: 700 }, colorScheme: "light" });
  const [name, value] = bob!.cookie.split("=") as [string, string];
  await context.addCookies([{ name, value, url: server.url }]);
  const page = await context.newPage();
  await page.goto(`${server.url}/rooms/${room}`);
  await page.getByLabel(/^Message #/).fill("Sounds good — see you at the demo");
  await page.screenshot({ path: "docs/screenshot.png" });
  await browser.close();
} finally {
  await server.stop();
}
