// Tests that the Linxdot device SIMULATOR answers the documented requests, and nothing else.

import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, it } from "node:test";
import { LINXDOT_SAMPLE_SYSTEM, startLinxdotSimulator } from "./linxdot-simulator.ts";

const md5 = (text: string) => createHash("md5").update(text, "utf8").digest("hex");
const form = (username: string, password: string) => ({
  method: "POST",
  headers: { "content-type": "application/x-www-form-urlencoded" },
  body: new URLSearchParams({ username, password }).toString(),
});

describe("the Linxdot device SIMULATOR answers only the documented requests", () => {
  it("sets a session cookie on a good MD5 login, and answers /info/system only to it", async () => {
    const sim = await startLinxdotSimulator();
    try {
      assert.equal((await fetch(`${sim.url}/info/system`)).status, 401);
      const login = await fetch(`${sim.url}/login_odd`, form(md5("admin"), md5("sim-password")));
      assert.equal(login.status, 200);
      const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
      assert.match(cookie, /^sysauth=[0-9a-f]{32}$/);
      const info = await fetch(`${sim.url}/info/system`, { headers: { cookie } });
      assert.equal(info.status, 200);
      assert.deepEqual(await info.json(), LINXDOT_SAMPLE_SYSTEM);
      sim.expireSessions();
      assert.equal((await fetch(`${sim.url}/info/system`, { headers: { cookie } })).status, 401);
      assert.deepEqual(sim.counts, {
        logins: 1,
        refusedLogins: 0,
        systemRequests: 3,
        unauthorized: 2,
      });
    } finally {
      await sim.close();
    }
  });

  it("refuses plain credentials in MD5 mode and MD5 ones in plain mode", async () => {
    const md5Device = await startLinxdotSimulator();
    const plainDevice = await startLinxdotSimulator({ credentials: "plain" });
    try {
      assert.equal(
        (await fetch(`${md5Device.url}/login_odd`, form("admin", "sim-password"))).status,
        401,
      );
      assert.equal(
        (await fetch(`${plainDevice.url}/login_odd`, form("admin", "sim-password"))).status,
        200,
      );
      assert.equal(
        (await fetch(`${plainDevice.url}/login_odd`, form(md5("admin"), md5("sim-password"))))
          .status,
        401,
      );
      assert.equal(md5Device.counts.refusedLogins, 1);
      assert.equal(plainDevice.counts.refusedLogins, 1);
    } finally {
      await md5Device.close();
      await plainDevice.close();
    }
  });

  it("answers 404 to other paths, 405 to other methods, 400 to a login that is not a form", async () => {
    const sim = await startLinxdotSimulator();
    try {
      assert.equal((await fetch(`${sim.url}/summary`)).status, 404);
      assert.equal((await fetch(`${sim.url}/login_odd`)).status, 405);
      assert.equal((await fetch(`${sim.url}/info/system`, { method: "POST" })).status, 405);
      const json = await fetch(`${sim.url}/login_odd`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: '{"username":"admin"}',
      });
      assert.equal(json.status, 400);
      assert.deepEqual(
        sim.requests.map((r) => r.status),
        [404, 405, 405, 400],
      );
    } finally {
      await sim.close();
    }
  });
});
