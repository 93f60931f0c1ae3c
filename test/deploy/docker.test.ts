// Checks of deploy/docker without a Docker engine (none runs here): the compose file through the docker CLI's own loader, the Dockerfile's references.

import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { daemonLaunch } from "@seedwatch/testbed";
import { parse } from "yaml";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const COMPOSE = `${ROOT}deploy/docker/compose.linxdot.yml`;
const COMPOSE_PROMETHEUS = `${ROOT}deploy/docker/compose.yml`;
const DOCKERFILE = `${ROOT}deploy/docker/Dockerfile`;

/**
 * `docker stack config` runs the docker CLI's compose loader on the client: schema validation and
 * variable interpolation, no engine needed. It is the only compose validator on this machine
 * (the CLI has no compose plugin); it knows the compose v3 schema, which this file keeps to.
 */
async function stackConfig(
  env: Record<string, string>,
  file = COMPOSE,
): Promise<{ code: number; out: string }> {
  try {
    const { stdout } = await promisify(execFile)(
      process.env.DOCKER ?? "docker",
      ["stack", "config", "--compose-file", file],
      {
        env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/", ...env },
        timeout: 30_000,
      },
    );
    return { code: 0, out: stdout };
  } catch (error) {
    const failure = error as { code?: number | string; stderr?: string };
    if (failure.code === "ENOENT")
      throw new Error(
        "the docker CLI is not installed: it validates the compose file (no engine needed)",
      );
    return { code: Number(failure.code), out: failure.stderr ?? "" };
  }
}

describe("deploy/docker/compose.linxdot.yml", () => {
  it("is a valid compose file running `seedwatch linxdot` on port 8061 from the repository's Dockerfile", async () => {
    const { code, out } = await stackConfig({
      MINER_HOST: "192.168.1.20",
      MINER_USERNAME: "admin",
      MINER_PASSWORD: "pw",
    });
    assert.equal(code, 0, out);
    const service = (parse(out) as { services: Record<string, Record<string, unknown>> }).services[
      "linxdot-exporter"
    ];
    assert.ok(service !== undefined);
    assert.deepEqual(service.command, ["linxdot"]);
    assert.deepEqual(service.build, { context: "../..", dockerfile: "deploy/docker/Dockerfile" });
    assert.deepEqual(service.ports, [
      { mode: "ingress", target: 8061, published: 8061, protocol: "tcp" },
    ]);
    assert.deepEqual(service.environment, {
      MINER_HOST: "192.168.1.20",
      MINER_USERNAME: "admin",
      MINER_PASSWORD: "pw",
      PLAIN_CREDENTIALS: "false",
      EXPORTER_REFRESH: "60",
      EXPORTER_PORT: "8061",
      EXPORTER_DEBUG: "false",
    });
  });

  it("refuses to start without the miner's host, naming the variable", async () => {
    const { code, out } = await stackConfig({ MINER_USERNAME: "admin", MINER_PASSWORD: "pw" });
    assert.equal(code, 1);
    assert.match(out, /required variable MINER_HOST is missing a value: set MINER_HOST/);
  });
});

describe("deploy/docker/compose.yml", () => {
  type Service = Record<string, unknown>;
  let services: Record<string, Service>;
  const written = parse(readFileSync(COMPOSE_PROMETHEUS, "utf8")) as {
    services: Record<string, Service>;
  };

  it("is a valid compose file", async () => {
    const { code, out } = await stackConfig({}, COMPOSE_PROMETHEUS);
    assert.equal(code, 0, out);
    services = (parse(out) as { services: Record<string, Service> }).services;
    assert.deepEqual(Object.keys(services).sort(), ["prometheus", "seedwatch"]);
  });

  it("runs seedwatch from the repository's Dockerfile, its config and state in a mounted folder, published on loopback", () => {
    const seedwatch = services.seedwatch as Service;
    assert.deepEqual(seedwatch.build, { context: "../..", dockerfile: "deploy/docker/Dockerfile" });
    assert.deepEqual(seedwatch.volumes, [
      { type: "bind", source: `${ROOT}deploy/docker/seedwatch`, target: "/seedwatch" },
    ]);
    assert.deepEqual(written.services.seedwatch?.ports, ["127.0.0.1:8742:8742"]);
    assert.equal(seedwatch.read_only, true);
  });

  it("runs Prometheus with the repository's prometheus.yml and alert rules, scraping the seedwatch service", () => {
    const prometheus = services.prometheus as Service;
    const binds = (prometheus.volumes as Array<{ type: string; source: string; target: string }>)
      .filter((v) => v.type === "bind")
      .map((v) => [v.source.slice(ROOT.length), v.target]);
    assert.deepEqual(binds, [
      ["deploy/prometheus/prometheus.yml", "/etc/prometheus/prometheus.yml"],
      ["deploy/prometheus/seedwatch.rules.yml", "/etc/prometheus/seedwatch.rules.yml"],
    ]);
    for (const [source] of binds) assert.ok(existsSync(`${ROOT}${source}`), source);
    assert.ok(
      (prometheus.command as string[]).includes("--config.file=/etc/prometheus/prometheus.yml"),
    );
    const config = parse(readFileSync(`${ROOT}deploy/prometheus/prometheus.yml`, "utf8")) as {
      rule_files: string[];
      scrape_configs: Array<{ static_configs: Array<{ targets: string[] }> }>;
    };
    assert.deepEqual(config.rule_files, ["seedwatch.rules.yml"]);
    assert.deepEqual(config.scrape_configs[0]?.static_configs[0]?.targets, ["seedwatch:8742"]);
    assert.deepEqual(written.services.prometheus?.ports, ["127.0.0.1:9090:9090"]);
  });
});

