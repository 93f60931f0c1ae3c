// Debian's real opentracker on a loopback address, with its whitelist, for tests that need a tracker.

import { appendFile, chmod, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { freePort, waitFor } from "@seedwatch/metrics/testing";
import { type Daemon, startDaemon, tempDir } from "./daemon.ts";

/** How to start a tracker. */
export interface OpentrackerOptions {
  /** IPv4 loopback address to bind (default 127.0.0.1); use 127.0.0.3 and so on for more trackers. */
  readonly host?: string;
  /** Info-hashes (40 hex) whitelisted from the start. */
  readonly allow?: readonly string[];
}

/** The tracker's own counters, from its `/stats` page. */
export interface TrackerCounts {
  readonly torrents: number;
  readonly peers: number;
  readonly seeds: number;
}

/** A running opentracker. */
export interface Opentracker {
  readonly host: string;
  /** HTTP (TCP) port; no UDP port is bound. */
  readonly port: number;
  /** `http://host:port`. */
  readonly url: string;
  /** The announce URL, with `?passkey=` when one is given (private-tracker style). */
  announceUrl(passkey?: string): string;
  /** Appends info-hashes to the whitelist and resolves once the tracker has reloaded it. */
  allow(infoHashes: readonly string[]): Promise<void>;
  /** The `/stats` page as text (`mode` e.g. "everything" for the XML variant). */
  stats(mode?: string): Promise<string>;
  /** Torrents, peers and seeds the tracker knows, parsed from the default `/stats` page. */
  counts(): Promise<TrackerCounts>;
  readonly daemon: Daemon;
  /** Stops the tracker and removes its directory. */
  stop(): Promise<void>;
}

const WHITELIST = "whitelist.txt";
const HASH = /^[0-9a-f]{40}$/i;
const PASSKEY = /^[A-Za-z0-9_-]{1,128}$/;
// Syscall number of rt_sigtimedwait, where the whitelist thread waits for SIGHUP.
const SYS_RT_SIGTIMEDWAIT: Partial<Record<string, string>> = { x64: "128", arm64: "137" };

/**
 * Starts `opentracker` on `host` and a free port. Debian builds it whitelist-only, so announces for
 * hashes not passed to `allow` are refused. As root it chroots into its own temporary directory
 * and drops to `nobody`, so that directory and the whitelist in it are world-readable.
 */
export async function startOpentracker(options: OpentrackerOptions = {}): Promise<Opentracker> {
  const host = options.host ?? "127.0.0.1";
  if (!/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)) {
    throw new Error(`opentracker host must be an IPv4 loopback address (127.x.y.z), got "${host}"`);
  }
  const initial = checkHashes(options.allow ?? []);
  const dir = await tempDir("opentracker");
  try {
    await chmod(dir.path, 0o755);
    const whitelist = join(dir.path, WHITELIST);
    await writeFile(whitelist, lines(initial));
    await chmod(whitelist, 0o644);
    const port = await freePort(host);
    const url = `http://${host}:${port}`;
    const admins = host === "127.0.0.1" ? ["-A", host] : ["-A", "127.0.0.1", "-A", host];
    // Only -p: without -P no UDP port is bound, so no second port has to be free.
    const daemon = await startDaemon({
      name: `opentracker ${host}:${port}`,
      command: "opentracker",
      args: ["-i", host, "-p", String(port), ...admins, "-d", dir.path, "-w", WHITELIST],
      cwd: dir.path,
      ready: async () => (await fetch(`${url}/stats`, { signal: AbortSignal.timeout(2000) })).ok,
    });
    let reloads = Promise.resolve();
    return {
      host,
      port,
      url,
      daemon,
      announceUrl(passkey) {
        if (passkey === undefined) return `${url}/announce`;
        if (!PASSKEY.test(passkey)) {
          throw new Error("passkey must be 1-128 characters of A-Z, a-z, 0-9, _ or -");
        }
        return `${url}/announce?passkey=${passkey}`;
      },
      async allow(infoHashes) {
        const hashes = checkHashes(infoHashes);
        // Serialized: two reloads racing could each see the other's SIGHUP as their own.
        const next = reloads.then(async () => {
          await appendFile(whitelist, lines(hashes));
          await reloadWhitelist(daemon);
        });
        reloads = next.catch(() => {});
        return next;
      },
      stats: (mode) => fetchText(`${url}/stats${mode ? `?mode=${encodeURIComponent(mode)}` : ""}`),
      async counts() {
        const text = await fetchText(`${url}/stats`);
        const match = /^(\d+)\n(\d+)\nopentracker serving (\d+) torrents/.exec(text);
        if (!match) throw new Error(`unexpected opentracker /stats answer: ${text.slice(0, 200)}`);
        return { peers: Number(match[1]), seeds: Number(match[2]), torrents: Number(match[3]) };
      },
      async stop() {
        daemon.signal("SIGCONT");
        await daemon.stop();
        await dir.remove();
      },
    };
  } catch (error) {
    await dir.remove();
    throw error;
  }
}

function checkHashes(hashes: readonly string[]): string[] {
  if (!Array.isArray(hashes)) throw new Error("expected an array of info-hashes (40 hex digits)");
  return hashes.map((hash) => {
    if (typeof hash !== "string" || !HASH.test(hash)) {
      throw new Error(`expected an info-hash of 40 hex digits, got ${JSON.stringify(hash)}`);
    }
    return hash.toLowerCase();
  });
}

function lines(hashes: readonly string[]): string {
  return hashes.map((hash) => `${hash}\n`).join("");
}

async function fetchText(url: string): Promise<string> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
  const text = await response.text();
  if (!response.ok) throw new Error(`GET ${url}: HTTP ${response.status}`);
  return text;
}

/**
 * Sends SIGHUP and waits until the whitelist thread has read the file. opentracker reports nothing
 * on reload and has no way to ask, and a probe announce would add a peer, so we watch the thread:
 * the signal leaves the pending set when the thread takes it, and the thread is back asleep in
 * rt_sigtimedwait once it has read the file.
 */
async function reloadWhitelist(daemon: Daemon): Promise<void> {
  const proc = `/proc/${daemon.pid}`;
  const waiter = await waitFor(
    "opentracker's whitelist thread to wait for SIGHUP",
    async () => (await sigwaitThreads(proc))[0],
    { timeoutMs: 5000, intervalMs: 20 },
  );
  daemon.signal("SIGHUP");
  await waitFor(
    "opentracker to reload its whitelist",
    async () => {
      const status = await readFile(`${proc}/status`, "utf8");
      const pending = /^ShdPnd:\s*([0-9a-f]+)$/m.exec(status)?.[1] ?? "0";
      if ((BigInt(`0x${pending}`) & 1n) !== 0n) return undefined; // SIGHUP (bit 0) not yet taken
      return (await sigwaitThreads(proc)).includes(waiter) ? true : undefined;
    },
    { timeoutMs: 5000, intervalMs: 20 },
  );
}

async function sigwaitThreads(proc: string): Promise<string[]> {
  const sigwait = SYS_RT_SIGTIMEDWAIT[process.arch];
  if (sigwait === undefined) throw new Error(`allow() does not know ${process.arch} syscalls`);
  const found: string[] = [];
  for (const tid of await readdir(`${proc}/task`)) {
    const [stat, syscall] = await Promise.all([
      readFile(`${proc}/task/${tid}/stat`, "utf8"),
      readFile(`${proc}/task/${tid}/syscall`, "utf8"),
    ]);
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    if (state === "S" && syscall.split(" ")[0] === sigwait) found.push(tid);
  }
  return found;
}
