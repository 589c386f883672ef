import type { Page } from "@playwright/test";
import { eq } from "drizzle-orm";
import { pushSubscriptions, users } from "../../src/db/schema.js";
import { expectNoAxeViolations } from "./axe.js";
import { collectCspViolations, expect, person, signUp, test, unique } from "./fixtures.js";

// Chromium here cannot reach a real push service, so pushManager.subscribe() fails (or never
// answers) in this browser: subscribing and sending end to end are tested in
// tests/integration/push.test.ts, against a local push endpoint that verifies VAPID and decrypts
// the payload. Here: the worker is registered from Settings' button, under the CSP, and the states.

interface WorkerGlobals {
  navigator: {
    serviceWorker: { getRegistration(scope: string): Promise<{ active: { scriptURL: string; state: string } | null } | undefined> };
  };
}

/** The script URL of the active service worker for the whole site, if any. */
const activeWorker = (page: Page) =>
  page.evaluate(async () => {
    const registration = await (globalThis as unknown as WorkerGlobals).navigator.serviceWorker.getRegistration("/");
    return registration?.active?.scriptURL ?? null;
  });

test("Notify me on this device registers the service worker under the CSP, only when pressed", async ({ browser, server }) => {
  const context = await person(browser, server);
  await context.grantPermissions(["notifications"]);
  const page = await context.newPage();
  const violations = await collectCspViolations(page);
  const username = unique("push");
  await signUp(page, username);
  await page.goto("/settings");
  // The visible page says so over its socket (js/visibility.js): its person is looking for 60 s.
  const lookingUntil = async () =>
    (await server.deps.db.select({ at: users.lookingUntil }).from(users).where(eq(users.username, username)))[0]?.at?.getTime() ?? 0;
  await expect.poll(lookingUntil).toBeGreaterThan(Date.now() + 30_000);
  const section = page.getByRole("region", { name: "Notifications on this device" });
  await expect(section.getByText("needs JavaScript")).toHaveCount(0);
  const button = section.getByRole("button", { name: "Notify me on this device" });
  await expect(button).toBeVisible();
  expect(await activeWorker(page)).toBeNull();

  await button.click();
  await expect.poll(() => activeWorker(page), { timeout: 10_000 }).toMatch(/\/service-worker\.js\?icon=%2Fassets%2F/);
  // Subscribing then fails here (see above) and says so; with a push service it says "on".
  await expect(section.getByRole("status").filter({ hasText: /Notifications (are on|could not be turned on)/ })).toBeVisible({
    timeout: 15_000,
  });

  const response = await page.request.get("/service-worker.js");
  expect(response.headers()["content-type"]).toMatch(/^text\/javascript/);
  expect(response.headers()["cache-control"]).toBe("no-cache");
  expect(response.headers()["service-worker-allowed"]).toBe("/");
  expect(violations, `CSP violations:\n${violations.join("\n")}`).toEqual([]);
  await context.close();
});

test("a browser that blocks notifications is told how to allow them", async ({ browser, server }) => {
  // No permission granted: headless Chromium answers the request with "denied".
  const context = await person(browser, server);
  const page = await context.newPage();
  await signUp(page, unique("blocked"));
  await page.goto("/settings");
  const section = page.getByRole("region", { name: "Notifications on this device" });
  await section.getByRole("button", { name: "Notify me on this device" }).click();
  await expect(section.getByRole("status").filter({ hasText: "blocked in your browser" })).toContainText("set Notifications to Allow");
  expect(await activeWorker(page)).toBeNull();
  // Reloaded: the state is known at once, and there is no button to press in vain.
  await page.reload();
  await expect(section.getByRole("status").filter({ hasText: "blocked in your browser" })).toBeVisible();
  await expect(section.getByRole("button", { name: "Notify me on this device" })).toBeHidden();
  await context.close();
});

for (const colorScheme of ["light", "dark"] as const) {
  test(`Settings with a device listed has no axe violations (${colorScheme})`, async ({ browser, server }) => {
    const context = await person(browser, server, { colorScheme });
    const page = await context.newPage();
    const username = unique("axe");
    await signUp(page, username);
    const [user] = await server.deps.db.select({ id: users.id }).from(users).where(eq(users.username, username));
    await server.deps.db.insert(pushSubscriptions).values({
      userId: user!.id,
      endpoint: `https://push.example/${username}`,
      p256dh: "BAAA",
      auth: "AAAA",
      label: "Firefox on Android",
    });
    await page.goto("/settings");
    await expect(page.getByRole("button", { name: /^Remove Firefox on Android/ })).toBeVisible();
    await expect(page.getByRole("button", { name: "Notify me on this device" })).toBeVisible();
    await expectNoAxeViolations(page);
    await page.getByRole("button", { name: "Send a test notification" }).click();
    await expect(page.getByRole("status").filter({ hasText: "A test notification is on its way to your device." })).toBeVisible();
    await expectNoAxeViolations(page);
    await context.close();
  });
}
