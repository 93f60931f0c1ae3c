// Tests of the Linxdot API client against the Linxdot device SIMULATOR: logins, the cookie session, 401s, slow and malformed answers.

import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { after, afterEach, describe, it } from "node:test";
import {
  type LinxdotSimulator,
  type LinxdotSimulatorOptions,
  startLinxdotSimulator,
} from "@seedwatch/testbed/linxdot-simulator";
import {
  SourceAuthError,
  SourceError,
  SourceHttpError,
  SourceProtocolError,
  SourceTimeoutError,
} from "../../net/errors.ts";
import { HttpClient } from "../../net/http-client.ts";
import { Secret } from "../../settings/secret.ts";
import { Credentials } from "../credentials.ts";
import { LinxdotApi, loginForm } from "./api.ts";

const PASSWORD = "sim-pässword";
const md5 = (text: string) => createHash("md5").update(text, "utf8").digest("hex");

const open: Array<{ close(): unknown }> = [];
afterEach(async () => {
  for (const thing of open.splice(0)) await thing.close();
});

async function setup(
  device: LinxdotSimulatorOptions = {},
  client: { password?: string; plain?: boolean; maxBytes?: number } = {},
): Promise<{ sim: LinxdotSimulator; api: LinxdotApi }> {
  const sim = await startLinxdotSimulator({ password: PASSWORD, ...device });
  const http = new HttpClient({ maxResponseBytes: client.maxBytes ?? 1024 * 1024 });
  open.push(sim, http);
  const api = new LinxdotApi(
    sim.url,
    {
      credentials: Credentials.login("admin", client.password ?? PASSWORD),
      plain: client.plain ?? false,
    },
    http,
  );
  return { sim, api };
}

const signal = () => AbortSignal.timeout(5000);

async function rejects(
  call: Promise<unknown>,
  type: abstract new (...args: never[]) => Error,
  message: RegExp,
): Promise<Error> {
  let caught: unknown;
  await call.catch((error: unknown) => {
    caught = error;
  });
  assert.ok(caught instanceof type, `expected ${type.name}, got ${String(caught)}`);
  assert.match((caught as Error).message, message);
  return caught as Error;
}

describe("loginForm", () => {
  it("hashes both fields to lower-case hex MD5 unless plain credentials are asked for", () => {
    const password = new Secret("pässword");
    assert.equal(
      loginForm({
        credentials: new Credentials({ username: "admin", password }),
        plain: false,
      }).toString(),
      `username=${md5("admin")}&password=${md5("pässword")}`,
    );
    assert.equal(md5("admin"), "21232f297a57a5a743894a0e4a801fc3");
    assert.equal(
      loginForm({
        credentials: new Credentials({ username: "admin", password }),
        plain: true,
      }).toString(),
      "username=admin&password=p%C3%A4ssword",
    );
  });
});

