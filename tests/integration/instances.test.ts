import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { setTimeout as delay } from "node:timers/promises";
import { Visitor } from "../support/client.js";
import { databaseKinds } from "../support/databases.js";
import { startAnotherInstance, startTestServer, type TestServer } from "../support/server.js";

const skip = databaseKinds().includes("postgres") ? false : "needs DATABASE_URL: an in-memory PGlite cannot be shared";
const CACHE_MS = 1000;

describe("two instances on one PostgreSQL database", { skip }, () => {
  let a: TestServer;
  let b: TestServer;
  before(async () => {
    const env = { SESSION_SECRET: randomBytes(32).toString("hex"), SESSION_CACHE_MS: String(CACHE_MS) };
    a = await startTestServer("postgres", env);
    b = await startAnotherInstance(a, env);
  });
  after(async () => {
    await b?.stop();
    await a?.stop();
  });

  test("after a log-out on one, the other refuses the old cookie within SESSION_CACHE_MS", async () => {
    const onA = new Visitor(a.url);
    await onA.signUp("alice");
    const onB = new Visitor(b.url);
    onB.cookie = onA.cookie;
    assert.equal((await onB.get("/rooms")).status, 200, "B serves the session A started (and keeps it)");

    await onA.get("/rooms");
    assert.equal((await onA.post("/logout")).location, "/login");
    const loggedOut = Date.now();
    // Bounded poll: B learns of the log-out only by reading the session again.
    let status = 200;
    while (status === 200 && Date.now() - loggedOut < CACHE_MS + 3000) {
      status = (await onB.get("/rooms")).status;
      if (status === 200) await delay(50);
    }
    assert.equal(status, 303, "B sends the old cookie to log in");
    assert.equal(await onB.socket().refused, 401);
  });
});
