// Makes docs/screenshot.png and docs/screenshot-phone.png, the pictures in README: a room with a
// short conversation, on a laptop and on a phone.
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
  const screens = [
    { path: "docs/screenshot.png", options: { viewport: { width: 1200, height: 700 } } },
    { path: "docs/screenshot-phone.png", options: { viewport: { width: 390, height: 760 }, isMobile: true, hasTouch: true } },
  ];
  for (const { path, options } of screens) {
    const context = await browser.newContext({ ...options, colorScheme: "light" });
    await context.addCookies(bob!.cookieList().map((cookie) => ({ ...cookie, url: server.url })));
    const page = await context.newPage();
    await page.goto(`${server.url}/rooms/${room}`);
    await page.getByLabel(/^Message #/).fill("Sounds good — see you at the demo");
    await page.screenshot({ path });
    await context.close();
  }
  await browser.close();
} finally {
  await server.stop();
}
