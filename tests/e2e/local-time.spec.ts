import { Visitor } from "../support/client.js";
import { expect, logIn, person, test, unique } from "./fixtures.js";

test("message times show in the reader's time zone, with UTC as the no-script fallback", async ({ browser, server }) => {
  const name = unique("tz");
  const writer = new Visitor(server.url);
  await writer.signUp(name);
  const roomId = await writer.createRoom(unique("times"));
  await writer.openRoom(roomId);
  await writer.post(`/rooms/${roomId}/messages`, { body: "what time is it?" });

  for (const [javaScriptEnabled, timezoneId] of [
    [true, "Asia/Kolkata"],
    [false, "Asia/Kolkata"],
  ] as const) {
    const context = await person(browser, server, { javaScriptEnabled, timezoneId, locale: "en-GB" });
    const page = await context.newPage();
    await logIn(page, name);
    await page.goto(`/rooms/${roomId}`);
    const time = page.getByRole("log").locator("time[data-local-time]").first();
    const iso = await time.getAttribute("datetime");
    const utc = new Date(iso!);
    // Kolkata is UTC+05:30 all year, so the expected local time needs no time-zone database.
    const local = new Date(utc.getTime() + 330 * 60_000);
    const hhmm = (d: Date) => `${String(d.getUTCHours()).padStart(2, "0")}:${String(d.getUTCMinutes()).padStart(2, "0")}`;
    await expect(time).toHaveText(javaScriptEnabled ? hhmm(local) : `${hhmm(utc)} UTC`);
    await context.close();
  }
});
