import assert from "node:assert/strict";
import { once } from "node:events";
import { writeFile } from "node:fs/promises";
import { request } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { tempDir } from "@seedwatch/testbed";
import { hash } from "bcryptjs";
import {
  AccessControl,
  buildWebPolicy,
  DEFAULT_WEB_POLICY,
  decideAccess,
  hostOfHeader,
  isAllowedHost,
  isLoopbackAddress,
  SCOPES,
  webSchema,
} from "./access-policy.ts";
import type { Scope } from "./route.ts";
import { createWebServer, type WebServer } from "./web-server.ts";

describe("scope policy", () => {
  it("knows loopback addresses and loopback Host headers", () => {
    for (const address of ["127.0.0.1", "127.3.2.1", "::1", "::ffff:127.0.0.1"])
      assert.equal(isLoopbackAddress(address), true, address);
    for (const address of ["10.0.0.1", "::ffff:10.0.0.1", "1127.0.0.1", "::2", "", undefined])
      assert.equal(isLoopbackAddress(address), false, String(address));
    assert.equal(hostOfHeader("[::1]:8742"), "::1");
    assert.equal(hostOfHeader("LocalHost.:8742"), "localhost");
    assert.equal(hostOfHeader("a b"), undefined);
    const policy = buildWebPolicy({ allowed_hosts: ["seed.lan"] });
    for (const host of [
      "127.0.0.1:8742",
      "localhost",
      "app.localhost:1",
      "[::1]:80",
      "SEED.lan:8742",
      undefined,
    ])
      assert.equal(isAllowedHost(host, policy), true, String(host));
    for (const host of ["attacker.example:8742", "127.0.0.1.nip.io", "seed.lan.evil", "", "[::2]"])
      assert.equal(isAllowedHost(host, policy), false, host);
  });

  it("asks for a user where users exist, else keeps the dashboard and actions to loopback", () => {
    const decide = (
      scope: Scope,
      usersExist: boolean,
      remoteAddress: string,
      hostHeader = "127.0.0.1:8742",
    ) => decideAccess({ scope, usersExist, remoteAddress, hostHeader }, DEFAULT_WEB_POLICY).kind;
    const remote = "192.0.2.7";
    assert.deepEqual(
      SCOPES.map((s) => [
        s,
        decide(s, false, "127.0.0.1"),
        decide(s, false, remote),
        decide(s, true, remote),
      ]),
      [
        ["health", "allow", "allow", "allow"],
        ["metrics", "allow", "allow", "authenticate"],
        ["dashboard", "allow", "deny", "authenticate"],
        ["api", "allow", "deny", "authenticate"],
        ["actions", "allow", "deny", "authenticate"],
        ["admin", "allow", "deny", "authenticate"],
      ],
    );
    assert.equal(decide("actions", false, "127.0.0.1", "attacker.example:8742"), "deny");
    const denied = decideAccess(
      { scope: "dashboard", usersExist: false, remoteAddress: remote, hostHeader: "x" },
      DEFAULT_WEB_POLICY,
    );
    assert.match(
      denied.kind === "deny" ? denied.message : "",
      /only clients on this machine.*docs\/security\.md/s,
    );
  });

  it("reads max_connections_per_client, 32 unless set, from 1 to the server's 1,024", () => {
    assert.equal(buildWebPolicy(undefined).maxConnectionsPerClient, 32);
    assert.equal(buildWebPolicy({ max_connections_per_client: 200 }).maxConnectionsPerClient, 200);
    for (const bad of [0, -1, 1.5, 1025, "8"])
      assert.equal(
        webSchema.safeParse({ max_connections_per_client: bad }).success,
        false,
        String(bad),
      );
  });

  it("follows the web: section, and never opens actions or admin to users' absence", () => {
    const policy = buildWebPolicy({
      auth_required: ["actions", "admin"],
      loopback_only: ["actions"],
    });
    const decide = (scope: Scope, usersExist: boolean) =>
      decideAccess(
        { scope, usersExist, remoteAddress: "192.0.2.7", hostHeader: "seed.lan" },
        policy,
      ).kind;
    assert.equal(decide("dashboard", true), "allow", "dashboard opened by the config");
    assert.equal(decide("dashboard", false), "allow", "not loopback-only any more");
    assert.equal(decide("actions", false), "deny");
    assert.equal(decide("actions", true), "authenticate");
    // Even a hand-made policy without actions and admin in authRequired cannot open them.
    const lax = { ...policy, authRequired: new Set<Scope>() };
    assert.equal(
      decideAccess(
        { scope: "admin", usersExist: true, remoteAddress: "::1", hostHeader: undefined },
        lax,
      ).kind,
      "authenticate",
    );
  });
});

describe("AccessControl on a real server", () => {
  let dir: { path: string; remove(): Promise<void> };
  let web: WebServer;
  let port = 0;
  const call = (path: string, headers: Record<string, string> = {}, auth?: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        { host: "127.0.0.1", port, path, headers, agent: false, ...(auth ? { auth } : {}) },
        (res) => {
          let body = "";
          res.on("data", (c: Buffer) => {
            body += c.toString();
          });
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on("error", reject);
      req.end();
    });

  before(async () => {
    dir = await tempDir("access");
    const file = join(dir.path, "web.yml");
    await writeFile(file, `basic_auth_users:\n  alice: "${await hash("pw", 4)}"\n`);
    const access = new AccessControl({ policy: () => DEFAULT_WEB_POLICY, web: () => web });
    web = createWebServer({
      webConfigFile: file,
      handler: async (req, res) => {
        const scope = (req.url ?? "/").slice(1) as Scope;
        if (!(await access.authorize(req, res, scope))) return;
        res.end(JSON.stringify(access.identity(req)));
      },
    });
    web.server.listen(0, "127.0.0.1");
    await once(web.server, "listening");
    port = (web.server.address() as AddressInfo).port;
  });
  after(async () => {
    await web.close();
    await dir.remove();
  });

  it("lets health through, asks the rest for the user, and remembers who it was", async () => {
    assert.equal((await call("/health")).status, 200);
    assert.deepEqual(JSON.parse((await call("/health")).body), { remote: "127.0.0.1" });
    assert.equal((await call("/actions")).status, 401);
    assert.equal((await call("/metrics", {}, "alice:wrong")).status, 401);
    const ok = await call("/actions", { host: "anything.example" }, "alice:pw");
    assert.equal(ok.status, 200, "with users, the Host does not matter");
    assert.deepEqual(JSON.parse(ok.body), { user: "alice", remote: "127.0.0.1" });
  });
});
