import { Visitor } from "../support/client.js";
import { hasFfmpeg, makeImage, makeNoisyPng, makeVideo } from "../support/media.js";
import { expect, logIn, person, test, unique, waitForLiveConnection, watchLiveConnection } from "./fixtures.js";

/** Alice and Bob in a room of their own; each logged in in their own browser, on the room page. */
async function twoInARoom(browser: Parameters<typeof person>[0], server: Parameters<typeof person>[1]) {
  const [aliceName, bobName] = [unique("alice"), unique("bob")];
  const aliceHttp = new Visitor(server.url);
  await aliceHttp.signUp(aliceName);
  const roomId = await aliceHttp.createRoom(unique("pictures"));
  const bobHttp = new Visitor(server.url);
  await bobHttp.signUp(bobName);
  await bobHttp.joinRoom(roomId);
  const pages = [];
  for (const name of [aliceName, bobName]) {
    const page = await (await person(browser, server)).newPage();
    await watchLiveConnection(page);
    await logIn(page, name);
    await page.goto(`/rooms/${roomId}`);
    await waitForLiveConnection(page);
    pages.push(page);
  }
  return { alice: pages[0]!, bob: pages[1]!, roomId };
}

test("Alice attaches an image with a description; Bob sees it live with that description", async ({ browser, server }) => {
  const { alice, bob } = await twoInARoom(browser, server);
  await alice
    .getByLabel("Attach images or videos")
    .setInputFiles({ name: "harbour.png", mimeType: "image/png", buffer: await makeImage("png", 640, 480) });
  await alice.getByLabel("Description of harbour.png (alt text)").fill("Boats in a small harbour at dusk");
  await alice.getByRole("textbox", { name: /^Message #/ }).fill("Look at this");
  await alice.getByRole("button", { name: "Send", exact: true }).click();

  const message = bob.getByRole("log").getByRole("listitem").filter({ hasText: "Look at this" });
  const image = message.getByRole("img", { name: "Boats in a small harbour at dusk" });
  await expect(image).toBeVisible();
  await expect(image).toHaveAttribute("width", "384");
  await expect(image).toHaveAttribute("height", "288");
  await expect(image).toHaveJSProperty("complete", true);
  // Activating it (by keyboard too) opens the full-size image.
  await message.getByRole("link", { name: "Boats in a small harbour at dusk" }).focus();
  await bob.keyboard.press("Enter");
  await expect(bob).toHaveURL(/\/files\/\d+$/);
  // Alice's composer is empty again, previews and all.
  await expect(alice.getByRole("textbox", { name: /^Message #/ })).toHaveValue("");
  await expect(alice.locator("#composer-previews li")).toHaveCount(0);
});

test("a refused file says why, by the composer, and keeps the text", async ({ browser, server }) => {
  const { alice } = await twoInARoom(browser, server);
  await alice
    .getByLabel("Attach images or videos")
    .setInputFiles({ name: "notes.txt", mimeType: "image/png", buffer: Buffer.from("not a picture") });
  const composer = alice.getByRole("textbox", { name: /^Message #/ });
  await composer.fill("my notes");
  await alice.getByRole("button", { name: "Send", exact: true }).click();
  await expect(alice.locator("#composer-error")).toHaveText(/“notes\.txt” is not a supported image or video \(JPEG, PNG/);
  await expect(composer).toHaveValue("my notes");
  await expect(composer).toHaveAttribute("aria-invalid", "true");
  await expect(composer).toBeFocused();
});

test("a large upload shows its progress in a <progress> bar and can be cancelled", async ({ browser, server }) => {
  const { alice } = await twoInARoom(browser, server);
  // Slow Alice's uplink so that the upload takes a few seconds.
  const cdp = await alice.context().newCDPSession(alice);
  await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 256 * 1024 });
  await alice
    .getByLabel("Attach images or videos")
    .setInputFiles({ name: "big.png", mimeType: "image/png", buffer: await makeNoisyPng(900, 700) });
  await alice.getByRole("textbox", { name: /^Message #/ }).fill("a big one");
  await alice.getByRole("button", { name: "Send", exact: true }).click();

  const progress = alice.getByRole("progressbar", { name: "Uploading" });
  await expect(progress).toBeVisible();
  await expect.poll(() => progress.evaluate((el) => (el as unknown as { value: number }).value), { timeout: 10_000 }).toBeGreaterThan(0);
  await alice.getByRole("button", { name: "Cancel upload" }).click();
  await expect(alice.getByText("Upload cancelled. Your files and text are still here.")).toBeVisible();
  await expect(progress).toBeHidden();
  await expect(alice.getByRole("textbox", { name: /^Message #/ })).toHaveValue("a big one");
  await expect(alice.locator("#composer-previews li")).toHaveCount(1);
  await expect(alice.getByRole("log").getByRole("listitem").filter({ hasText: "a big one" })).toHaveCount(0);
});

test("a video plays inline and seeks (with a Range request)", async ({ browser, server }) => {
  test.skip(!(await hasFfmpeg()) && process.env.REQUIRE_FFMPEG !== "1", "ffmpeg is not installed: the test clip cannot be made");
  const { alice, bob } = await twoInARoom(browser, server);
  await alice
    .getByLabel("Attach images or videos")
    .setInputFiles({ name: "clip.webm", mimeType: "video/webm", buffer: await makeVideo("webm", 5) });
  await alice.getByRole("textbox", { name: /^Message #/ }).fill("a clip");
  await alice.getByRole("button", { name: "Send", exact: true }).click();

  const ranges: number[] = [];
  bob.on("response", (response) => {
    if (/\/files\/\d+$/.test(new URL(response.url()).pathname)) ranges.push(response.status());
  });
  const video = bob.getByRole("log").getByRole("listitem").filter({ hasText: "a clip" }).locator("video");
  await expect(video).toHaveAttribute("controls", "");
  await expect(video).toHaveAttribute("preload", "metadata");
  await expect(video).toHaveAttribute("poster", /\/files\/\d+\/poster$/);
  await video.evaluate((el) => {
    const v = el as unknown as { muted: boolean; play(): Promise<void> };
    v.muted = true;
    return v.play();
  });
  await expect.poll(() => video.evaluate((el) => (el as unknown as { currentTime: number }).currentTime)).toBeGreaterThan(0.2);
  const seekedTo = await video.evaluate(
    (el) =>
      new Promise<number>((resolve) => {
        const v = el as unknown as { currentTime: number; pause(): void; addEventListener(e: string, f: () => void, o: object): void };
        v.pause();
        v.addEventListener("seeked", () => resolve(v.currentTime), { once: true });
        v.currentTime = 4;
      }),
  );
  expect(seekedTo).toBeCloseTo(4, 0);
  expect(ranges).toContain(206);
});

test("an image pasted into the composer or dropped onto the room is attached, each with its description field", async ({
  browser,
  server,
}) => {
  const { alice, bob } = await twoInARoom(browser, server);
  const png = (await makeImage("png", 60, 40)).toString("base64");
  const composer = alice.getByRole("textbox", { name: /^Message #/ });
  await composer.focus();
  // What the browser gives a page for a paste or a drop of files: a DataTransfer holding them.
  for (const [kind, name] of [
    ["paste", "pasted.png"],
    ["drop", "dropped.png"],
  ] as const) {
    await alice.evaluate(
      ({ kind, name, png }) => {
        const w = globalThis as unknown as {
          DataTransfer: new () => { items: { add(f: unknown): void } };
          File: new (parts: unknown[], name: string, o: object) => unknown;
          Uint8Array: { from(s: string, f: (c: string) => number): unknown };
          atob(s: string): string;
          ClipboardEvent: new (t: string, o: object) => unknown;
          DragEvent: new (t: string, o: object) => unknown;
          document: { activeElement: { dispatchEvent(e: unknown): void }; querySelector(s: string): { dispatchEvent(e: unknown): void } };
        };
        const data = new w.DataTransfer();
        data.items.add(new w.File([w.Uint8Array.from(w.atob(png), (c) => c.charCodeAt(0))], name, { type: "image/png" }));
        const init = { bubbles: true, cancelable: true };
        if (kind === "paste") w.document.activeElement.dispatchEvent(new w.ClipboardEvent("paste", { ...init, clipboardData: data }));
        else w.document.querySelector("#messages").dispatchEvent(new w.DragEvent("drop", { ...init, dataTransfer: data }));
      },
      { kind, name, png },
    );
  }
  // Each preview shows the file itself (from a blob: URL, which the CSP allows for images and media).
  const previews = alice.locator(".composer-preview img");
  await expect(previews).toHaveCount(2);
  await expect
    .poll(() => previews.evaluateAll((images) => images.map((i) => (i as unknown as { naturalWidth: number }).naturalWidth)))
    .toEqual([60, 60]);
  await alice.getByLabel("Description of pasted.png (alt text)").fill("A pasted picture");
  await alice.getByLabel("Description of dropped.png (alt text)").fill("A dropped picture");
  await composer.fill("two ways in");
  await alice.getByRole("button", { name: "Send", exact: true }).click();
  const message = bob.getByRole("log").getByRole("listitem").filter({ hasText: "two ways in" }).first();
  await expect(message.getByRole("img", { name: "A pasted picture" })).toBeVisible();
  await expect(message.getByRole("img", { name: "A dropped picture" })).toBeVisible();
});
