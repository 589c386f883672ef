import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { count, eq } from "drizzle-orm";
import { users } from "../../src/db/schema.js";
import { joinLinkIn, useJoinLink, Visitor } from "../support/client.js";
import { databaseKinds } from "../support/databases.js";
import { startTestServer, type TestServer } from "../support/server.js";

const form = (username: string) => ({ username, displayName: username, password: "correct horse battery" });

for (const kind of databaseKinds()) {
  describe(`invite-only registration on ${kind}`, () => {
    let server: TestServer;
    let admin: Visitor;
    before(async () => {
      server = await startTestServer(kind);
      admin = new Visitor(server.url);
      assert.equal((await admin.signUp("admin")).status, 303);
    });
    after(() => server.stop());

    const accounts = async () => (await server.deps.db.select({ n: count() }).from(users))[0]!.n;
    const joinLink = async () => new URL(joinLinkIn((await admin.get("/admin")).html)!).pathname;

    test("after the first account, /signup explains that an invitation is needed and stores nothing", async () => {
      const v = new Visitor(server.url);
      const page = await v.get("/signup");
      assert.equal(page.status, 200);
      assert.match(page.html, /<h1[^>]*>Invitation needed<\/h1>/);
      assert.match(page.html, /Ask its administrator for a join link/);
      assert.doesNotMatch(page.html, /name="password"/);
      const before = await accounts();
      await v.get("/login"); // the invitation page has no form, so no token: take the log-in form's
      const posted = await v.post("/signup", form("uninvited"));
      assert.equal(posted.status, 403);
      assert.match(posted.html, /Invitation needed/);
      assert.equal(await accounts(), before);
    });

    test("the join link from /admin shows the sign-up form and signs people up", async () => {
      const link = await joinLink();
      assert.match(link, /^\/join\/[\w-]{24}$/);
      const v = new Visitor(server.url);
      const page = await v.get(link);
      assert.equal(page.status, 200);
      assert.match(page.html, new RegExp(`<form method="post" action="${link}"`));
      const signed = await v.post(link, form("invited"));
      assert.equal(signed.status, 303);
      const [row] = await server.deps.db.select({ isAdmin: users.isAdmin }).from(users).where(eq(users.username, "invited"));
      assert.deepEqual(row, { isAdmin: false });
      assert.equal((await v.get("/rooms")).status, 200);
    });

    test("a wrong join code is refused with 404 and stores nothing", async () => {
      const v = new Visitor(server.url);
      const page = await v.get("/join/not-the-code");
      assert.equal(page.status, 404);
      assert.match(page.html, /Join link not valid/);
      const before = await accounts();
      await v.get("/login");
      assert.equal((await v.post("/join/not-the-code", form("guesser"))).status, 404);
      assert.equal(await accounts(), before);
    });

    test("a new join link replaces the old one", async () => {
      const old = await joinLink();
      const regenerated = await admin.post("/admin/join-code");
      assert.equal(regenerated.location, "/admin?regenerated=1");
      const shown = await admin.get("/admin?regenerated=1");
      assert.match(shown.html, /A new join link is ready\. The old one no longer works\./);
      const fresh = await joinLink();
      assert.notEqual(fresh, old);
      useJoinLink(server.url, fresh);

      const late = new Visitor(server.url);
      assert.equal((await late.get(old)).status, 404);
      await late.get("/login");
      const before = await accounts();
      assert.equal((await late.post(old, form("late"))).status, 404);
      assert.equal(await accounts(), before);
      assert.equal((await late.get(fresh)).status, 200);
      assert.equal((await late.post(fresh, form("late"))).status, 303);
    });

    test("the administration page is the administrator's alone: 404 for anyone else, and a link only for them", async () => {
      const member = new Visitor(server.url);
      await member.signUp("member");
      assert.equal((await member.get("/admin")).status, 404);
      await member.get("/rooms");
      assert.equal((await member.post("/admin/join-code")).status, 404);
      assert.doesNotMatch((await member.get("/rooms")).html, /href="\/admin"/);
      assert.match((await admin.get("/rooms")).html, /<a href="\/admin" class="link nav-link">Administration<\/a>/);
      const anonymous = await new Visitor(server.url).get("/admin");
      assert.equal(anonymous.location, "/login?next=%2Fadmin");
    });
  });

  describe(`REGISTRATION=open on ${kind}`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer(kind, { REGISTRATION: "open" });
    });
    after(() => server.stop());

    test("anyone may sign up at /signup, after the first account too", async () => {
      for (const username of ["first", "second"]) {
        const v = new Visitor(server.url);
        const page = await v.get("/signup");
        assert.match(page.html, /<form method="post" action="\/signup"/);
        assert.equal((await v.post("/signup", form(username))).status, 303, username);
      }
    });
  });
}
