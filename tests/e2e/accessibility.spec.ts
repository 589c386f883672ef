import type { Browser, BrowserContextOptions, Locator, Page } from "@playwright/test";
import { expectNoAxeViolations } from "./axe.js";
import { administrator, joinLinkOf, useJoinLink, Visitor } from "../support/client.js";
import type { TestServer } from "../support/server.js";
import type { BrowserGlobals } from "./browser.js";
import { makeImage } from "../support/media.js";
import { displayNameOf, expect, person, test, unique } from "./fixtures.js";
import { phone, zoom400 } from "./screens.js";

// These pages only read the shared data, so both workers may share the file (beforeAll runs in each).
test.describe.configure({ mode: "parallel" });

// Shared by every test below: one person with a public room full of messages and a private room.
let cookies: Array<{ name: string; value: string }>;
let adminCookies: Array<{ name: string; value: string }>;
let publicRoom: number;
let privateRoom: number;
let conversation: number;
let everyKind: number;
let kindsMessages: { formatted: number; edited: number };

test.beforeAll(async ({ server }) => {
  const owner = new Visitor(server.url);
  const username = unique("axe");
  await owner.signUp(username);
  const friend = new Visitor(server.url);
  const friendName = unique("friend");
  await friend.signUp(friendName);

  publicRoom = await owner.createRoom(unique("lobby"), { topic: "Everything about accessibility" });
  privateRoom = await owner.createRoom(unique("secret"), { private: "on" });
  await friend.get("/rooms");
  await friend.post(`/rooms/${publicRoom}/join`);
  await owner.openRoom(publicRoom);
  for (const body of ["Hello!", "Docs are at https://example.org/guide and mail me@example.org", "Line one\nline two"]) {
    expect((await owner.post(`/rooms/${publicRoom}/messages`, { body })).status).toBe(303);
  }
  await friend.openRoom(publicRoom);
  expect((await friend.post(`/rooms/${publicRoom}/messages`, { body: "Hi, glad to be here." })).status).toBe(303);

  // A direct conversation where the friend has answered, so has seen the owner's message.
  const friendId = new RegExp(`<label for="person-(\\d+)" class="flex-1">${displayNameOf(friendName)} `).exec(
    (await owner.get("/people")).html,
  )![1]!;
  conversation = Number(/\/rooms\/(\d+)$/.exec((await owner.post("/conversations", { with: friendId })).location!)![1]);
  await owner.openRoom(conversation);
  // Two pictures, one described and one not (which invites its author to describe it).
  const form = new FormData();
  form.set("_csrf", owner.csrf);
  form.set("body", "Two pictures");
  form.append("files", new Blob([await makeImage("png", 300, 200)]), "described.png");
  form.append("alt", "An orange rectangle");
  form.append("files", new Blob([await makeImage("jpeg", 200, 300)]), "undescribed.jpg");
  form.append("alt", "");
  const uploaded = await owner.request(`/rooms/${conversation}/messages`, {
    method: "POST",
    headers: { origin: owner.origin },
    body: form,
  });
  expect(uploaded.status).toBe(303);
  await owner.post(`/rooms/${conversation}/messages`, { body: "Just between us" });

  await friend.openRoom(conversation);
  await friend.post(`/rooms/${conversation}/messages`, { body: "Sure" });

  // A room with every kind of message: formatted, edited, a reply, reacted to, deleted.
  everyKind = await owner.createRoom(unique("kinds"));
  await friend.joinRoom(everyKind);
  await owner.openRoom(everyKind);
  const newest = async () =>
    Math.max(...[...(await owner.openRoom(everyKind)).html.matchAll(/<li id="message-(\d+)"/g)].map((m) => Number(m[1])));
  const say = async (who: Visitor, body: string, extra: Record<string, string> = {}) => {
    expect((await who.post(`/rooms/${everyKind}/messages`, { body, ...extra })).status).toBe(303);
    return newest();
  };
  const formatted = await say(
    owner,
    "**Bold**, *italic*, ~~gone~~ and `code`:\n```\nconst x = 1;\n```\n> quoted\n- one\n- two\n\n1. first\n2. second\n\nSee https://example.org",
  );
  await say(owner, "👍");
  const edited = await say(owner, "teh typo");
  expect((await owner.post(`/rooms/${everyKind}/messages/${edited}/edit`, { body: "the typo, fixed" })).status).toBe(303);
  await friend.openRoom(everyKind);
  await say(friend, "Answering the formatted one", { replyTo: String(formatted) });
  for (const [who, emoji] of [
    [friend, "🎉"],
    [owner, "🎉"],
    [friend, "ship it"],
  ] as const) {
    expect((await who.post(`/rooms/${everyKind}/messages/${formatted}/reactions`, { emoji })).status).toBe(303);
  }
  const doomed = await say(owner, "This one goes");
  await say(friend, "Answering the one that goes", { replyTo: String(doomed) });
  expect((await owner.post(`/rooms/${everyKind}/messages/${doomed}/delete`)).status).toBe(303);
  kindsMessages = { formatted, edited };

  cookies = owner.cookieList();
  adminCookies = (await administrator(server.url)).cookieList();
});