describe("LinxdotApi against the Linxdot device SIMULATOR", { timeout: 60_000 }, () => {
  after(async () => {
    for (const thing of open.splice(0)) await thing.close();
  });

  it("logs in with MD5-hashed credentials, then reads /info/system", async () => {
    const { sim, api } = await setup();
    const info = await api.systemInfo(signal());
    assert.equal(info.modelName, "LD-1001");
    assert.equal(info.cpuTemp, 35.555);
    assert.deepEqual(
      sim.requests.map((r) => `${r.method} ${r.path} ${r.status}`),
      ["POST /login_odd 200", "GET /info/system 200"],
    );
    assert.deepEqual(sim.requests[0]?.form, { username: md5("admin"), password: md5(PASSWORD) });
    assert.equal(api.traffic.logins, 1);
    assert.ok(api.traffic.wireBytes > 0);
  });

  it("logs in with plain credentials when asked to, and the device takes them", async () => {
    const { sim, api } = await setup({ credentials: "plain" }, { plain: true });
    assert.equal((await api.systemInfo(signal())).sn, "LD1NTVxxxxxxxxx");
    assert.deepEqual(sim.requests[0]?.form, { username: "admin", password: PASSWORD });
  });

  it("keeps the session cookie: later calls do not log in again", async () => {
    const { sim, api } = await setup();
    for (let i = 0; i < 3; i++) await api.systemInfo(signal());
    assert.equal(sim.counts.logins, 1);
    assert.equal(sim.counts.systemRequests, 3);
    assert.equal(sim.counts.unauthorized, 0);
  });

  it("logs in once more when the session expired (401), and asks again", async () => {
    const { sim, api } = await setup();
    await api.systemInfo(signal());
    sim.expireSessions();
    sim.system = { ...(sim.system as object), cpu_temp: "41.5" };
    assert.equal((await api.systemInfo(signal())).cpuTemp, 41.5);
    assert.deepEqual(
      sim.requests.map((r) => `${r.method} ${r.path} ${r.status}`),
      [
        "POST /login_odd 200",
        "GET /info/system 200",
        "GET /info/system 401",
        "POST /login_odd 200",
        "GET /info/system 200",
      ],
    );
  });

  it("reports refused credentials as an auth error without the password or its hash", async () => {
    const { sim, api } = await setup({}, { password: "wrong-password" });
    const error = await rejects(
      api.systemInfo(signal()),
      SourceAuthError,
      /^POST http:\/\/127\.0\.0\.1:\d+\/login_odd: the device refused the username or password \(HTTP 401\) \(sent MD5-hashed: if this firmware expects them as typed, turn on plain credentials/,
    );
    assert.equal(sim.counts.refusedLogins, 1);
    assert.equal(sim.counts.systemRequests, 0);
    for (const secret of ["wrong-password", md5("wrong-password"), PASSWORD])
      assert.ok(!error.message.includes(secret));
  });

  it("reports MD5 credentials sent to a device that wants them plain as an auth error", async () => {
    const { sim } = await setup({ credentials: "plain" });
    const http = new HttpClient();
    open.push(http);
    const api = new LinxdotApi(
      `${sim.url}/`,
      { credentials: Credentials.login("admin", PASSWORD), plain: false },
      http,
    );
    await rejects(api.systemInfo(signal()), SourceAuthError, /refused the username or password/);
  });

  it("sees through a device that accepts a bad login but gives no session: one retry, then an auth error", async () => {
    const { sim, api } = await setup({ refusedLogin: "200-without-session" }, { password: "nope" });
    await rejects(
      api.systemInfo(signal()),
      SourceAuthError,
      /info\/system: the device refused the session right after logging in \(HTTP 401\): wrong username or password/,
    );
    assert.deepEqual(
      sim.requests.map((r) => `${r.method} ${r.path} ${r.status}`),
      [
        "POST /login_odd 200",
        "GET /info/system 401",
        "POST /login_odd 200",
        "GET /info/system 401",
      ],
    );
  });

  it("keeps whatever cookie name the device uses", async () => {
    const { sim, api } = await setup({ cookieName: "luci_session" });
    await api.systemInfo(signal());
    await api.systemInfo(signal());
    assert.equal(sim.counts.logins, 1);
    assert.equal(sim.counts.unauthorized, 0);
  });

  it("gives up on a slow device when the signal says so (a timeout error, not a hang)", async () => {
    const { sim, api } = await setup();
    sim.delayMs = 5000;
    await rejects(
      api.systemInfo(AbortSignal.timeout(200)),
      SourceTimeoutError,
      /^POST http:\/\/127\.0\.0\.1:\d+\/login_odd: no answer in time$/,
    );
    sim.delayMs = 0;
    assert.equal((await api.systemInfo(signal())).region, "AU915");
  });

  it("reports a device error status as an HTTP error", async () => {
    const { sim, api } = await setup();
    sim.systemStatus = 500;
    const error = await rejects(
      api.systemInfo(signal()),
      SourceHttpError,
      /info\/system: HTTP 500$/,
    );
    assert.equal((error as SourceHttpError).status, 500);
  });

  const MALFORMED: Array<[string, unknown, RegExp]> = [
    ["not JSON", "{not json", /the answer is not JSON/],
    ["an HTML page", "<html><body>Login</body></html>", /the answer is an HTML page, not JSON/],
    ["a JSON array", "[1,2]", /expected a JSON object with animal_name/],
    [
      "a figure that is not a number",
      {
        animal_name: "a",
        region: "r",
        firmware: "f",
        model_name: "m",
        sn: "s",
        cpu_temp: "hot",
        cpu_usage: 1,
        memory_usage: 2,
        storage_usage: 3,
      },
      /cpu_temp: expected a number or a numeric string, got "hot"/,
    ],
    [
      "missing fields",
      { animal_name: "a" },
      /region: expected a string, got nothing .*storage_usage: expected a number/,
    ],
    [
      "an answer over the size limit",
      JSON.stringify({ pad: "x".repeat(2 * 1024 * 1024) }),
      /answer larger than 65536 bytes, the limit for this call/,
    ],
    ["a truncated answer", '{"animal_name": "a", "reg', /not JSON/],
  ];
  for (const [what, body, message] of MALFORMED) {
    it(`reports a malformed answer (${what}) as a protocol error, never a crash`, async () => {
      const { sim, api } = await setup();
      sim.system = body;
      const error = await rejects(api.systemInfo(signal()), SourceProtocolError, message);
      assert.ok(error instanceof SourceError);
      assert.equal((error as SourceError).reason, "protocol");
    });
  }
});
