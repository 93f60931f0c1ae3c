import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { CsrfGuard, crossSiteProblem, readCookie, SESSION_COOKIE } from "./csrf.ts";

const req = (headers: Record<string, string>) => ({ headers });

describe("CSRF tokens bound to the session", () => {
  const guard = new CsrfGuard();

  it("starts a session with an HttpOnly, SameSite=Strict cookie, Secure under TLS", () => {
    const fresh = guard.session(req({}), false);
    assert.match(
      fresh.setCookie ?? "",
      new RegExp(`^${SESSION_COOKIE}=[A-Za-z0-9_-]{43}; Path=/; HttpOnly; SameSite=Strict$`),
    );
    assert.match(guard.session(req({}), true).setCookie ?? "", /; Secure$/);
    const again = guard.session(req({ cookie: `a=b; ${SESSION_COOKIE}=${fresh.id}` }), false);
    assert.deepEqual(again, { id: fresh.id, setCookie: undefined });
  });

  it("accepts the token only with its own session cookie and user", () => {
    const { id } = guard.session(req({}), false);
    const token = guard.token(id, "alice");
    const cookie = `${SESSION_COOKIE}=${id}`;
    assert.equal(guard.verify(req({ cookie }), token, "alice"), true);
    assert.equal(guard.verify(req({ cookie }), token, "mallory"), false, "another user");
    assert.equal(guard.verify(req({ cookie }), token, undefined), false);
    assert.equal(guard.verify(req({}), token, "alice"), false, "no cookie");
    const other = guard.session(req({}), false).id;
    assert.equal(
      guard.verify(req({ cookie: `${SESSION_COOKIE}=${other}` }), token, "alice"),
      false,
    );
    assert.equal(
      guard.verify(req({ cookie: `${cookie}; ${cookie}` }), token, "alice"),
      false,
      "a planted second cookie",
    );
    assert.equal(
      new CsrfGuard().verify(req({ cookie }), token, "alice"),
      false,
      "another process's key",
    );
    assert.equal(guard.verify(req({ cookie }), "", "alice"), false);
  });

  it("never accepts a forged token", () => {
    const { id } = guard.session(req({}), false);
    const good = guard.token(id, undefined);
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (token) => {
        if (token === good) return;
        assert.equal(
          guard.verify(req({ cookie: `${SESSION_COOKIE}=${id}` }), token, undefined),
          false,
        );
      }),
      { numRuns: 500, interruptAfterTimeLimit: 2000 },
    );
  });

  it("reads cookies strictly", () => {
    assert.equal(readCookie("a=1; b = 2 ;c=3", "b"), "2");
    assert.equal(readCookie("a=1", "b"), undefined);
    assert.equal(readCookie("b=1; b=2", "b"), undefined);
    assert.equal(readCookie(`b=${"x".repeat(9000)}`, "b"), undefined);
  });
});

describe("cross-site checks", () => {
  const check = (headers: Record<string, string>, allowed: string[] = []) =>
    crossSiteProblem(req({ host: "127.0.0.1:8742", ...headers }), allowed);

  it("lets same-origin and non-browser requests through", () => {
    assert.equal(check({}), undefined, "curl sends none of the headers");
    assert.equal(check({ origin: "http://127.0.0.1:8742" }), undefined);
    assert.equal(check({ origin: "https://127.0.0.1:8742" }), undefined, "a TLS proxy in front");
    assert.equal(check({ "sec-fetch-site": "same-origin" }), undefined);
    assert.equal(check({ "sec-fetch-site": "none" }), undefined, "typed into the address bar");
    assert.equal(check({ referer: "http://127.0.0.1:8742/remove?target=x" }), undefined);
    assert.equal(
      crossSiteProblem(req({ host: "seed.example.org", origin: "https://seed.example.org" }), []),
      undefined,
    );
    assert.equal(
      check({ origin: "https://seed.example.org" }, ["https://seed.example.org"]),
      undefined,
    );
  });

  it("refuses what another site sends", () => {
    assert.match(
      check({ origin: "http://evil.example" }) ?? "",
      /another site \(Origin "http:\/\/evil.example"\)/,
    );
    assert.match(
      check({ origin: "http://127.0.0.1:9999" }) ?? "",
      /another site/,
      "another port is another origin",
    );
    assert.match(check({ origin: "null" }) ?? "", /opaque origin/);
    assert.match(check({ origin: "file://" }) ?? "", /another site/);
    assert.match(check({ "sec-fetch-site": "cross-site" }) ?? "", /cross-site/);
    assert.match(
      check({ "sec-fetch-site": "same-site" }) ?? "",
      /same-site/,
      "a sibling subdomain is not us",
    );
    assert.match(check({ referer: "https://evil.example/page" }) ?? "", /Referer/);
    assert.match(
      crossSiteProblem(req({ origin: "http://127.0.0.1:8742" }), []) ?? "",
      /another site/,
      "no Host",
    );
  });

  it("never throws on hostile headers", () => {
    const header = fc.oneof(
      fc.string({ maxLength: 80 }),
      fc.webUrl(),
      fc.constantFrom("null", "http://127.0.0.1:8742", "http://[::1", "http://a:99999"),
    );
    fc.assert(
      fc.property(
        fc.record(
          { host: header, origin: header, referer: header, "sec-fetch-site": header },
          { requiredKeys: [] },
        ),
        (headers) => {
          const problem = crossSiteProblem(req(headers as Record<string, string>), [
            "https://ok.example",
          ]);
          assert.ok(problem === undefined || typeof problem === "string");
        },
      ),
      { numRuns: 300, interruptAfterTimeLimit: 3000 },
    );
  });
});
