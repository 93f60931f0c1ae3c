// The security headers web-config.yml may set (exporter-toolkit's allow-list), applied to every response.

import type { ServerResponse } from "node:http";

/**
 * The headers `http_server_config.headers` may set, each with its allowed values (undefined: any
 * value). Kept to exporter-toolkit's list so a web-config.yml means the same everywhere.
 */
export const CONFIGURABLE_HEADERS: Readonly<Record<string, readonly string[] | undefined>> = {
  "Content-Security-Policy": undefined,
  "Strict-Transport-Security": undefined,
  "X-Content-Type-Options": ["nosniff"],
  "X-Frame-Options": ["deny", "sameorigin"],
  "X-XSS-Protection": undefined,
};

/** Sets each configured header on a response (before the handler writes it). */
export function applySecurityHeaders(
  res: Pick<ServerResponse, "setHeader">,
  headers: Readonly<Record<string, string>>,
): void {
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
}
