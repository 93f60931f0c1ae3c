import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { publicUrl, redactUrl } from "./redact-url.ts";

describe("publicUrl and redactUrl", () => {
  it("leave a URL without credentials exactly as written", () => {
    for (const url of [
      "http://127.0.0.1:8080",
      "http://box:9091/transmission/rpc",
      "https://seedbox.example/qbt/",
      "deluge://127.0.0.1:58846",
      "scgi:///home/u/.rtorrent.sock",
      "scgi://[::1]:5000",
    ]) {
      assert.equal(publicUrl(url), url);
      assert.equal(redactUrl(url), url);
    }
  });

  it("drop (or mark) a query string, a fragment and user info", () => {
    const url = "http://box:9091/transmission/rpc?token=s3cr3t&x=1#frag";
    assert.equal(publicUrl(url), "http://box:9091/transmission/rpc");
    assert.equal(redactUrl(url), "http://box:9091/transmission/rpc?<secret>#<secret>");
    assert.equal(publicUrl("https://u:p@ss@box/?k=v"), "https://box/");
    assert.equal(redactUrl("https://u:p@ss@box/?k=v"), "https://<secret>@box/?<secret>");
    assert.equal(publicUrl("http://box:8080?token=s3cr3t"), "http://box:8080");
    assert.equal(
      publicUrl("http://box/a@b/c"),
      "http://box/a@b/c",
      "an @ in the path is not user info",
    );
  });

  it("never lets the secret through, whatever the text", () => {
    for (const text of [
      "?token=s3cr3t",
      "not a url?token=s3cr3t",
      "http://h/p?#s3cr3t",
      "x://s3cr3t@h",
    ]) {
      assert.doesNotMatch(publicUrl(text), /s3cr3t/, text);
      assert.doesNotMatch(redactUrl(text), /s3cr3t/, text);
    }
  });
});
