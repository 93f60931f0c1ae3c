import assert from "node:assert/strict";
import { once } from "node:events";
import { createServer, get } from "node:http";
import type { AddressInfo } from "node:net";
import { before, describe, it } from "node:test";
import { hash } from "bcryptjs";
import fc from "fast-check";
import { BasicAuthenticator, parseBasicAuthorization, sendUnauthorized } from "./basic-auth.ts";

const header = (user: string, password: string) => ({
  headers: { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}` },
});

describe("parseBasicAuthorization", () => {
  it("splits user and password at the first colon", () => {
    const b64 = (s: string) => Buffer.from(s).toString("base64");
    assert.deepEqual(parseBasicAuthorization(`Basic ${b64("alice:pa:ss")}`), {
      user: "alice",
      password: "pa:ss",
    });
    assert.deepEqual(parseBasicAuthorization(`basic  ${b64("ä:ö")}`), { user: "ä", password: "ö" });
    assert.deepEqual(parseBasicAuthorization(`BASIC ${b64(":")}`), { user: "", password: "" });
  });

  it("refuses what is not a basic credential", () => {
    const b64 = Buffer.from("alice:x").toString("base64");
    for (const bad of [
      undefined,
      "",
      "Basic",
      `Bearer ${b64}`,
      `Basic ${Buffer.from("alice").toString("base64")}`,
      "Basic a$b",
      `Basic ${b64}${"A".repeat(5000)}`,
    ]) {
      assert.equal(parseBasicAuthorization(bad), undefined, String(bad).slice(0, 40));
    }
  });
});

describe("parseBasicAuthorization on hostile input (property-based, bounded)", () => {
  it("never throws, and round-trips any credential it is given", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (header) => {
        parseBasicAuthorization(header);
      }),
      { numRuns: 1000 },
    );
    fc.assert(
      fc.property(
        fc.string({ maxLength: 40 }).filter((u) => !u.includes(":")),
        fc.string({ maxLength: 40 }),
        (user, password) => {
          const encoded = Buffer.from(`${user}:${password}`, "utf8").toString("base64");
          const parsed = parseBasicAuthorization(`Basic ${encoded}`);
          const wellFormed =
            Buffer.from(encoded, "base64").toString("utf8") === `${user}:${password}`;
          if (wellFormed) assert.deepEqual(parsed, { user, password });
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe("BasicAuthenticator", () => {
  let aliceHash: string;
  let aliceOther: string;
  let bobHash: string;
  before(async () => {
    [aliceHash, aliceOther, bobHash] = await Promise.all([
      hash("wonderland", 4),
      hash("looking-glass", 4),
      hash("builder", 5),
    ]);
  });

  it("lets everyone in, with no user, when no users are configured", async () => {
    const auth = new BasicAuthenticator();
    assert.equal(auth.enabled, false);
    assert.deepEqual(await auth.authenticate({ headers: {} }), { user: undefined });
    assert.deepEqual(await auth.authenticate(header("x", "y")), { user: undefined });
  });

  it("accepts the right password, refuses a wrong one, an unknown user and no header", async () => {
    const auth = new BasicAuthenticator();
    auth.setUsers(
      new Map([
        ["alice", aliceHash],
        ["bob", bobHash],
      ]),
    );
    assert.equal(auth.enabled, true);
    assert.deepEqual(await auth.authenticate(header("alice", "wonderland")), { user: "alice" });
    assert.deepEqual(await auth.authenticate(header("bob", "builder")), { user: "bob" });
    assert.equal(await auth.authenticate(header("alice", "builder")), undefined);
    assert.equal(await auth.authenticate(header("mallory", "wonderland")), undefined);
    assert.equal(await auth.authenticate({ headers: {} }), undefined);
    assert.deepEqual(auth.stats, { compares: 4, cacheHits: 0, failures: 3 });
  });

  it("checks an unknown user with a bcrypt run, like a known one, never from the cache", async () => {
    const auth = new BasicAuthenticator();
    auth.setUsers(new Map([["alice", aliceHash]]));
    for (let i = 0; i < 3; i += 1)
      assert.equal(await auth.authenticate(header("mallory", "wonderland")), undefined);
    assert.deepEqual(auth.stats, { compares: 3, cacheHits: 0, failures: 3 });
  });

  it("answers a repeated login from the cache, until the hash changes or the user goes", async () => {
    const auth = new BasicAuthenticator();
    auth.setUsers(new Map([["alice", aliceHash]]));
    assert.deepEqual(await auth.authenticate(header("alice", "wonderland")), { user: "alice" });
    assert.deepEqual(await auth.authenticate(header("alice", "wonderland")), { user: "alice" });
    assert.deepEqual(auth.stats, { compares: 1, cacheHits: 1, failures: 0 });
    auth.setUsers(new Map([["alice", aliceOther]]));
    assert.equal(await auth.authenticate(header("alice", "wonderland")), undefined);
    assert.deepEqual(await auth.authenticate(header("alice", "looking-glass")), { user: "alice" });
    auth.setUsers(new Map([["bob", bobHash]]));
    assert.equal(await auth.authenticate(header("alice", "looking-glass")), undefined);
    assert.deepEqual(auth.stats, { compares: 4, cacheHits: 1, failures: 2 });
  });

  it("keeps at most cacheSize successful logins", async () => {
    const auth = new BasicAuthenticator({ cacheSize: 1 });
    auth.setUsers(
      new Map([
        ["alice", aliceHash],
        ["bob", bobHash],
      ]),
    );
    await auth.authenticate(header("alice", "wonderland"));
    await auth.authenticate(header("bob", "builder"));
    await auth.authenticate(header("alice", "wonderland"));
    assert.equal(auth.stats.compares, 3);
    assert.equal(auth.stats.cacheHits, 0);
  });

  it("gives every concurrent request its own answer while running bcrypt one at a time", async () => {
    const auth = new BasicAuthenticator();
    auth.setUsers(
      new Map([
        ["alice", aliceHash],
        ["bob", bobHash],
      ]),
    );
    const answers = await Promise.all([
      auth.authenticate(header("alice", "wonderland")),
      auth.authenticate(header("bob", "nope")),
      auth.authenticate(header("bob", "builder")),
      auth.authenticate(header("eve", "builder")),
    ]);
    assert.deepEqual(answers, [{ user: "alice" }, undefined, { user: "bob" }, undefined]);
  });

  it("knows a cached login without bcrypt or waiting (cachedUser), and only a cached one", async () => {
    const auth = new BasicAuthenticator();
    auth.setUsers(new Map([["alice", aliceHash]]));
    assert.equal(auth.cachedUser(header("alice", "wonderland")), undefined);
    await auth.authenticate(header("alice", "wonderland"));
    assert.equal(auth.cachedUser(header("alice", "wonderland")), "alice");
    assert.equal(auth.cachedUser(header("alice", "wrong")), undefined);
    assert.equal(auth.cachedUser(header("mallory", "wonderland")), undefined);
    assert.equal(auth.cachedUser({ headers: {} }), undefined);
    assert.deepEqual(auth.stats, { compares: 1, cacheHits: 0, failures: 0 });
  });

  it("runs no bcrypt for a request whose client went away before its turn", async () => {
    const auth = new BasicAuthenticator();
    auth.setUsers(new Map([["alice", aliceHash]]));
    const gone = { ...header("alice", "wonderland"), socket: { destroyed: true } };
    assert.equal(await auth.authenticate(gone), undefined);
    assert.deepEqual(auth.stats, { compares: 0, cacheHits: 0, failures: 1 });
  });
});

describe("sendUnauthorized", () => {
  it("answers 401 with a Basic challenge naming the realm", async (t) => {
    const server = createServer((_req, res) => sendUnauthorized(res, 'my "box"'));
    t.after(() => server.close());
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const res = await new Promise<import("node:http").IncomingMessage>((resolve, reject) =>
      get(
        `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
        { agent: false },
        resolve,
      ).on("error", reject),
    );
    res.resume();
    assert.equal(res.statusCode, 401);
    assert.equal(res.headers["www-authenticate"], 'Basic realm="my \\"box\\"", charset="UTF-8"');
  });
});
