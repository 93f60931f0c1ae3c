import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { format, inspect } from "node:util";
import { Secret } from "../settings/secret.ts";
import { Credentials, credentialsInUrl } from "./credentials.ts";

const PASSWORD = "pw-5f1e-never-printed";
const API_KEY = "key-9c3a-never-printed";

/** Every way a value ends up in a log line, a message or an answer. */
function printings(value: unknown): string[] {
  return [
    String(value),
    `${value}`,
    JSON.stringify(value),
    JSON.stringify({ nested: { value } }),
    inspect(value),
    inspect({ nested: { value } }, { depth: 10, showHidden: true }),
    format("%s %o %O %j", value, value, value, value),
    format("%o", { value }),
  ];
}

describe("Credentials", () => {
  it("never prints the password or the API key, however it is printed", () => {
    const credentials = new Credentials({
      username: "admin",
      password: new Secret(PASSWORD),
      apiKey: new Secret(API_KEY),
    });
    for (const text of printings(credentials)) {
      assert.ok(!text.includes(PASSWORD), text);
      assert.ok(!text.includes(API_KEY), text);
      assert.ok(text.includes("<secret>"), text);
    }
    assert.deepEqual(Object.keys(credentials), []);
    assert.deepEqual(structuredClone({ credentials }), { credentials: {} });
  });

  it("reveals each part only when asked, for the request being built", () => {
    const credentials = Credentials.login("admin", PASSWORD);
    assert.equal(credentials.username, "admin");
    assert.equal(credentials.revealPassword(), PASSWORD);
    assert.equal(credentials.revealApiKey(), "");
    assert.equal(
      credentials.basicAuthorization(),
      `Basic ${Buffer.from(`admin:${PASSWORD}`).toString("base64")}`,
    );
    const key = new Credentials({ apiKey: new Secret(API_KEY) });
    assert.equal(key.revealApiKey(), API_KEY);
    assert.equal(key.hasApiKey, true);
    assert.equal(key.hasPassword, false);
    assert.equal(key.username, undefined);
  });

  it("tells nothing given from nothing worth sending", () => {
    assert.equal(Credentials.NONE.isEmpty, true);
    assert.equal(Credentials.NONE.isBlank, true);
    const emptyUser = new Credentials({ username: "" });
    assert.equal(emptyUser.isEmpty, false, "Transmission sends Basic auth for a given user");
    assert.equal(emptyUser.isBlank, true, "a web server in front of rTorrent gets none");
    assert.equal(new Credentials({ password: new Secret("") }).hasPassword, true);
    assert.equal(new Credentials({ password: new Secret("x") }).isBlank, false);
    assert.equal(new Credentials({ apiKey: new Secret("k") }).isEmpty, false);
    assert.equal(
      Credentials.NONE.basicAuthorization(),
      `Basic ${Buffer.from(":").toString("base64")}`,
    );
  });

  it("takes what it lacks from a fallback, such as a URL's user info", () => {
    const url = new URL("http://us%20er:p%40ss@box/RPC2");
    const fromUrl = Credentials.NONE.or(credentialsInUrl(url));
    assert.equal(fromUrl.username, "us er");
    assert.equal(fromUrl.revealPassword(), "p@ss");
    const mixed = new Credentials({ username: "given" }).or(credentialsInUrl(url));
    assert.equal(mixed.username, "given");
    assert.equal(mixed.revealPassword(), "p@ss");
    assert.deepEqual(credentialsInUrl(new URL("http://box/RPC2")), {
      username: undefined,
      password: undefined,
    });
  });
});
