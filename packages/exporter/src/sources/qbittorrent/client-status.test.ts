import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { clientStatus } from "./client-status.ts";

describe("qBittorrent clientStatus", () => {
  it("maps server_state's totals, rates and free space", () => {
    const status = clientStatus("v4.5.2", {
      alltime_dl: 10,
      alltime_ul: 20,
      dl_info_speed: 3,
      up_info_speed: 4,
      free_space_on_disk: 123_456_789,
    });
    assert.deepEqual(status, {
      version: "v4.5.2",
      downloadedTotal: 10,
      uploadedTotal: 20,
      downloadRate: 3,
      uploadRate: 4,
      freeSpace: 123_456_789,
    });
  });

  it("leaves free space absent when qBittorrent reports -1 (unknown)", () => {
    assert.equal(clientStatus("v5.0.0", { free_space_on_disk: -1 }).freeSpace, undefined);
    assert.equal(clientStatus("v5.0.0", {}).freeSpace, undefined);
  });
});
