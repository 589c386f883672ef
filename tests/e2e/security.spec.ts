import type { BrowserGlobals } from "./browser.js";
import {
  collectCspViolations,
  createRoom,
  expect,
  person,
  signUp,
  test,
  unique,
  waitForLiveConnection,
  watchLiveConnection,
} from "./fixtures.js";

test("htmx, its WebSocket extension and app.js all run under the CSP without a single violation", async ({ browser, server }) => {
  const page = await (await person(browser, server)).newPage();
  const violations = await collectCspViolations(page);
  const dialogs: string[] = [];
  page.on("dialog", (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await watchLiveConnection(page);

  // The policy the browser actually received.
  const response = await page.goto("/login");
  const csp = (await response!.allHeaders())["content-security-policy"] ?? "";
  const directives = new Map(
    csp
      .split(";")
      .map((d) => d.trim().split(/\s+/))
      .map(([name, ...values]) => [name, values]),
  );
  expect(directives.get("script-src")).toEqual(["'self'"]);
  expect(directives.get("style-src")).toEqual(["'self'"]);
  expect(directives.get("connect-src")).toEqual(["'self'"]);
  expect(csp).not.toContain("unsafe-");

  await signUp(page, unique("sec"));
  const roomName = unique("csp");
  const roomPath = await createRoom(page, roomName);
  await page.goto("/rooms");
  await page.goto(roomPath);

  // htmx is loaded and configured from the meta tag: no eval, no script tags from responses.
  const config = await page.evaluate(() => {
    const { htmx } = globalThis as unknown as BrowserGlobals;
    return htmx && { allowEval: htmx.config.allowEval, allowScriptTags: htmx.config.allowScriptTags };
  });
  expect(config).toEqual({ allowEval: false, allowScriptTags: false });
  // app.js ran (it reveals the hint), and the WebSocket extension connected.
  await expect(page.getByText("Enter sends, Shift+Enter starts a new line.")).toBeVisible();
  await waitForLiveConnection(page);

  // A message goes out through hx-post and comes back over the socket as an out-of-band swap;
  // markup in it stays text and runs nothing.
  const composer = page.getByRole("textbox", { name: `Message #${roomName}`, exact: true });
  const hostile = `<img src=x onerror="alert('img')"><script>alert('script')</script> <b>bold?</b>`;
  await composer.fill(hostile);
  await composer.press("Enter");
  const log = page.getByRole("log", { name: `Messages in ${roomName}` });
  await expect(log.getByRole("listitem")).toHaveCount(1);
  await expect(log.getByRole("listitem").first()).toContainText(hostile);
  await expect(log.locator("img, script, b")).toHaveCount(0);
  await expect(composer).toHaveValue("");

  // And the same after a full page load, where the message comes from the server-rendered page.
  await page.reload();
  await expect(log.getByRole("listitem").first()).toContainText(hostile);
  await expect(log.locator("img, script, b")).toHaveCount(0);
  await waitForLiveConnection(page);

  expect(violations, `CSP violations:\n${violations.join("\n")}`).toEqual([]);
  expect(dialogs).toEqual([]);
  await page.context().close();
});

test("the CSP watcher above is not blind: an inline script is refused and reported", async ({ browser, server }) => {
  const page = await (await person(browser, server)).newPage();
  const violations = await collectCspViolations(page);
  await page.goto("/login");
  await page.evaluate(() => {
    const { document } = globalThis as unknown as BrowserGlobals;
    const script = document.createElement("script");
    script.textContent = "document.title = 'injected'";
    document.body.append(script);
  });
  // Both channels report it: the console error and the securitypolicyviolation event.
  await expect.poll(() => violations.some((v) => v.startsWith("console.") && v.includes("script-src"))).toBe(true);
  await expect.poll(() => violations.some((v) => v.startsWith("securitypolicyviolation: script-src"))).toBe(true);
  await expect(page).not.toHaveTitle("injected");
  await page.context().close();
});
