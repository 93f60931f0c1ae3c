// What of a target URL may be shown: a query string or user info is a credential, like a password.

import { REDACTED as SECRET } from "../settings/secret.ts";

/** The URL's parts, split as written (so what is shown keeps the operator's spelling). */
interface UrlParts {
  /** `http://`, `scgi://`, `deluge://`; empty for text that is not a URL. */
  readonly scheme: string;
  readonly userinfo: string | undefined;
  /** Host, port and path. */
  readonly rest: string;
  readonly query: string | undefined;
  readonly fragment: string | undefined;
}

function split(url: string): UrlParts {
  const hash = url.indexOf("#");
  const beforeHash = hash === -1 ? url : url.slice(0, hash);
  const fragment = hash === -1 ? undefined : url.slice(hash + 1);
  const question = beforeHash.indexOf("?");
  const beforeQuery = question === -1 ? beforeHash : beforeHash.slice(0, question);
  const query = question === -1 ? undefined : beforeHash.slice(question + 1);
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.exec(beforeQuery)?.[0] ?? "";
  const afterScheme = beforeQuery.slice(scheme.length);
  // User info ends at the last "@" of the authority (a password may contain "@").
  const slash = afterScheme.indexOf("/");
  const authority = slash === -1 ? afterScheme : afterScheme.slice(0, slash);
  const at = scheme === "" ? -1 : authority.lastIndexOf("@");
  return {
    scheme,
    userinfo: at === -1 ? undefined : authority.slice(0, at),
    rest: at === -1 ? afterScheme : afterScheme.slice(at + 1),
    query,
    fragment,
  };
}

/**
 * A target URL fit for a label, a log line or a page: scheme, host, port and path as written,
 * without user info, query string or fragment (`http://box:9091/transmission/rpc?token=x`
 * becomes `http://box:9091/transmission/rpc`). A URL without any of them is unchanged.
 */
export function publicUrl(url: string): string {
  const parts = split(url);
  return `${parts.scheme}${parts.rest}`;
}

/**
 * A target URL as `/config` shows it: what a credential could be in (user info, the query
 * string, the fragment) replaced by `<secret>`, so the reader still sees that it is there
 * (`http://box:9091/transmission/rpc?<secret>`).
 */
export function redactUrl(url: string): string {
  const parts = split(url);
  return (
    parts.scheme +
    (parts.userinfo === undefined ? "" : `${SECRET}@`) +
    parts.rest +
    (parts.query === undefined ? "" : `?${SECRET}`) +
    (parts.fragment === undefined ? "" : `#${SECRET}`)
  );
}
