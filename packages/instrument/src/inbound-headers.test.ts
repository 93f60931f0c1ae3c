// The User-Agent of an inbound request as channel-exporter finds it: any spelling of the header, the first one winning.

import assert from "node:assert/strict";
import { once } from "node:events";
import { createServer, request } from "node:http";
import { after, before, describe, it } from "node:test";
import { type Instrument, init } from "./index.ts";
import { close, histogramSeries, listen } from "./test-support.ts";

const INNER = "A123456789_inner_metrics";

/** GET `path` with the raw header list `headers` (names spelled and ordered as given). */
async function get(url: string, path: string, headers: string[]): Promise<void> {
  const req = request(`${url}${path}`, { headers });
  req.end();
  const [response] = (await once(req, "response")) as [import("node:http").IncomingMessage];
  response.resume();
  await once(response, "end");
}

describe("inbound: the User-Agent header", () => {
  let instrument: Instrument;
  let url: string;
  const server = createServer((_req, res) => {
    res.setHeader("content-type", "application/json");
    res.end('{"code":0}');
  });

  before(async () => {
    instrument = init({ syscode: "A123456789", metricsPort: false });
    url = await listen(server);
  });
  after(async () => {
    await close(server);
    await instrument?.close();
  });

  it("is found under any spelling, and the first one in the request wins", async () => {
    await get(url, "/usual", ["User-Agent", "usual/1"]);
    await get(url, "/lower", ["user-agent", "lower/1"]);
    await get(url, "/odd-first", ["USER_AGENT", "odd/1", "User-Agent", "usual/2"]);
    await get(url, "/usual-first", ["User-Agent", "usual/3", "user_agent", "odd/2"]);
    await get(url, "/none", ["Accept", "*/*"]);
    const fCodes = Object.fromEntries(
      histogramSeries(await instrument.metrics(), INNER).map((s) => [
        s.labels.path,
        s.labels.f_code,
      ]),
    );
    assert.deepEqual(fCodes, {
      "/usual": "usual/1",
      "/lower": "lower/1",
      "/odd-first": "odd/1",
      "/usual-first": "usual/3",
      "/none": "",
    });
  });
});
