import { makeImage } from "../support/media.js";
import { Visitor } from "../support/client.js";
import { displayNameOf, expect, logIn, person, test, unique } from "./fixtures.js";

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

  // An empty message (no text, no file) comes back from the server with the error by the field.
  await page.getByRole("button", { name: "Send", exact: true }).click();
  await expect(page.getByText("Write a message first.")).toBeVisible();
  await expect(composer).toHaveAttribute("aria-invalid", "true");
  await expect(log.getByRole("listitem")).toHaveCount(2);

  // A picture goes up as a plain multipart form; the room comes back with it inline.
  await page.getByLabel("Attach images or videos").setInputFiles({ name: "sunset.png", mimeType: "image/png", buffer: await makeImage("png", 120, 80) });
  await composer.fill("A caption without scripts");
  await page.getByRole("button", { name: "Send", exact: true }).click();
  await expect(page).toHaveURL(`/rooms/${roomId}#composer`);
  const picture = log.getByRole("listitem").filter({ hasText: "A caption without scripts" });
  await expect(picture.getByRole("link", { name: "Image, no description" })).toBeVisible();
  await expect(picture.getByRole("img", { name: "Image, no description" })).toHaveJSProperty("naturalWidth", 120);

  await context.close();
});
