// Tests of the /info/system parser: what a miner may send, and the errors for what it may not.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { SourceProtocolError } from "../../net/errors.ts";
import { parseSystemInfo } from "./system-info.ts";

const WHERE = "GET http://miner/info/system";
const SAMPLE = {
  animal_name: "xxxxxx-xxxxxxx-xxxxxxxx",
  region: "AU915",
  firmware: "Linxdot 1.2.26 r17752-8c4a79dd5",
  model_name: "LD-1001",
  sn: "LD1NTVxxxxxxxxx",
  cpu_temp: 35.555,
  cpu_usage: 7.169,
  memory_usage: 17.504,
  storage_usage: 39.822,
};

function protocolError(value: unknown, message: RegExp): void {
  assert.throws(
    () => parseSystemInfo(value, WHERE),
    (error: unknown) => error instanceof SourceProtocolError && message.test(error.message),
  );
}

describe("parseSystemInfo", () => {
  it("reads the README's sample answer", () => {
    assert.deepEqual(parseSystemInfo(SAMPLE, WHERE), {
      animalName: "xxxxxx-xxxxxxx-xxxxxxxx",
      region: "AU915",
      firmware: "Linxdot 1.2.26 r17752-8c4a79dd5",
      modelName: "LD-1001",
      sn: "LD1NTVxxxxxxxxx",
      cpuTemp: 35.555,
      cpuUsage: 7.169,
      memoryUsage: 17.504,
      storageUsage: 39.822,
    });
  });

  it("takes figures sent as strings, as Python's float() would, and ignores extra fields", () => {
    const info = parseSystemInfo(
      {
        ...SAMPLE,
        cpu_temp: "35.555",
        cpu_usage: " 7.1694\n",
        memory_usage: "1.75e1",
        storage_usage: "-.5",
        uptime: 1234,
      },
      WHERE,
    );
    assert.equal(info.cpuTemp, 35.555);
    assert.equal(info.cpuUsage, 7.1694);
    assert.equal(info.memoryUsage, 17.5);
    assert.equal(info.storageUsage, -0.5);
  });

  it("takes a number where text is expected as its text", () => {
    assert.equal(parseSystemInfo({ ...SAMPLE, sn: 12345 }, WHERE).sn, "12345");
  });

  it("refuses anything but a JSON object, naming what was expected", () => {
    protocolError(
      [SAMPLE],
      /expected a JSON object with animal_name, .*storage_usage; got an array/,
    );
    protocolError(null, /got null/);
    protocolError("ok", /got "ok"/);
  });

  it("refuses figures that are not numbers, naming every bad field", () => {
    for (const bad of ["abc", "", "nan", "inf", "1_000", "35.5°C", "1e999", true, null, {}, []]) {
      protocolError(
        { ...SAMPLE, cpu_usage: bad },
        /cpu_usage: expected a number or a numeric string, got /,
      );
    }
    protocolError(
      { ...SAMPLE, cpu_temp: "hot", storage_usage: false },
      /cpu_temp: expected a number or a numeric string, got "hot"; storage_usage: .*got boolean false/,
    );
  });

  it("refuses missing fields and text fields of the wrong type", () => {
    const { sn: _sn, ...withoutSn } = SAMPLE;
    protocolError(withoutSn, /sn: expected a string, got nothing \(the field is missing\)/);
    protocolError({ ...SAMPLE, region: ["AU915"] }, /region: expected a string, got an array/);
    protocolError({ ...SAMPLE, firmware: null }, /firmware: expected a string, got null/);
  });

  it("keeps long device text out of the message", () => {
    protocolError({ ...SAMPLE, cpu_temp: "x".repeat(500) }, /got "x{40}\.\.\."$/);
  });
});
