// Node's network and crypto modules as the daemon takes them: without their ESM facades, and TLS only when first used.
//
// `import ... from "node:http"` makes Node build the module's ESM facade, which reads every export,
// the lazy `WebSocket`, `CloseEvent` and `MessageEvent` too: that loads undici, HTTP/2, TLS and
// OpenSSL, about 14 MB resident for nothing (node:crypto's facade loads WebCrypto the same way).
// `process.getBuiltinModule` hands out the module itself. node:https and node:tls cost about 9 MB
// more (OpenSSL's TLS), so they are taken when a TLS connection or server is first made.

/** node:http. */
export const http: typeof import("node:http") = process.getBuiltinModule("node:http");

/** node:crypto (hashes, random bytes, HMAC; not WebCrypto). */
export const crypto: typeof import("node:crypto") = process.getBuiltinModule("node:crypto");

/** node:https, loaded on first call. */
export function https(): typeof import("node:https") {
  return process.getBuiltinModule("node:https");
}

/** node:tls, loaded on first call. */
export function tls(): typeof import("node:tls") {
  return process.getBuiltinModule("node:tls");
}
