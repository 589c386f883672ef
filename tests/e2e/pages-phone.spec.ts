import type { Browser, BrowserContextOptions, Locator, Page } from "@playwright/test";
import { Visitor } from "../support/client.js";
import type { TestServer } from "../support/server.js";
import { expectNoAxeViolations } from "./axe.js";
import { expect, test, unique } from "./fixtures.js";
import {
  browserOf,
  expectNoSidewaysScrolling,
  expectTargetsAtLeast24px,
  laptop,
  narrow,
  phone,
  tablet,
  unobstructed,
  zoom200,
  zoom400,
  type PageNode,
  type PageWindow,
  type Screen,
} from "./screens.js";

// The pages other than a room's, on phones, a tablet, a laptop and that laptop zoomed to 200% and 400%:
// each scrolls as a page, with its heading and first content on the first screen. At 400% (320×200)
// a screen holds the heading and little else; the rest is a scroll of the page away.
const screens: Array<Screen & { headingOnly?: true }> = [narrow, phone, tablet, laptop, zoom200, { ...zoom400, headingOnly: true }];

/** A page to check: where it is, its heading, and the first and last of its content. */
interface Subject {
  name: string;
  path: string;
  heading: string;
  first(main: Locator): Locator;
  last(main: Locator): Locator;
}

const subjects: Subject[] = [
  {
    name: "People",
    path: "/people",
    heading: "People",
    first: (main) => main.getByRole("listitem").first(),
    last: (main) => main.getByRole("listitem").last(),
  },
  {
    name: "Settings",
    path: "/settings",
    heading: "Settings",
    first: (main) => main.getByRole("radio").first(),
    last: (main) => main.getByRole("button", { name: "Save settings" }),
  },
  {
    name: "Unread",
    path: "/unread",
    heading: "Unread",
    first: (main) => main.getByRole("heading", { level: 2 }).first(),
    last: (main) => main.getByRole("listitem").last(),
  },
  {
    name: "Browse public rooms",
    path: "/rooms",
    heading: "Public rooms",
    first: (main) => main.getByRole("listitem").first(),
    last: (main) => main.getByRole("listitem").last(),
  },
];

test.describe.configure({ mode: "parallel" });

// Enough people and public rooms that the People and Browse lists run past the first screen even on a laptop.
test.beforeAll(async ({ server }) => {
  const crowd = [];
  for (let i = 0; i < 16; i++) {
    const visitor = new Visitor(server.url);
    await visitor.signUp(unique("crowd"));
    crowd.push(visitor);
  }
  for (const visitor of crowd.slice(0, 12)) await visitor.createRoom(unique("crowded"), { topic: "One of many" });
});

/** A reader with unread messages in a room of their own; their browser, not yet on any page. */
async function reader(browser: Browser, server: TestServer, options: BrowserContextOptions, javaScriptEnabled: boolean): Promise<Page> {
  const writer = new Visitor(server.url);
  await writer.signUp(unique("writer"));
  const roomId = await writer.createRoom(unique("pages"), { topic: "Pages that scroll as pages" });
  const visitor = new Visitor(server.url);
  await visitor.signUp(unique("reader"));
  await visitor.joinRoom(roomId);
  for (let i = 1; i <= 12; i++) await writer.post(`/rooms/${roomId}/messages`, { body: `Unread message ${i} of twelve` });
  return browserOf(browser, server, visitor, options, javaScriptEnabled);
}

/** Whether the box lies wholly on the screen as it is now. */
function onScreen(
  box: { x: number; y: number; width: number; height: number } | null,
  { width, height }: { width: number; height: number },
) {
  return box !== null && box.x >= 0 && box.y >= 0 && box.x + box.width <= width && box.y + box.height <= height;
}

/** The element's scrolling ancestors (up to body) that hold more than they show: boxes scrolling inside the page. */
function innerScrollBoxes(target: Locator): Promise<string[]> {
  return target.evaluate((node: unknown) => {
    const w = globalThis as unknown as PageWindow;
    const boxes: string[] = [];
    for (let e = (node as PageNode).parentElement; e; e = e === w.document.body ? null : e.parentElement) {
      const { overflowY } = w.getComputedStyle(e);
      if ((overflowY === "auto" || overflowY === "scroll") && e.clientHeight < e.scrollHeight) {
        boxes.push(`${e.tagName} ${e.clientHeight} px showing ${e.scrollHeight} px`);
      }
    }
    return boxes;
  });
}

