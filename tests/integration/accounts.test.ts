import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { eq, sql } from "drizzle-orm";
import { users } from "../../src/db/schema.js";
import { Visitor } from "../support/client.js";
import { databaseKinds } from "../support/databases.js";
import { startTestServer, type TestServer } from "../support/server.js";

for (const kind of databaseKinds()) {
  describe(`accounts on ${kind}`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer(kind);
    });
    after(() => server.stop());

    test("the first account is the administrator and everyone joins the default room", async () => {
      const alice = new Visitor(server.url);
      const signed = await alice.signUp("alice");
      assert.equal(signed.status, 303);
      const home = await alice.get("/");
      assert.match(home.location ?? "", /^\/rooms\/\d+$/);
      const room = await alice.get(home.location!);
      assert.match(room.html, /<h1 id="room-title"[^>]*>.*general/);

      const bob = new Visitor(server.url);
      await bob.signUp("bob");
      assert.equal((await bob.get("/")).location, home.location);
      assert.match((await bob.get(home.location!)).html, /Alice <span[^>]*>@alice<\/span>/);

      const admins = await server.deps.db.select({ username: users.username }).from(users).where(eq(users.isAdmin, true));
      assert.deepEqual(admins, [{ username: "alice" }]);
    });

    test("sign-up keeps the input and ties each error to its field", async () => {
      const v = new Visitor(server.url);
      const form = await v.openSignUp();
      const page = await v.post(form, { username: "a!", displayName: "Someone <b>", password: "short" });
      assert.equal(page.status, 422);
      assert.match(page.html, /id="username-error"[^>]*>Username must be at least 3 characters\./);
      assert.match(page.html, /id="password-error"[^>]*>Password must be at least 8 characters\./);
      assert.match(page.html, /id="username"[^>]*value="a!"[^>]*aria-describedby="username-hint username-error"[^>]*aria-invalid="true"/);
      assert.match(page.html, /value="Someone &lt;b&gt;"/);
      assert.doesNotMatch(page.html, /value="short"/, "the password is never sent back");
      const count = await server.deps.db
        .select({ n: sql<number>`count(*)::int` })
        .from(users)
        .where(eq(users.username, "a!"));
      assert.equal(count[0]!.n, 0);
    });

    test("common and trivially weak passwords are refused with zxcvbn's reason, and nothing is stored", async () => {
      const v = new Visitor(server.url);
      const form = await v.openSignUp();
      const weak: Array<[string, RegExp]> = [
        ["12345678", /This is a heavily used password\./],
        ["password", /This is a heavily used password\./],
        ["aaaaaaaa", /Repeated characters like &quot;aaa&quot; are easy to guess\./],
        ["weakling", /There should not be any personal or page related data\./],
        ["Weakling", /There should not be any personal or page related data\./],
        ["Mr Weakling", /There should not be any personal or page related data\./],
      ];
      for (const [password, reason] of weak) {
        const page = await v.post(form, { username: "weakling", displayName: "Mr Weakling", password });
        assert.equal(page.status, 422, password);
        assert.match(page.html, new RegExp(`id="password-error"[^>]*>${reason.source}`), password);
        assert.match(page.html, /id="password"[^>]*aria-describedby="password-hint password-error"[^>]*aria-invalid="true"/);
      }
      const stored = await server.deps.db
        .select({ n: sql<number>`count(*)::int` })
        .from(users)
        .where(eq(users.username, "weakling"));
      assert.equal(stored[0]!.n, 0);
      assert.equal((await v.post(form, { username: "weakling", displayName: "Mr Weakling", password: "zebra minute coffee" })).status, 303);
    });

    test("usernames allow only letters, digits, _ - . and at most 32 characters", async () => {
      const v = new Visitor(server.url);
      const form = await v.openSignUp();
      for (const bad of ["has space", "x".repeat(33), "émile"]) {
        const page = await v.post(form, { username: bad, displayName: "X", password: "correct horse battery" });
        assert.equal(page.status, 422, bad);
        assert.match(page.html, /id="username-error"/, bad);
      }
      assert.equal((await new Visitor(server.url).signUp("ok_name-1.2")).status, 303);
    });

    test("a taken username says so, ignoring case", async () => {
      await new Visitor(server.url).signUp("carol");
      const v = new Visitor(server.url);
      const page = await v.signUp("CaRoL");
      assert.equal(page.status, 409);
      assert.match(page.html, /id="username-error"[^>]*>That username is taken\./);
    });

    test("log in is case-insensitive on the username; wrong credentials get one generic error", async () => {
      await new Visitor(server.url).signUp("dave");
      const v = new Visitor(server.url);
      const wrongPassword = await v.logIn("dave", "wrong password");
      const noSuchUser = await v.logIn("nobody-here", "wrong password");
      for (const page of [wrongPassword, noSuchUser]) {
        assert.equal(page.status, 401);
        assert.match(page.html, /Username or password is incorrect\./);
      }
      assert.match(wrongPassword.html, /value="dave"/);
      const ok = await v.logIn("DAVE");
      assert.equal(ok.status, 303);
      assert.equal((await v.get("/rooms")).status, 200);
    });

    test("the session id changes at log-in and the cookie is httpOnly and SameSite=Lax", async () => {
      await new Visitor(server.url).signUp("erin");
      const v = new Visitor(server.url);
      await v.get("/login");
      const before = v.cookie;
      assert.match(before, /^parley\.csrf=/, "the login page sets only its CSRF cookie, no session");
      const res = await v.post("/login", { username: "erin", password: "correct horse battery" });
      const setCookie = res.headers.get("set-cookie") ?? "";
      assert.match(setCookie, /HttpOnly/);
      assert.match(setCookie, /SameSite=Lax/);
      assert.doesNotMatch(setCookie, /Secure/, "plain HTTP gets no Secure flag");
      assert.notEqual(v.cookie, before);
    });

    test("the cookie is Secure when served over HTTPS behind a trusted proxy", async () => {
      const proxied = await startTestServer(kind, { TRUST_PROXY: "1" });
      try {
        const v = new Visitor(proxied.url);
        await v.get("/signup");
        const res = await v.post(
          "/signup",
          { username: "tls", displayName: "T", password: "correct horse battery" },
          { "x-forwarded-proto": "https", origin: v.origin.replace(/^http:/, "https:") },
        );
        assert.match(res.headers.get("set-cookie") ?? "", /Secure/);
      } finally {
        await proxied.stop();
      }
    });

    test("log out ends the session, for pages and live sockets alike, though the old cookie is sent again", async () => {
      const v = new Visitor(server.url);
      await v.signUp("frank");
      await v.get("/rooms");
      const live = v.socket();
      await live.opened;
      const cookie = v.cookie;
      const out = await v.post("/logout");
      assert.equal(out.location, "/login");
      v.cookie = cookie;
      const after = await v.get("/rooms");
      assert.equal(after.status, 303);
      assert.match(after.location ?? "", /^\/login\?next=%2Frooms$/);
      assert.equal(await v.socket().refused, 401);
      live.close();
    });

    test("log out closes that session's open sockets (1008), and another session of the same person stays", async () => {
      const here = new Visitor(server.url);
      await here.signUp("gina");
      const roomId = await here.createRoom("Goodbye");
      const there = new Visitor(server.url);
      await there.logIn("gina");
      const [roomPage, otherPage, elsewhere] = [here.socket(roomId), here.socket(), there.socket(roomId)];
      await Promise.all([roomPage.opened, otherPage.opened, elsewhere.opened]);

      await here.post("/logout");
      assert.deepEqual(await Promise.all([roomPage.closedWithin(3000), otherPage.closedWithin(3000)]), [1008, 1008]);

      await there.openRoom(roomId);
      await there.post(`/rooms/${roomId}/messages`, { body: "still here" });
      const [pushed] = await elsewhere.waitFor(1, 2000, (push) => push.includes("still here"));
      assert.ok(pushed);
      assert.equal(elsewhere.ws.readyState, elsewhere.ws.OPEN);
      assert.ok(!roomPage.received.some((push) => push.includes("still here")));
      elsewhere.close();
    });

    test("logging in again over a session ends the old one's sockets too", async () => {
      const v = new Visitor(server.url);
      await v.signUp("hilda");
      await v.get("/rooms");
      const before = v.socket();
      await before.opened;
      const again = await v.post("/login", { username: "hilda", password: "correct horse battery" });
      assert.equal(again.status, 303);
      assert.equal(await before.closedWithin(3000), 1008);
    });

    test("pages need a session; the login page returns to where the person was going", async () => {
      await new Visitor(server.url).signUp("gina");
      const v = new Visitor(server.url);
      const page = await v.get("/rooms/new");
      assert.equal(page.location, "/login?next=%2Frooms%2Fnew");
      await v.get(page.location);
      const login = await v.post("/login", { username: "gina", password: "correct horse battery", next: "/rooms/new" });
      assert.equal(login.location, "/rooms/new");
      await v.get("/rooms/new");
      const evil = await v.post("/login", { username: "gina", password: "correct horse battery", next: "//evil.example" });
      assert.equal(evil.location, "/");
    });

    test("failed log-ins are throttled per account, from any address; the right password gets in after the wait", async () => {
      const proxied = await startTestServer(kind, { TRUST_PROXY: "loopback" });
      try {
        await new Visitor(proxied.url).signUp("target");
        const addresses = ["203.0.113.1", "203.0.113.2", "203.0.113.3"].map((ip) => ({ ip, v: new Visitor(proxied.url) }));
        const guess = async (username: string, password: string, i: number) => {
          const { ip, v } = addresses[i % addresses.length]!;
          await v.get("/login", { "x-forwarded-for": ip });
          return v.post("/login", { username, password }, { "x-forwarded-for": ip });
        };
        const fortyFiveGuesses = async (username: string) => {
          const answers = [];
          for (let i = 0; i < 45; i++) answers.push(await guess(username, `wrong guess ${i}`, i));
          const statuses = answers.map((a) => a.status);
          assert.deepEqual(statuses.slice(0, 5), [401, 401, 401, 401, 401], username);
          assert.ok(statuses.filter((s) => s === 429).length >= 35, `${username}: ${statuses.join(" ")}`);
          const refused = answers.find((a) => a.status === 429)!;
          assert.match(refused.html, /Too many attempts for this account; try again in \d+ seconds?\./);
          assert.match(refused.headers.get("retry-after") ?? "", /^\d+$/);
          return answers;
        };

        const answers = await fortyFiveGuesses("target");
        // Right after the guesses, the right password must meet the wait they ran into. One in its
        // last second may end before the next request arrives: guess on until a wait with time left
        // stands (or a guess is counted, which starts a longer one), so the check cannot race it.
        let last = answers.at(-1)!;
        while (last.status === 429 && Number(last.headers.get("retry-after")) <= 1) last = await guess("target", "wrong, still", 0);
        const during = await guess("target", "correct horse battery", 0);
        assert.equal(during.status, 429, "the right password waits too");
        const wait = Number(during.headers.get("retry-after"));
        assert.ok(wait >= 1 && wait <= 8, `wait ${wait}`);
        await new Promise((resolve) => setTimeout(resolve, wait * 1000));
        const ok = await guess("target", "correct horse battery", 0);
        assert.equal(ok.status, 303, "after the wait the right password logs in");
        assert.equal((await addresses[0]!.v.get("/rooms")).status, 200);

        // The same for a username no account has: the throttle does not tell which exist.
        await fortyFiveGuesses("no-such-account");
        const fresh = new Visitor(proxied.url);
        assert.equal((await fresh.logIn("target", "wrong again")).status, 401, "a success starts the count again");
      } finally {
        await proxied.stop();
      }
    });

    test("too many failed log-ins are refused for a while", async () => {
      const limited = await startTestServer(kind, { RATE_LIMIT_AUTH_PER_15_MIN: "3" });
      try {
        const v = new Visitor(limited.url);
        const statuses = [];
        for (let i = 0; i < 4; i++) statuses.push((await v.logIn("nobody", "wrong password")).status);
        assert.deepEqual(statuses, [401, 401, 401, 429]);
      } finally {
        await limited.stop();
      }
    });
  });
}
