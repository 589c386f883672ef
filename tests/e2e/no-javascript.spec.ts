import { makeImage } from "../support/media.js";
import { administrator, useJoinLink, Visitor } from "../support/client.js";
import { displayNameOf, expect, logIn, PASSWORD, person, test, unique } from "./fixtures.js";

test("without JavaScript, Bob logs in, reads a room and posts with the Send button", async ({ browser, server }) => {
  // Beforehand, over plain HTTP: Alice has a room with a message in it, and Bob has an account.
  const aliceName = unique("alice");
  const bobName = unique("bob");
  const roomName = unique("nojs");
  const alice = new Visitor(server.url);
  expect((await alice.signUp(aliceName)).status).toBe(303);
  const roomId = await alice.createRoom(roomName);
  await alice.openRoom(roomId);
  expect((await alice.post(`/rooms/${roomId}/messages`, { body: "Welcome, plain HTML still works here." })).status).toBe(303);
  expect((await new Visitor(server.url).signUp(bobName)).status).toBe(303);

  const context = await person(browser, server, { javaScriptEnabled: false });
  const page = await context.newPage();
  await logIn(page, bobName);

  // Bob finds the room and joins it with the form's button.
  await page.getByRole("link", { name: "Browse public rooms" }).click();
  await page.getByRole("button", { name: `Join ${roomName}` }).click();
  await expect(page).toHaveURL(`/rooms/${roomId}`);
  await expect(page.getByRole("heading", { level: 1, name: roomName })).toBeVisible();

  // He reads what is already there.
  const log = page.getByRole("log", { name: `Messages in ${roomName}` });
  await expect(log.getByRole("listitem")).toHaveCount(1);
  await expect(log.getByRole("listitem").first()).toContainText(displayNameOf(aliceName));
  await expect(log.getByRole("listitem").first()).toContainText("Welcome, plain HTML still works here.");
  // The script really did not run: the keyboard hint it reveals stays hidden.
  await expect(page.getByText("Enter sends, Shift+Enter starts a new line.")).toBeHidden();

  // He posts through the form; the browser follows the redirect back to the room.
  const composer = page.getByRole("textbox", { name: `Message #${roomName}`, exact: true });
  await composer.fill("Hello from a browser without scripts");
  await page.getByRole("button", { name: "Send", exact: true }).click();
  await expect(page).toHaveURL(`/rooms/${roomId}#composer`);
  await expect(page.getByRole("heading", { level: 1, name: roomName })).toBeVisible();
  await expect(log.getByRole("listitem")).toHaveCount(2);
  await expect(log.getByRole("listitem").nth(1)).toContainText(displayNameOf(bobName));
  await expect(log.getByRole("listitem").nth(1)).toContainText("Hello from a browser without scripts");
  await expect(composer).toHaveValue("");

  // Formatting is the server's: the help opens without script, and a formatted message shows formatted.
  await page.locator("summary.help-button").click();
  await expect(page.locator(".composer-help-panel")).toContainText("**bold**");
  await composer.fill("**Bold** and `code`, not <b>markup</b>");
  await page.getByRole("button", { name: "Send", exact: true }).click();
  await expect(page).toHaveURL(`/rooms/${roomId}#composer`);
  const formatted = log.getByRole("listitem").nth(2);
  await expect(formatted.locator("strong")).toHaveText("Bold");
  await expect(formatted.locator("code")).toHaveText("code");
  await expect(formatted.locator("b")).toHaveCount(0);
  await expect(formatted).toContainText("not <b>markup</b>");

  // An empty message (no text, no file) comes back from the server with the error by the field.
  await page.getByRole("button", { name: "Send", exact: true }).click();
  await expect(page.getByText("Write a message first.")).toBeVisible();
  await expect(composer).toHaveAttribute("aria-invalid", "true");
  await expect(log.getByRole("listitem")).toHaveCount(3);

  // A picture goes up as a plain multipart form; the room comes back with it inline.
  await page
    .getByLabel("Attach images or videos")
    .setInputFiles({ name: "sunset.png", mimeType: "image/png", buffer: await makeImage("png", 120, 80) });
  await composer.fill("A caption without scripts");
  // Its description goes in the same form: one field, for one image.
  await page.getByText("Description", { exact: true }).click();
  await page.getByLabel("Description of the image (alt text)").fill("The sun setting over a calm sea");
  await page.getByRole("button", { name: "Send", exact: true }).click();
  await expect(page).toHaveURL(`/rooms/${roomId}#composer`);
  const picture = log.getByRole("listitem").filter({ hasText: "A caption without scripts" });
  await expect(picture.getByRole("link", { name: "The sun setting over a calm sea" })).toBeVisible();
  await expect(picture.getByRole("img", { name: "The sun setting over a calm sea" })).toHaveJSProperty("naturalWidth", 120);

  // Alice answers meanwhile; without a live connection, Bob asks for what is new.
  await alice.openRoom(roomId);
  expect((await alice.post(`/rooms/${roomId}/messages`, { body: "Glad it works for you" })).status).toBe(303);
  await expect(log.getByText("Glad it works for you")).toHaveCount(0);
  await page.getByRole("link", { name: "Check for new messages" }).click();
  await expect(log.getByRole("listitem").last()).toContainText("Glad it works for you");

  await context.close();
});

test("without JavaScript, the administrator makes a new join link and a newcomer signs up with it", async ({ browser, server }) => {
  // The worker's server has its administrator once anyone has signed up.
  await new Visitor(server.url).signUp(unique("someone"));
  const adminContext = await person(browser, server, { javaScriptEnabled: false });
  await adminContext.addCookies((await administrator(server.url)).cookieList().map((c) => ({ ...c, url: server.url })));
  const admin = await adminContext.newPage();
  await admin.goto("/rooms");
  await admin.getByRole("link", { name: "Administration" }).click();
  const old = await admin.getByRole("textbox", { name: "Join link" }).inputValue();
  await admin.getByRole("button", { name: "Make a new join link" }).click();
  await expect(admin.getByRole("status")).toHaveText("A new join link is ready. The old one no longer works.");
  const link = await admin.getByRole("textbox", { name: "Join link" }).inputValue();
  expect(link).not.toBe(old);
  useJoinLink(server.url, link);

  const newcomerName = unique("newcomer");
  const context = await person(browser, server, { javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(old);
  await expect(page.getByRole("heading", { level: 1, name: "Join link not valid" })).toBeVisible();
  await page.goto(link);
  await page.getByLabel("Username").fill(newcomerName);
  await page.getByLabel("Display name").fill(displayNameOf(newcomerName));
  await page.getByLabel("Password").fill("password");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("This is a heavily used password.")).toBeVisible();
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText(`Signed in as ${displayNameOf(newcomerName)}`)).toBeVisible();
  await expect(page.getByRole("link", { name: "Administration" })).toHaveCount(0);
  await context.close();
  await adminContext.close();
});