/**
 * Scrolls the document, and only the document, to put the element in the middle of the screen; returns
 * how tall the document is and the element's box afterwards.
 */
async function scrollDocumentTo(page: Page, target: Locator) {
  const documentHeight = await target.evaluate((node: unknown) => {
    const { document, innerHeight } = globalThis as unknown as PageWindow;
    const box = (node as PageNode).getBoundingClientRect();
    const scrolling = document.scrollingElement;
    scrolling.scrollTop += box.top + box.height / 2 - innerHeight / 2;
    return scrolling.scrollHeight;
  });
  return { documentHeight, box: await target.boundingBox() };
}

for (const subject of subjects) {
  for (const { name, options, headingOnly } of screens) {
    for (const javaScript of [true, false]) {
      test(`on ${name}${javaScript ? "" : ", without JavaScript"}, the ${subject.name} page scrolls as a page`, async ({
        browser,
        server,
      }) => {
        const page = await reader(browser, server, options, javaScript);
        const { viewport } = options;
        await page.goto(subject.path);
        const main = page.getByRole("main");
        const heading = main.getByRole("heading", { level: 1, name: subject.heading });
        const first = subject.first(main);
        const last = subject.last(main);

        // The first screen, before any scrolling: the heading, uncovered, and (unless the screen is
        // only a few lines high) the start of the content.
        expect.soft(onScreen(await heading.boundingBox(), viewport), "the heading is on the first screen").toBe(true);
        expect.soft(await unobstructed(page, "main h1"), "nothing covers the heading").toBe(true);
        if (!headingOnly) expect.soft(onScreen(await first.boundingBox(), viewport), "the content starts on the first screen").toBe(true);

        // The rest is there by scrolling the page, not a box inside it.
        expect.soft(await innerScrollBoxes(first), "boxes scrolling inside the page, around its first content").toEqual([]);
        expect.soft(await innerScrollBoxes(last), "boxes scrolling inside the page, around its last content").toEqual([]);
        for (const [which, target] of [
          ["first", first],
          ["last", last],
        ] as const) {
          const before = (await target.boundingBox())!;
          const bottom =
            before.y +
            before.height +
            (await page.evaluate(() => (globalThis as unknown as PageWindow).document.scrollingElement.scrollTop));
          const { documentHeight, box } = await scrollDocumentTo(page, target);
          expect.soft(documentHeight, `the document is as long as the content, to its ${which} part`).toBeGreaterThanOrEqual(bottom);
          expect.soft(onScreen(box, viewport), `scrolling the document brings the ${which} content on screen`).toBe(true);
        }

        await expectNoSidewaysScrolling(page);
        await expectTargetsAtLeast24px(page);

        // From md up, the sidebar stays to the left of the content, and its last control within reach.
        if (viewport.width >= 768) {
          const sidebar = page.getByRole("navigation", { name: "Rooms" });
          const [side, content] = [(await sidebar.boundingBox())!, (await heading.boundingBox())!];
          expect(side.x + side.width, "the sidebar is left of the content").toBeLessThanOrEqual(content.x);
          expect(await unobstructed(page, "#sidebar form[action='/logout'] button"), "Log out is not covered").toBe(true);
        }
      });
    }
  }
}

for (const javaScript of [true, false]) {
  test(`on a phone${javaScript ? "" : ", without JavaScript"}, the menu opens over the People page and closes again`, async ({
    browser,
    server,
  }) => {
    const page = await reader(browser, server, phone.options, javaScript);
    await page.goto("/people");
    const rooms = page.getByRole("navigation", { name: "Rooms" });
    await expect(rooms).toBeHidden();
    await page.getByRole("link", { name: "Rooms and menu" }).click();
    await expect(rooms).toBeVisible();
    expect(await unobstructed(page, "#sidebar .panel-close"), "the panel is on top").toBe(true);
    await rooms.getByRole("link", { name: "Close" }).click();
    await expect(rooms).toBeHidden();
    expect(await unobstructed(page, "main h1"), "the page is back").toBe(true);
  });
}

for (const subject of subjects) {
  for (const colorScheme of ["light", "dark"] as const) {
    test(`axe finds nothing on the ${subject.name} page at 320×640 (${colorScheme})`, async ({ browser, server }) => {
      const page = await reader(browser, server, { ...narrow.options, colorScheme }, true);
      await page.goto(subject.path);
      await expect(page.getByRole("heading", { level: 1, name: subject.heading })).toBeVisible();
      await expectNoAxeViolations(page);
    });
  }
}
