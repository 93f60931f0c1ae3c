import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Scrubber } from "./scrubber.ts";

describe("Scrubber", () => {
  it("replaces secrets by placeholders of the same length, the same one each time", () => {
    const scrubber = new Scrubber();
    const passkey = scrubber.secret("0123456789abcdef0123456789abcdef", "passkey");
    assert.equal(passkey, "PASSKEY0000000000000000000000000");
    assert.equal(scrubber.secret("0123456789abcdef0123456789abcdef", "other"), passkey);
    assert.equal(scrubber.secret("abc", "password"), "PAS");
    assert.equal(
      scrubber.text("announce?passkey=0123456789abcdef0123456789abcdef&pw=abc"),
      "announce?passkey=PASSKEY0000000000000000000000000&pw=PAS",
    );
    assert.deepEqual(scrubber.secrets, ["0123456789abcdef0123456789abcdef", "abc"]);
  });

  it("replaces a secret that contains another whole", () => {
    const scrubber = new Scrubber();
    scrubber.secret("abc", "short");
    scrubber.secret("xabcx", "long");
    assert.equal(scrubber.text("xabcx abc"), "LONG0 SHO");
  });

  it("keeps binary framing: bytes around the secrets are untouched and the length is the same", () => {
    const scrubber = new Scrubber();
    scrubber.secret("s3cret", "pw");
    const bytes = Buffer.concat([Buffer.of(0x86), Buffer.from("s3cret"), Buffer.of(0xff, 0x00)]);
    const scrubbed = scrubber.bytes(bytes);
    assert.deepEqual(
      scrubbed,
      Buffer.concat([Buffer.of(0x86), Buffer.from("PW0000"), Buffer.of(0xff, 0x00)]),
    );
  });

  it("names testbed directories without their random part", () => {
    const scrubber = new Scrubber();
    scrubber.tempDir("/tmp/seedwatch-qbittorrent-Ab3dEf/profile");
    assert.equal(
      scrubber.text('"save_path":"/tmp/seedwatch-qbittorrent-Ab3dEf/downloads"'),
      '"save_path":"/tmp/seedwatch-qbittorrent-XXXXXX/downloads"',
    );
    assert.deepEqual(scrubber.secrets, [], "a directory is not a secret");
    assert.throws(() => scrubber.tempDir("/srv/downloads"), /not in a testbed directory/);
  });
});
