// Tells qBittorrent's own "your IP is banned" login answer from any other 403 (a proxy, a firewall).

import type { IncomingHttpHeaders } from "node:http";

/**
 * The English text of the ban answer, the same in 4.1 to 5.2 (`AuthController::loginAction`,
 * from 5.2 `WebApplication::validateCredentials`). qBittorrent translates it into its interface
 * language (`General\Locale`), so it is one way among two to recognise the answer.
 */
export const BAN_TEXT =
  "Your IP address has been banned after too many failed authentication attempts.";

/**
 * Whether a 403 answer to `POST /api/v2/auth/login` is qBittorrent banning this IP. In every
 * version from 4.1 to 5.2, the login's only 403 is the ban: a plain-text sentence (the
 * `ForbiddenHTTPError`'s message) on an answer carrying the headers qBittorrent puts on every
 * answer it sends (`X-XSS-Protection: 1; mode=block`, `X-Content-Type-Options: nosniff`). So the
 * answer is a ban when it says so in English, or when it is plain text from qBittorrent that is
 * not the bare status text (`Forbidden`, which qBittorrent only sends for other requests). A
 * reverse proxy's or a firewall's own 403 (an HTML page, an empty body, a bare `Forbidden`, none
 * of those headers) is not a ban.
 */
export function isBanAnswer(status: number, headers: IncomingHttpHeaders, body: string): boolean {
  if (status !== 403) return false;
  const text = body.trim();
  if (text === BAN_TEXT) return true;
  return (
    fromQbittorrent(headers) &&
    /^text\/plain\b/i.test(header(headers, "content-type")) &&
    text !== "" &&
    text.toLowerCase() !== "forbidden" &&
    !text.includes("<")
  );
}

/** The headers qBittorrent's web server adds to every answer, whatever its settings. */
function fromQbittorrent(headers: IncomingHttpHeaders): boolean {
  return (
    header(headers, "x-xss-protection").replace(/\s+/g, "") === "1;mode=block" &&
    header(headers, "x-content-type-options").trim().toLowerCase() === "nosniff"
  );
}

function header(headers: IncomingHttpHeaders, name: string): string {
  const value = headers[name];
  return (Array.isArray(value) ? value.join(",") : value) ?? "";
}