describe("deploy/docker/Dockerfile (no tool here parses a Dockerfile without an engine: these check its references)", () => {
  const text = readFileSync(DOCKERFILE, "utf8");
  const instructions = text
    .split("\n")
    .filter((line) => line.trim() !== "" && !line.trimStart().startsWith("#"));

  /** The ENTRYPOINT's command, as its JSON form lists it. */
  const entrypoint = (): string[] => {
    const line = instructions.find((l) => l.startsWith("ENTRYPOINT "));
    return JSON.parse(line?.slice("ENTRYPOINT ".length) ?? "[]") as string[];
  };

  it("copies only paths that exist in the repository", () => {
    const sources = instructions
      .filter((line) => line.startsWith("COPY ") && !line.includes("--from="))
      .flatMap((line) => line.split(/\s+/).slice(1, -1));
    assert.ok(sources.length >= 8);
    for (const source of sources) assert.ok(existsSync(`${ROOT}${source}`), source);
  });

  it("gives npm ci the manifest of every workspace the root package.json lists", () => {
    const workspaces = (
      JSON.parse(readFileSync(`${ROOT}package.json`, "utf8")) as { workspaces: string[] }
    ).workspaces;
    const copied = instructions
      .filter((line) => /^COPY packages\/[^/]+\/package\.json /.test(line))
      .map((line) => line.split(/\s+/)[1]?.replace(/\/package\.json$/, ""));
    assert.deepEqual(new Set(copied), new Set(workspaces));
  });

  it("builds on the official node:24 images and runs main.ts as the unprivileged user", () => {
    const from = instructions.filter((line) => line.startsWith("FROM "));
    assert.deepEqual(from, [
      "FROM node:24-bookworm AS deps",
      "FROM node:24-bookworm AS dashboard",
      "FROM node:24-bookworm-slim",
    ]);
    assert.ok(instructions.includes("USER node"));
    const command = entrypoint();
    assert.equal(command[0], "node");
    assert.ok(existsSync(`${ROOT}${(command.at(-1) ?? "").replace(/^\/app\//, "")}`));
  });

  it("starts Node as the seedwatch executable's first line does: its flags and its environment", () => {
    const launch = daemonLaunch();
    assert.deepEqual(entrypoint().slice(1, -1), launch.nodeFlags);
    for (const [name, value] of Object.entries(launch.env))
      assert.ok(instructions.includes(`ENV ${name}=${value}`), `ENV ${name}=${value}`);
  });

  it("fills Node's compile cache at build time with the entry point's own command", () => {
    const command = entrypoint();
    const final = instructions.slice(instructions.indexOf("FROM node:24-bookworm-slim"));
    const cache = final.find((line) => line.startsWith("ENV NODE_COMPILE_CACHE="));
    assert.ok(cache !== undefined, "the final stage sets NODE_COMPILE_CACHE");
    const warm = final.indexOf(`RUN ${command.join(" ")} --version`);
    assert.ok(warm > final.indexOf(cache), "the warm-up runs after NODE_COMPILE_CACHE is set");
    assert.ok(warm < final.indexOf("USER node"), "and before the user changes");
    const dir = cache.slice("ENV NODE_COMPILE_CACHE=".length);
    assert.ok(
      final.some((line) => line.startsWith("RUN ") && line.includes(`chown -R node:node ${dir}`)),
      "the daemon's user owns the cache",
    );
  });

  it("builds the dashboard in its own stage and ships only its dist/ where the daemon looks for it", () => {
    const stage = instructions.slice(
      instructions.indexOf("FROM node:24-bookworm AS dashboard"),
      instructions.indexOf("FROM node:24-bookworm-slim"),
    );
    assert.ok(stage.includes("RUN npx vite build packages/dashboard"));
    assert.ok(stage.some((line) => line.startsWith("RUN npm ci --workspace=@seedwatch/dashboard")));
    assert.ok(
      instructions.includes(
        "COPY --from=dashboard /app/packages/dashboard/dist packages/dashboard/dist",
      ),
    );
    // Every file the dashboard's sources import at run time from outside the dashboard is copied.
    const copied = stage
      .filter((line) => line.startsWith("COPY ") && !line.includes("--from="))
      .flatMap((line) => line.split(/\s+/).slice(1, -1));
    for (const file of dashboardRuntimeImports())
      assert.ok(
        copied.some((path) => file === path || file.startsWith(`${path}/`)),
        `${file} is not copied into the dashboard stage`,
      );
    // DEFAULT_DASHBOARD_DIR: packages/exporter/src/web -> ../../../dashboard/dist in this layout.
    const routes = readFileSync(`${ROOT}packages/exporter/src/web/dashboard-routes.ts`, "utf8");
    assert.match(routes, /new URL\("\.\.\/\.\.\/\.\.\/dashboard\/dist\/", import\.meta\.url\)/);
  });
});

/**
 * Files outside packages/dashboard that the dashboard's sources import at run time (not
 * `import type`, which the build drops), as repository paths.
 */
function dashboardRuntimeImports(): string[] {
  const src = `${ROOT}packages/dashboard/src/`;
  const files = readdirSync(src, { recursive: true, encoding: "utf8" }).filter(
    (f) => f.endsWith(".ts") && !f.endsWith(".test.ts"),
  );
  const found = new Set<string>();
  for (const file of files) {
    const text = readFileSync(`${src}${file}`, "utf8");
    for (const match of text.matchAll(/^import (?!type )[^;]*? from "(\.[^"]+)";/gms)) {
      const path = relative(ROOT, resolve(dirname(`${src}${file}`), match[1] as string));
      if (!path.startsWith("packages/dashboard/")) found.add(path);
    }
  }
  return [...found];
}
