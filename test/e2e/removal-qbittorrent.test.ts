import assert from "node:assert/strict";
import { access, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { tempDir, waitFor } from "@seedwatch/testbed";
import { type Qbittorrent, startQbittorrent } from "@seedwatch/testbed/qbittorrent";
import { type Seedwatch, startSeedwatch } from "@seedwatch/testbed/seedwatch";
import { type GeneratedTorrent, makeTorrents } from "@seedwatch/testbed/torrents";
import { hash as bcrypt } from "bcryptjs";
import { type CallOptions, httpCall, json } from "../support/http-call.ts";

const USER = "owner";
const PASSWORD = "correct horse battery";
const AUTH = `${USER}:${PASSWORD}`;

interface Answer {
  result: string;
  dryRun: boolean;
  removalEnabled: boolean;
  torrents: Array<{ hash: string; deleteData: boolean; rule: string | null }>;
  missing: string[];
  rules: Array<{ rule: string; matched: number; selected: number }>;
  error: string | null;
  auditId: number;
}

interface AuditEntry {
  id: number;
  user: string | null;
  via: string;
  target: string;
  dryRun: boolean;
  result: string;
  torrents: Array<{ hash: string; deleteData: boolean }>;
}

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

describe("removing torrents from a real qBittorrent through a real seedwatch", {
  timeout: 300_000,
}, () => {
  let qb: Qbittorrent;
  let guarded: Seedwatch;
  let open: Seedwatch;
  let torrents: GeneratedTorrent[];
  let dir: { path: string; remove(): Promise<void> };

  /** The payload file of torrent i (single-file torrents, saved where they were made). */
  const file = (i: number) => join(torrents[i]?.payloadDir ?? "", torrents[i]?.name ?? "");
  const hash = (i: number) => torrents[i]?.infoHash as string;
  const listed = async () =>
    new Set((await qb.api<Array<{ hash: string }>>("torrents/info")).map((t) => t.hash));

  /** A request to the seedwatch that has users; same-origin browser headers unless overridden. */
  const call = (path: string, options: CallOptions = {}) =>
    httpCall(`${guarded.url}${path}`, { auth: AUTH, ...options });
  const remove = (target: string, body: unknown, options: CallOptions = {}) =>
    call(`/api/v1/targets/${target}/remove`, {
      method: "POST",
      body: JSON.stringify(body),
      ...options,
      headers: { "content-type": "application/json", ...options.headers },
    });

  before(async () => {
    dir = await tempDir("removal-qb");
    torrents = await makeTorrents({
      dir: dir.path,
      count: 7,
      size: 96 * 1024,
      announce: ["http://127.0.0.1:9/announce?passkey=0123456789abcdef0123456789abcdef"],
    });
    qb = await startQbittorrent();
    const savepath = torrents[0]?.payloadDir as string;
    await qb.addTorrents(torrents.slice(0, 5), { savepath, skipChecking: true });
    await qb.addTorrents(torrents.slice(5), { savepath, skipChecking: true, category: "old" });
    const box = `url: "${qb.url}", username: "${qb.username}", password: "${qb.password}"`;
    const config =
      "global: { poll_interval: 1s, timeout: 5s, min_refresh_interval: 0s }\n" +
      "targets:\n" +
      `  - name: box\n    type: qbittorrent\n    url: "${qb.url}"\n    username: "${qb.username}"\n    password: "${qb.password}"\n` +
      "    removal:\n      enabled: true\n      rules:\n" +
      "        - { name: old-ones, categories: [old], delete_data: true }\n" +
      "        - { name: huge, size: { min: 1GiB } }\n" +
      // The same client again, as a target where removal stays off (the default).
      `  - { name: locked, type: qbittorrent, ${box} }\n`;
    const webConfig = join(dir.path, "web.yml");
    await writeFile(webConfig, `basic_auth_users:\n  ${USER}: "${await bcrypt(PASSWORD, 4)}"\n`);
    guarded = await startSeedwatch(config, [`--web.config.file=${webConfig}`], { auth: AUTH });
    open = await startSeedwatch(config);
    for (const seedwatch of [guarded, open]) {
      await waitFor("both targets up", async () => {
        const targets = json<Array<{ up: boolean }>>(
          await httpCall(`${seedwatch.url}/api/v1/targets`, { auth: AUTH }),
        );
        return targets.every((t) => t.up) ? true : undefined;
      });
    }
  });
  after(async () => {
    await guarded?.remove();
    await open?.remove();
    await qb?.stop();
    await dir?.remove();
  });

  it("refuses requests without the web-config.yml user", async () => {
    const body = JSON.stringify({ hashes: [hash(0)] });
    const headers = { "content-type": "application/json" };
    const anonymous = await httpCall(`${guarded.url}/api/v1/targets/box/remove`, {
      method: "POST",
      headers,
      body,
    });
    assert.equal(anonymous.status, 401);
    const wrong = await httpCall(`${guarded.url}/api/v1/targets/box/remove`, {
      method: "POST",
      headers,
      body,
      auth: `${USER}:wrong`,
    });
    assert.equal(wrong.status, 401);
    assert.equal((await httpCall(`${guarded.url}/remove?target=box&hash=${hash(0)}`)).status, 401);
    assert.equal((await httpCall(`${guarded.url}/api/v1/audit`)).status, 401);
    assert.ok((await listed()).has(hash(0)));
  });

  it("answers a dry run with what would be removed, and changes nothing", async () => {
    const dry = await remove("box", {
      hashes: [hash(0), "f".repeat(40)],
      deleteData: true,
      dryRun: true,
    });
    assert.equal(dry.status, 200);
    const answer = json<Answer>(dry);
    assert.equal(answer.result, "dry-run");
    assert.deepEqual(
      answer.torrents.map((t) => [t.hash, t.deleteData]),
      [[hash(0), true]],
    );
    assert.deepEqual(answer.missing, ["f".repeat(40)]);
    const preview = json<Answer>(
      await call("/api/v1/targets/box/remove/preview", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ rules: ["old-ones", "huge", { states: ["Paused"] }] }),
      }),
    );
    assert.equal(preview.dryRun, true);
    assert.deepEqual(preview.torrents.map((t) => t.hash).sort(), [hash(5), hash(6)].sort());
    assert.deepEqual(
      preview.rules.map((r) => [r.rule, r.selected]),
      [
        ["old-ones", 2],
        ["huge", 0],
        ["request-rule-3", 0],
      ],
    );
    const now = await listed();
    for (let i = 0; i < torrents.length; i++)
      assert.ok(now.has(hash(i)), `torrent ${i} still there`);
    for (let i = 0; i < torrents.length; i++)
      assert.ok(await exists(file(i)), `file ${i} still there`);
  });

  it("refuses a body that names a key twice, and removes nothing", async () => {
    // JSON.parse keeps the last value: read that way, this would be a real removal.
    for (const body of [
      `{"hashes":["${hash(0)}"],"dryRun":true,"dryRun":false}`,
      `{"hashes":["${hash(0)}"],"dryRun":true,"dry\\u0052un":false}`,
    ]) {
      const answer = await call("/api/v1/targets/box/remove", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
      });
      assert.equal(answer.status, 400, answer.body);
      assert.deepEqual(json<{ error: string }>(answer), {
        error: 'the body names the key "dryRun" twice',
      });
    }
    assert.ok((await listed()).has(hash(0)), "torrent 0 still there");
    assert.ok(await exists(file(0)), "its data still there");
  });

  it("removes a torrent and keeps its data, then one with its data deleted", async () => {
    const kept = await remove("box", { hashes: [hash(0)] });
    assert.equal(kept.status, 200, kept.body);
    assert.equal(json<Answer>(kept).result, "removed");
    assert.equal((await listed()).has(hash(0)), false);
    assert.ok(await exists(file(0)), "data kept");

    const deleted = await remove("box", { hashes: [hash(1)], deleteData: true });
    assert.equal(json<Answer>(deleted).result, "removed");
    assert.equal((await listed()).has(hash(1)), false);
    await waitFor("qBittorrent to delete the data", async () =>
      (await exists(file(1))) ? undefined : true,
    );
    assert.ok(await exists(file(2)), "other torrents' data untouched");
  });

  it("refuses forged cross-site requests, and never changes anything on GET", async () => {
    const body = { hashes: [hash(2)], deleteData: true };
    const evil = await remove("box", body, { headers: { origin: "http://evil.example" } });
    assert.equal(evil.status, 403);
    assert.match(json<{ error: string }>(evil).error, /another site/);
    assert.equal(
      (await remove("box", body, { headers: { "sec-fetch-site": "cross-site" } })).status,
      403,
    );
    // What an HTML form on another site can send: a "simple" content type, no preflight.
    const simple = await call("/api/v1/targets/box/remove", {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: JSON.stringify(body),
    });
    assert.equal(simple.status, 415);
    // The confirmation form posted from elsewhere: the SameSite=Strict cookie is not sent, no token.
    const form = `target=box&hash=${hash(2)}&deleteData=1&shown=${hash(2)}`;
    const forged = await call("/remove", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: form,
    });
    assert.equal(forged.status, 403);
    assert.match(forged.body, /Confirmation expired/);
    // A GET of the link shows the confirmation page and removes nothing.
    const page = await call(`/remove?target=box&hash=${hash(2)}&deleteData=1`);
    assert.equal(page.status, 200);
    assert.match(page.body, /Remove 1 torrent from box\?/);
    assert.match(page.body, /will be deleted from disk/);
    assert.equal(page.headers["x-frame-options"], "DENY");
    assert.match(String(page.headers["content-security-policy"]), /frame-ancestors 'none'/);
    const cookie = String(page.headers["set-cookie"]).split(";")[0] as string;
    const token = /name="csrf" value="([^"]+)"/.exec(page.body)?.[1] as string;
    // A token from the page with another session's cookie, or from another origin, is refused too.
    const otherCookie = await call("/remove", {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        cookie: `seedwatch_session=${"A".repeat(43)}`,
      },
      body: `${form}&csrf=${token}`,
    });
    assert.equal(otherCookie.status, 403);
    const otherOrigin = await call("/remove", {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        cookie,
        origin: "https://grafana.example",
      },
      body: `${form}&csrf=${token}`,
    });
    assert.equal(otherOrigin.status, 403);
    assert.ok((await listed()).has(hash(2)));
    assert.ok(await exists(file(2)));
  });

  it("writes its pages in the language the browser asks for, English otherwise", async () => {
    const link = `/remove?target=box&hash=${hash(2)}&deleteData=1`;
    const chinese = await call(link, { headers: { "accept-language": "zh-CN,zh;q=0.9,en;q=0.8" } });
    assert.equal(chinese.status, 200);
    assert.match(chinese.body, /<html lang="zh-CN">/);
    assert.match(chinese.body, /要从 box 删除 1 个种子吗？/);
    assert.match(chinese.body, /这些种子已下载的文件将从磁盘上删除。/);
    assert.match(String(chinese.headers.vary), /Accept-Language/);
    const english = await call(link, { headers: { "accept-language": "fr-FR, en;q=0.5" } });
    assert.match(english.body, /<html lang="en">/);
    assert.match(english.body, /Remove 1 torrent from box\?/);
    const expired = await call("/remove", {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        "accept-language": "zh",
      },
      body: `target=box&hash=${hash(2)}&shown=${hash(2)}`,
    });
    assert.equal(expired.status, 403);
    assert.match(expired.body, /<h1>确认已失效<\/h1>/);
    const audit = await call("/audit?id=999999", { headers: { "accept-language": "zh-CN" } });
    assert.equal(audit.status, 404);
    assert.match(audit.body, /没有编号为 #999999 的审计日志条目。/);
    assert.ok((await listed()).has(hash(2)), "nothing removed");
  });

  it("removes what the confirmation page showed, once confirmed", async () => {
    const page = await call(`/remove?target=box&hash=${hash(2)}&deleteData=1`);
    const cookie = String(page.headers["set-cookie"]).split(";")[0] as string;
    assert.match(String(page.headers["set-cookie"]), /HttpOnly; SameSite=Strict/);
    const fields = [
      ...page.body.matchAll(/<input type="hidden" name="([a-zA-Z]+)" value="([^"]*)">/g),
    ];
    const form = new URLSearchParams(fields.map((m) => [m[1] as string, m[2] as string]));
    assert.deepEqual(form.getAll("shown"), [hash(2)]);
    const done = await call("/remove", {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        cookie,
        origin: guarded.url,
      },
      body: form.toString(),
    });
    assert.equal(done.status, 200, done.body);
    assert.match(done.body, /Removed 1 torrent from box/);
    assert.equal((await listed()).has(hash(2)), false);
    await waitFor("the data deleted", async () => ((await exists(file(2))) ? undefined : true));
  });

  it("applies a configured rule after previewing it", async () => {
    const settings = json<{ enabled: boolean; rules: Array<{ name: string }> }>(
      await call("/api/v1/targets/box/removal"),
    );
    assert.equal(settings.enabled, true);
    assert.deepEqual(
      settings.rules.map((r) => r.name),
      ["old-ones", "huge"],
    );
    const page = await call("/remove?target=box&rule=old-ones");
    assert.match(page.body, /Rule <b>old-ones<\/b>: 2 match, 2 selected/);
    const applied = json<Answer>(await remove("box", { rules: ["old-ones"] }));
    assert.equal(applied.result, "removed");
    assert.deepEqual(
      applied.torrents.map((t) => [t.hash, t.deleteData, t.rule]).sort(),
      [
        [hash(5), true, "old-ones"],
        [hash(6), true, "old-ones"],
      ].sort(),
    );
    const now = await listed();
    assert.equal(now.has(hash(5)) || now.has(hash(6)), false);
    await waitFor("the rule's data deleted", async () =>
      (await exists(file(5))) || (await exists(file(6))) ? undefined : true,
    );
  });

  it("removes nothing from a target where removal is disabled", async () => {
    const refused = await remove("locked", { hashes: [hash(3)], deleteData: true });
    assert.equal(refused.status, 403);
    assert.match(json<Answer>(refused).error ?? "", /removal is disabled for target locked/);
    const page = await call(`/remove?target=locked&hash=${hash(3)}`);
    assert.match(page.body, /Removal is disabled for locked/);
    assert.doesNotMatch(page.body, /<form/);
    const dry = json<Answer>(await remove("locked", { hashes: [hash(3)], dryRun: true }));
    assert.equal(dry.result, "dry-run");
    assert.equal(dry.removalEnabled, false);
    assert.ok((await listed()).has(hash(3)));
    assert.ok(await exists(file(3)));
  });

  it("keeps an audit log of every removal, dry run and refusal, as JSON and as a page", async () => {
    const { entries } = json<{ entries: AuditEntry[] }>(await call("/api/v1/audit?limit=100"));
    const summary = entries
      .map((e) => [e.target, e.via, e.dryRun, e.result, e.torrents.length, e.user])
      .reverse();
    assert.deepEqual(summary, [
      ["box", "api", true, "dry-run", 1, USER],
      ["box", "api", true, "dry-run", 2, USER],
      ["box", "api", false, "removed", 1, USER],
      ["box", "api", false, "removed", 1, USER],
      ["box", "confirm", false, "removed", 1, USER],
      ["box", "api", false, "removed", 2, USER],
      ["locked", "api", false, "refused", 1, USER],
      ["locked", "api", true, "dry-run", 1, USER],
    ]);
    const onlyRemovals = json<{ entries: AuditEntry[] }>(
      await call("/api/v1/audit?dryRun=0&target=box"),
    );
    assert.equal(onlyRemovals.entries.length, 4);
    const html = await call("/audit");
    assert.equal(html.status, 200);
    assert.match(html.body, /Removal audit log/);
    assert.equal((html.body.match(/<tr><td class="n">/g) ?? []).length, 8);
    assert.equal((await call("/api/v1/audit?limit=9999")).status, 400);
  });

  it("without users, answers loopback only, and refuses a foreign Host (DNS rebinding)", async () => {
    const body = JSON.stringify({ hashes: [hash(3)], dryRun: true });
    const headers = { "content-type": "application/json" };
    const local = await httpCall(`${open.url}/api/v1/targets/box/remove`, {
      method: "POST",
      headers,
      body,
    });
    assert.equal(local.status, 200);
    assert.equal(
      json<{ entries: AuditEntry[] }>(await httpCall(`${open.url}/api/v1/audit`)).entries[0]?.user,
      null,
    );
    const rebound = await httpCall(`${open.url}/api/v1/targets/box/remove`, {
      method: "POST",
      headers: { ...headers, host: `attacker.example:${open.port}` },
      body,
    });
    assert.equal(rebound.status, 403);
    assert.match(rebound.body, /DNS rebinding/);
    assert.equal(
      (await httpCall(`${open.url}/metrics`, { headers: { host: "prometheus.lan" } })).status,
      200,
      "metrics stay open to any Host",
    );
  });
});
