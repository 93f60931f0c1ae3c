// One client of the instrument-overhead benchmark: calls a partner through fetch or http.request, bare or measured by us.

import { Agent, request } from "node:http";

/** What the parent asks: call for this many seconds, then answer with an OutboundRun. */
export interface OutboundRequest {
  readonly seconds: number;
}
export interface OutboundRun {
  readonly calls: number;
  /** Calls the instrumentation recorded so far (partner histogram counts), or -1 without it. */
  readonly recorded: number;
  readonly userMicros: number;
  readonly systemMicros: number;
  readonly seconds: number;
}

/** `fetch` (undici) or `http.request` with a keep-alive agent, as axios and got use it. */
export type Client = "fetch" | "http";

const [client = "fetch", url = "", instrumented = "no"] = process.argv.slice(2);
/** Calls in flight at once. */
const CONCURRENCY = 8;
const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
let calls = 0;

async function viaFetch(): Promise<void> {
  const response = await fetch(url);
  if (response.status !== 200) throw new Error(`partner answered ${response.status}`);
  await response.text();
}

function viaHttp(): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        if (res.statusCode !== 200) reject(new Error(`partner answered ${res.statusCode}`));
        else resolve();
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

const call = client === "fetch" ? viaFetch : viaHttp;

async function run(seconds: number): Promise<OutboundRun> {
  const before = process.cpuUsage();
  const started = performance.now();
  const until = started + seconds * 1000;
  const first = calls;
  const worker = async () => {
    while (performance.now() < until) {
      await call();
      calls++;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const cpu = process.cpuUsage(before);
  return {
    calls: calls - first,
    recorded: await recorded(),
    userMicros: cpu.user,
    systemMicros: cpu.system,
    seconds: (performance.now() - started) / 1000,
  };
}

async function recorded(): Promise<number> {
  if (instrumented !== "yes") return -1;
  const { instrumentation } = await import("@seedwatch/instrument");
  const text = (await instrumentation()?.metrics()) ?? "";
  let sum = 0;
  for (const match of text.matchAll(/^partner_http_metrics_count\{[^}]*\} (\d+)$/gm)) {
    sum += Number(match[1]);
  }
  return sum;
}

process.on("message", (message: OutboundRequest) => {
  void run(message.seconds).then(
    (result) => process.send?.(result),
    (error: unknown) => {
      process.stderr.write(`${client}: ${String(error)}\n`);
      process.exit(1);
    },
  );
});
process.on("disconnect", () => process.exit(0));
process.send?.({ ready: true });