/** Every action in a message's toolbar lies within a screen `width` CSS px wide, none cut off at either edge. */
async function expectActionsOnScreen(message: Locator, width: number): Promise<void> {
  const actions = await message.locator(".message-action").all();
  expect(actions.length).toBeGreaterThanOrEqual(6);
  for (const action of actions) {
    const box = await action.boundingBox();
    const name = await action.innerText();
    expect(box && box.x >= 0 && box.x + box.width <= width, `${name} at ${box?.x}–${box && box.x + box.width} px`).toBe(true);
  }
}

for (const colorScheme of ["light", "dark"] as const) {
  test.describe(`${colorScheme} mode`, () => {
    /** A fresh browser in this colour scheme, logged out or carrying the shared person's (or the administrator's) session. */
    async function visit(
      browser: Browser,
      server: TestServer,
      loggedIn: boolean | "admin",
      options: BrowserContextOptions = {},
    ): Promise<Page> {
      const context = await person(browser, server, { colorScheme, ...options });
      const carried = loggedIn === "admin" ? adminCookies : loggedIn ? cookies : [];
      await context.addCookies(carried.map((c) => ({ ...c, url: server.url })));
      const page = await context.newPage();
      expect(await page.evaluate(() => (globalThis as unknown as BrowserGlobals).matchMedia("(prefers-color-scheme: dark)").matches)).toBe(
        colorScheme === "dark",
      );
      return page;
    }

    test("login page, also with an error", async ({ browser, server }) => {
      const page = await visit(browser, server, false);
      await page.goto("/login");
      await expectNoAxeViolations(page);
      await page.getByLabel("Username").fill("nobody");
      await page.getByLabel("Password").fill("not the password");
      await page.getByRole("button", { name: "Log in" }).click();
      await expect(page.getByRole("alert")).toHaveText("Username or password is incorrect.");
      await expectNoAxeViolations(page);
      await page.context().close();
    });

    test("signup page without an invitation", async ({ browser, server }) => {
      const page = await visit(browser, server, false);
      await page.goto("/signup");
      await expect(page.getByRole("heading", { level: 1, name: "Invitation needed" })).toBeVisible();
      await expectNoAxeViolations(page);
      await page.goto("/join/not-the-code");
      await expect(page.getByRole("heading", { level: 1, name: "Join link not valid" })).toBeVisible();
      await expectNoAxeViolations(page);
      await page.context().close();
    });

    test("administration page with its join link, also after making a new one", async ({ browser, server }) => {
      const page = await visit(browser, server, "admin");
      await page.goto("/rooms");
      await page.getByRole("link", { name: "Administration" }).click();
      await expect(page.getByRole("heading", { level: 1, name: "Administration" })).toBeVisible();
      await expect(page.getByRole("textbox", { name: "Join link" })).toHaveValue(/\/join\/[\w-]+$/);
      await expectNoAxeViolations(page);
      const old = await page.getByRole("textbox", { name: "Join link" }).inputValue();
      await page.getByRole("button", { name: "Make a new join link" }).click();
      await expect(page.getByRole("status")).toHaveText("A new join link is ready. The old one no longer works.");
      const fresh = await page.getByRole("textbox", { name: "Join link" }).inputValue();
      expect(fresh).not.toBe(old);
      // The other tests of this worker sign up through the current link.
      useJoinLink(server.url, fresh);
      await expectNoAxeViolations(page);
      await page.context().close();
    });

    test("signup page from a join link, also with validation errors", async ({ browser, server }) => {
      const page = await visit(browser, server, false);
      await page.goto(joinLinkOf(server.url)!);
      await expectNoAxeViolations(page);
      await page.getByLabel("Username").fill("ab");
      await page.getByLabel("Password").fill("short");
      await page.getByRole("button", { name: "Create account" }).click();
      await expect(page.getByText("Username must be at least 3 characters.")).toBeVisible();
      await expect(page.getByLabel("Username")).toHaveAttribute("aria-invalid", "true");
      await expectNoAxeViolations(page);
      await page.context().close();
    });

    test("room page with messages", async ({ browser, server }) => {
      const page = await visit(browser, server, true);
      await page.goto(`/rooms/${publicRoom}`);
      // The friend's message may still be unread, which adds the "New messages" divider item.
      await expect(
        page
          .getByRole("log")
          .getByRole("listitem")
          .filter({ hasNotText: /^New messages$/ }),
      ).toHaveCount(4);
      await expect(page.getByText("Enter sends, Shift+Enter starts a new line.")).toBeVisible();
      await expectNoAxeViolations(page);
      // A blank message comes back from the server (through htmx) as the composer with an error.
      await page.getByRole("textbox", { name: /^Message #/ }).fill("   ");
      await page.getByRole("button", { name: "Send", exact: true }).click();
      await expect(page.getByText("Write a message first.")).toBeVisible();
      await expect(page.getByRole("textbox", { name: /^Message #/ })).toHaveAttribute("aria-invalid", "true");
      await expectNoAxeViolations(page);
      await page.context().close();
    });

    test("a room with every kind of message: formatted, edited, a reply, reactions, deleted", async ({ browser, server }) => {
      /** The room on a screen of these options, and its edited message. */
      const editedMessageOn = async (options: BrowserContextOptions) => {
        const page = await visit(browser, server, true, options);
        await page.goto(`/rooms/${everyKind}`);
        const edited = page
          .getByRole("log")
          .getByRole("listitem")
          .filter({ has: page.getByRole("link", { name: /see earlier versions$/ }) });
        return { page, edited };
      };
      const page = await visit(browser, server, true);
      await page.goto(`/rooms/${everyKind}`);
      const log = page.getByRole("log");
      await expect(log.locator("strong", { hasText: "Bold" })).toBeVisible();
      await expect(log.locator("pre code")).toContainText("const x = 1;");
      await expect(log.getByRole("link", { name: /^\(edited .*\) ?, see earlier versions$/ })).toBeVisible();
      await expect(log.getByText("Original message deleted")).toBeVisible();
      await expect(log.getByText("This message was deleted.")).toBeVisible();
      await expect(log.getByRole("button", { name: /^You and .* reacted with 🎉$/ })).toBeVisible();
      await expectNoAxeViolations(page);
      // A message's toolbar open, with its React choices.
      const formatted = log.getByRole("listitem").filter({ has: page.locator("strong", { hasText: "Bold" }) });
      await formatted.hover();
      await formatted.getByText("React", { exact: true }).click();
      await expect(formatted.getByRole("button", { name: "Thumbs up" })).toBeVisible();
      await expectNoAxeViolations(page);
      await page.context().close();

      // On a phone, with a message's actions opened from "More actions". An edited message that
      // continues its author's group keeps its "edited" mark clear of the messages around it.
      const { page: onPhone, edited } = await editedMessageOn(phone.options);
      await expect(edited).toHaveClass(/is-continued/);
      const mark = await edited.locator(".message-edited").boundingBox();
      const next = await edited.locator("xpath=following-sibling::li[1]").boundingBox();
      expect(mark && next && mark.y + mark.height <= next.y, "the edited mark ends above the next message").toBe(true);
      await edited.getByRole("button", { name: "More actions" }).tap();
      await expect(edited.getByRole("link", { name: "Reply", exact: true })).toBeVisible();
      await expectActionsOnScreen(edited, 375);
      await expectNoAxeViolations(onPhone);
      await onPhone.context().close();

      // At 400% zoom, with a pointer: the toolbar that hovering shows wraps within the screen.
      const { page: zoomed, edited: hovered } = await editedMessageOn(zoom400.options);
      await hovered.scrollIntoViewIfNeeded();
      await hovered.hover();
      await expect(hovered.getByRole("link", { name: "Delete", exact: true })).toBeVisible();
      await expectActionsOnScreen(hovered, 320);
      await zoomed.context().close();
    });

    test("the pages of a message's actions: delete, edit, earlier versions, react", async ({ browser, server }) => {
      // Four pages, each checked whole.
      test.slow();
      const page = await visit(browser, server, true);
      const base = `/rooms/${everyKind}/messages`;
      for (const [path, heading] of [
        [`${base}/${kindsMessages.formatted}/delete`, "Delete this message?"],
        [`${base}/${kindsMessages.edited}/edit`, "Edit message"],
        [`${base}/${kindsMessages.edited}/revisions`, "Earlier versions"],
        [`${base}/${kindsMessages.formatted}/reactions/new`, /^React to /],
      ] as const) {
        await page.goto(path);
        await expect(page.getByRole("heading", { level: 1, name: heading })).toBeVisible();
        await expectNoAxeViolations(page);
      }
      await page.context().close();
    });

    test("private room page, with its add-member error", async ({ browser, server }) => {
      const page = await visit(browser, server, true);
      await page.goto(`/rooms/${privateRoom}`);
      await expect(page.getByText("No messages yet. Say hello!")).toBeVisible();
      await expectNoAxeViolations(page);
      await page.getByLabel("Add someone by username").fill("no_such_person");
      await page.getByRole("button", { name: "Add to room" }).click();
      await expect(page.getByLabel("Add someone by username")).toHaveAttribute("aria-invalid", "true");
      await expectNoAxeViolations(page);
      await page.context().close();
    });

    test("People page, searching and with an error", async ({ browser, server }) => {
      const page = await visit(browser, server, true);
      await page.goto("/people");
      await expect(page.getByRole("heading", { level: 1, name: "People" })).toBeVisible();
      await expectNoAxeViolations(page);
      await page.getByRole("searchbox", { name: "Search by name or username" }).fill("friend");
      await expect(page.getByRole("status").filter({ hasText: /^\d+ (person|people) found$/ })).toBeVisible();
      await page.getByRole("button", { name: "Start a conversation" }).click();
      await expect(page.getByText("Choose at least one person.")).toBeVisible();
      await expectNoAxeViolations(page);
      await page.context().close();
    });

    test("direct conversation with 'Seen' and an open 'Seen by' list", async ({ browser, server }) => {
      const page = await visit(browser, server, true);
      await page.goto(`/rooms/${conversation}`);
      const mine = page.getByRole("listitem").filter({ hasText: "Just between us" });
      await expect(mine.getByText(/^Seen \d/)).toBeVisible();
      await mine.getByText("Seen by…").click();
      await expect(mine.getByText(/^Seen by Friend_/)).toBeVisible();
      await expectNoAxeViolations(page);
      await page.context().close();
    });

    test("images in a conversation, and the page to describe one", async ({ browser, server }) => {
      const page = await visit(browser, server, true);
      await page.goto(`/rooms/${conversation}`);
      const pictures = page.getByRole("log").getByRole("listitem").filter({ hasText: "Two pictures" }).first();
      await expect(pictures.getByRole("img", { name: "An orange rectangle" })).toBeVisible();
      await expect(pictures.getByRole("img", { name: "Image, no description" })).toBeVisible();
      await expectNoAxeViolations(page);
      await pictures.getByRole("link", { name: "Add a description of undescribed.jpg" }).click();
      await expect(page.getByRole("heading", { level: 1, name: "Describe an image" })).toBeVisible();
      await expectNoAxeViolations(page);
      await page.getByRole("textbox", { name: "Description of undescribed.jpg" }).fill("   ");
      await page.getByRole("button", { name: "Save description" }).click();
      await expect(page.getByText("Describe the image.")).toBeVisible();
      await expectNoAxeViolations(page);
      await page.context().close();
    });

    test("a message's permalink, highlighted, with the start of the room above", async ({ browser, server }) => {
      const page = await visit(browser, server, true);
      await page.goto(`/rooms/${publicRoom}`);
      await page
        .getByRole("log")
        .getByRole("listitem")
        .filter({ hasText: "Hello!" })
        .getByRole("link", { name: /link to this message/ })
        .click();
      await expect(page.locator("li.message.is-target")).toBeFocused();
      await expect(page.getByText(/^This is the start of/)).toBeVisible();
      await expectNoAxeViolations(page);
      await page.context().close();
    });

    test("public rooms list", async ({ browser, server }) => {
      const page = await visit(browser, server, true);
      await page.goto("/rooms");
      await expect(page.getByRole("heading", { level: 1, name: "Public rooms" })).toBeVisible();
      await expectNoAxeViolations(page);
      await page.context().close();
    });

    test("create-a-room page, also with a validation error", async ({ browser, server }) => {
      const page = await visit(browser, server, true);
      await page.goto("/rooms/new");
      await expectNoAxeViolations(page);
      await page.getByRole("button", { name: "Create room" }).click();
      await expect(page.getByText("Give the room a name.")).toBeVisible();
      await expectNoAxeViolations(page);
      await page.context().close();
    });

    test("settings page, also after saving", async ({ browser, server }) => {
      const page = await visit(browser, server, true);
      await page.goto("/settings");
      await expect(page.getByRole("radio", { name: "Unread first, then by latest activity" })).toBeChecked();
      await expectNoAxeViolations(page);
      await page.getByRole("button", { name: "Save settings" }).click();
      await expect(page.getByRole("status").filter({ hasText: "Your settings are saved." })).toBeVisible();
      await expectNoAxeViolations(page);
      await page.context().close();
    });

    test("unread page", async ({ browser, server }) => {
      const page = await visit(browser, server, true);
      await page.goto("/unread");
      await expect(page.getByRole("heading", { level: 1, name: "Unread" })).toBeVisible();
      await expectNoAxeViolations(page);
      await page.context().close();
    });

    test("not-found page", async ({ browser, server }) => {
      const page = await visit(browser, server, true);
      const response = await page.goto("/no/such/page");
      expect(response?.status()).toBe(404);
      await expect(page.getByRole("heading", { level: 1, name: "Not found" })).toBeVisible();
      await expectNoAxeViolations(page);
      await page.context().close();
    });
  });
}
