import assert from "node:assert/strict";
import { IncomingMessage, ServerResponse } from "node:http";
import { Socket } from "node:net";
import { describe, it } from "node:test";
import { applySecurityHeaders, CONFIGURABLE_HEADERS } from "./security-headers.ts";

describe("security headers", () => {
  it("are exporter-toolkit's allow-list", () => {
    assert.deepEqual(Object.keys(CONFIGURABLE_HEADERS).sort(), [
      "Content-Security-Policy",
      "Strict-Transport-Security",
      "X-Content-Type-Options",
      "X-Frame-Options",
      "X-XSS-Protection",
    ]);
    assert.deepEqual(CONFIGURABLE_HEADERS["X-Frame-Options"], ["deny", "sameorigin"]);
    assert.deepEqual(CONFIGURABLE_HEADERS["X-Content-Type-Options"], ["nosniff"]);
  });

  it("are set on a response", () => {
    const res = new ServerResponse(new IncomingMessage(new Socket()));
    applySecurityHeaders(res, {
      "X-Frame-Options": "deny",
      "Content-Security-Policy": "default-src 'none'",
    });
    assert.equal(res.getHeader("x-frame-options"), "deny");
    assert.equal(res.getHeader("content-security-policy"), "default-src 'none'");
  });
});
