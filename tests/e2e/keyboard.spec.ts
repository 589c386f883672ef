import type { Page } from "@playwright/test";
import type { BrowserGlobals } from "./browser.js";
import { createRoom, expect, person, signUp, test, unique } from "./fixtures.js";

interface Focused {
  description: string;
  isSkipLink: boolean;
  isComposer: boolean;
  outlineStyle: string;
  outlineWidth: number;
}

async function focused(page: Page): Promise<Focused> {
  return page.evaluate(() => {
    const { document, getComputedStyle } = globalThis as unknown as BrowserGlobals;
    const el = document.activeElement;
    if (!el || el === document.body) {
      return { description: "(nothing)", isSkipLink: false, isComposer: false, outlineStyle: "none", outlineWidth: 0 };
    }
    const style = getComputedStyle(el);
    const name = el.getAttribute("aria-label") ?? el.textContent?.trim().replace(/\s+/g, " ").slice(0, 40) ?? "";
    return {
      description: `<${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""}> ${name}`,
      isSkipLink: el.classList.contains("skip-link"),
      isComposer: el.id === "composer-body",
      outlineStyle: style.outlineStyle,
      outlineWidth: parseFloat(style.outlineWidth),
    };
  });
}

test("keyboard: skip link first, then main; every stop up to the composer shows a focus ring", async ({ browser, server }) => {
  const page = await (await person(browser, server)).newPage();
  const roomName = unique("keys");
  await signUp(page, unique("kim"));
  const roomPath = await createRoom(page, roomName, "Keyboard only");
  await page.goto(roomPath);

  // The first Tab stop is the skip link, and it becomes visible when focused.
  await page.keyboard.press("Tab");
  const skipLink = page.getByRole("link", { name: "Skip to main content" });
  await expect(skipLink).toBeFocused();
  const box = await skipLink.boundingBox();
  expect(box?.width ?? 0).toBeGreaterThan(50);
  expect(box?.height ?? 0).toBeGreaterThan(10);
  expect((await focused(page)).outlineStyle).not.toBe("none");

  // Following it puts focus on main, so the next Tab lands inside main rather than in the sidebar.
  await page.keyboard.press("Enter");
  await expect(page.getByRole("main")).toBeFocused();
  await page.keyboard.press("Tab");
  await expect(page.getByRole("button", { name: "Leave room" })).toBeFocused();

  // Onwards by Tab until the composer: each stop must show where focus is.
  const stops: Focused[] = [await focused(page)];
  while (!stops.at(-1)!.isComposer && stops.length < 30) {
    await page.keyboard.press("Tab");
    stops.push(await focused(page));
  }
  const path = stops.map((s) => `${s.description} [outline: ${s.outlineStyle} ${s.outlineWidth}px]`).join("\n");
  expect(stops.at(-1)!.isComposer, `never reached the composer; Tab went through:\n${path}`).toBe(true);
  await expect(page.getByRole("textbox", { name: `Message #${roomName}`, exact: true })).toBeFocused();
  for (const stop of stops) {
    expect(stop.outlineStyle, `no visible focus on ${stop.description}; Tab went through:\n${path}`).not.toBe("none");
    expect(stop.outlineWidth, `focus outline too thin on ${stop.description}`).toBeGreaterThanOrEqual(2);
  }

  // The composer's Send button is the next stop and shows focus too.
  await page.keyboard.press("Tab");
  await expect(page.getByRole("button", { name: "Send", exact: true })).toBeFocused();
  expect((await focused(page)).outlineStyle).not.toBe("none");

  await page.context().close();
});
