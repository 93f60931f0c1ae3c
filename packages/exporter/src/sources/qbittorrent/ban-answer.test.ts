import assert from "node:assert/strict";
import type { IncomingHttpHeaders } from "node:http";
import { describe, it } from "node:test";
import { BAN_TEXT, isBanAnswer } from "./ban-answer.ts";

/** The headers qbittorrent-nox 4.5.2 sent with its ban answer (captured from the real one). */
const QBITTORRENT: IncomingHttpHeaders = {
  connection: "keep-alive",
  "content-length": "78",
  "content-security-policy":
    "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; script-src 'self' 'unsafe-inline'; object-src 'none'; form-action 'self'; frame-ancestors 'self';",
  "content-type": "text/plain; charset=UTF-8",
  "referrer-policy": "same-origin",
  "x-content-type-options": "nosniff",
  "x-frame-options": "SAMEORIGIN",
  "x-xss-protection": "1; mode=block",
};

describe("isBanAnswer", () => {
  it("recognises qBittorrent's ban, in English and in its other interface languages", () => {
    assert.equal(isBanAnswer(403, QBITTORRENT, BAN_TEXT), true);
    // What 4.5.2 answers with General\Locale=de (seen on the real one).
    const german =
      "Ihre IP-Adresse wurde nach zu vielen fehlerhaften Authentisierungversuchen gebannt.";
    assert.equal(isBanAnswer(403, QBITTORRENT, german), true);
    assert.equal(isBanAnswer(403, QBITTORRENT, "Votre adresse IP est bannie."), true);
    // Its own words are enough, even through a proxy that dropped the headers.
    assert.equal(isBanAnswer(403, { "content-type": "text/plain" }, `${BAN_TEXT}\n`), true);
  });

  it("takes no other 403 for a ban: a proxy's page, an empty body, a bare Forbidden", () => {
    const nginx = { "content-type": "text/html", server: "nginx" };
    const page = "<html><head><title>403 Forbidden</title></head><body>forbidden</body></html>";
    assert.equal(isBanAnswer(403, nginx, page), false);
    assert.equal(isBanAnswer(403, {}, ""), false);
    assert.equal(
      isBanAnswer(403, { "content-type": "text/plain; charset=utf-8" }, "Forbidden"),
      false,
    );
    assert.equal(
      isBanAnswer(403, { "content-type": "text/plain" }, "Access denied by policy"),
      false,
    );
    // qBittorrent's own bare 403 (a request without a session) is not a ban either.
    assert.equal(isBanAnswer(403, QBITTORRENT, "Forbidden"), false);
    assert.equal(isBanAnswer(403, { ...QBITTORRENT, "content-type": "text/html" }, page), false);
  });

  it("is only ever a 403", () => {
    assert.equal(isBanAnswer(200, QBITTORRENT, BAN_TEXT), false);
    assert.equal(isBanAnswer(401, QBITTORRENT, BAN_TEXT), false);
  });
});
