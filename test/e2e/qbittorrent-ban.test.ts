// seedwatch as a real process against a real qbittorrent-nox that bans it, and a proxy in front of it that refuses.

import assert from "node:assert/strict";
import { once } from "node:events";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { waitFor } from "@seedwatch/metrics/testing";
import { type Qbittorrent, startQbittorrent } from "@seedwatch/testbed/qbittorrent";
import { type Seedwatch, startSeedwatch } from "@seedwatch/testbed/seedwatch";
import { Samples } from "../support/exposition.ts";

/** A reverse proxy that answers the first `refusals` logins with its own 403 page, then forwards. */
async function refusingProxy(
  upstream: URL,
  refusals: number,
): Promise<{ url: string; refused: () => number; close(): Promise<void> }> {
  let refused = 0;
  const server: Server = createServer((req, res) => {
    if (req.url?.endsWith("/api/v2/auth/login") && refused < refusals) {
      refused++;
      req.resume();
      res.writeHead(403, { "content-type": "text/html", server: "nginx" });
      res.end("<html><head><title>403 Forbidden</title></head><body>403 Forbidden</body></html>");
      return;
    }
    const forwarded = request(
      new URL(req.url ?? "/", upstream),
      { method: req.method, headers: { ...req.headers, host: upstream.host } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forwarded.on("error", () => res.destroy());
    req.pipe(forwarded);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    refused: () => refused,
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, "close");
    },
  };
}

interface TargetJson {
  readonly name: string;
  readonly up: boolean;
  readonly lastError: string | null;
}

const GLOBAL = "global: { poll_interval: 1s, timeout: 5s, min_refresh_interval: 0s }\n";

describe("seedwatch against a real qBittorrent ban and a proxy's 403", { timeout: 300_000 }, () => {
  let qb: Qbittorrent;
  let proxy: Awaited<ReturnType<typeof refusingProxy>>;
  let seedwatch: Seedwatch;
  const target = (name: string, url: string) =>
    `  - { name: ${name}, type: qbittorrent, url: "${url}", username: "${qb.username}", password: "${qb.password}" }\n`;
  const metrics = async () => new Samples((await seedwatch.get("/metrics")).body);
  const targetJson = async (name: string) =>
    (JSON.parse((await seedwatch.get("/api/v1/targets")).body) as TargetJson[]).find(
      (t) => t.name === name,
    );
  const login = async (password: string) => {
    const response = await fetch(`${qb.url}/api/v2/auth/login`, {
      method: "POST",
      body: new URLSearchParams({ username: qb.username, password }),
      signal: AbortSignal.timeout(5000),
    });
    return { status: response.status, body: await response.text() };
  };

  before(async () => {
    // Two failed logins ban an address for 4 s: a real ban, short enough to wait out.
    qb = await startQbittorrent({
      maxAuthFailures: 2,
      extraConfig: { Preferences: ["WebUI\\BanDuration=4"] },
    });
    proxy = await refusingProxy(new URL(qb.url), 1);
    seedwatch = await startSeedwatch(`${GLOBAL}targets:\n${target("proxied", proxy.url)}`);
  });
  after(async () => {
    await seedwatch?.remove();
    await proxy?.close();
    await qb?.stop();
  });

  it("takes a proxy's 403 on the login for an ordinary failure, retried on the normal backoff", async () => {
    const m = await waitFor("the proxied target to be up", async () => {
      const samples = await metrics();
      return samples.value("pt_up", { name: "proxied" }) === 1 ? samples : undefined;
    });
    assert.equal(proxy.refused(), 1, "the proxy refused the first login");
    const errors = (reason: string) =>
      m.value("seedwatch_target_poll_errors_total", { name: "proxied", reason });
    assert.equal(errors("http"), 1);
    assert.equal(errors("banned"), 0, "a proxy's 403 is not a ban");
    assert.match(
      seedwatch.logs(),
      /reason=http err="POST http:\/\/127\.0\.0\.1:\d+\/api\/v2\/auth\/login: HTTP 403 that is not qBittorrent's ban answer/,
    );
  });

  it("recognises qBittorrent's real ban, and a reload retries the banned target at once", async () => {
    // Ban this address (seedwatch logs in from it too).
    assert.equal((await login("wrong-1")).body, "Fails.");
    assert.equal((await login("wrong-2")).body, "Fails.");
    const banned = await login(qb.password);
    assert.equal(banned.status, 403, "qBittorrent now refuses even the right password");

    await seedwatch.writeConfig(
      `${GLOBAL}targets:\n${target("proxied", proxy.url)}${target("direct", qb.url)}`,
    );
    assert.equal((await fetch(`${seedwatch.url}/-/reload`, { method: "POST" })).status, 200);
    await waitFor("the new target to be refused as banned", async () => {
      const m = await metrics();
      return m.find("seedwatch_target_poll_errors_total", { name: "direct", reason: "banned" })[0]
        ?.value === 1
        ? true
        : undefined;
    });
    const down = await targetJson("direct");
    assert.equal(down?.up, false);
    assert.match(down?.lastError ?? "", /qBittorrent has banned this IP address/);
    assert.match(seedwatch.logs(), /target=direct reason=banned .*retry_in_s=300/);

    // The ban runs out (asking during it does not extend it); then an unchanged reload retries.
    await waitFor("qBittorrent to lift the ban", async () =>
      (await login(qb.password)).status === 200 ? true : undefined,
    );
    assert.equal((await fetch(`${seedwatch.url}/-/reload`, { method: "POST" })).status, 200);
    const m = await waitFor("the banned target to be up without waiting 5 minutes", async () => {
      const samples = await metrics();
      return samples.value("pt_up", { name: "direct" }) === 1 ? samples : undefined;
    });
    assert.equal(
      m.value("seedwatch_target_poll_errors_total", { name: "direct", reason: "banned" }),
      1,
    );
    assert.equal(m.value("pt_up", { name: "proxied" }), 1, "the other target was never affected");
  });
});
