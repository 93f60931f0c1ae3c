import assert from "node:assert/strict";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import {
  makeStateDirectory,
  StateDirectoryError,
  stateDirectory,
  systemdStateDirectory,
} from "./state-directory.ts";

describe("stateDirectory", () => {
  it("is systemd's StateDirectory when the unit sets one (the first of several)", () => {
    const env = { STATE_DIRECTORY: "/var/lib/seedwatch:/var/lib/other", XDG_STATE_HOME: "/x" };
    assert.equal(stateDirectory(env, "/home/u"), "/var/lib/seedwatch");
    assert.equal(systemdStateDirectory(env), "/var/lib/seedwatch");
    assert.equal(systemdStateDirectory({}), undefined);
  });

  it("is $XDG_STATE_HOME/seedwatch, else ~/.local/state/seedwatch", () => {
    assert.equal(
      stateDirectory({ XDG_STATE_HOME: "/srv/state" }, "/home/u"),
      "/srv/state/seedwatch",
    );
    assert.equal(stateDirectory({}, "/home/u"), "/home/u/.local/state/seedwatch");
  });

  it("ignores a relative XDG_STATE_HOME, never the working directory", () => {
    assert.equal(
      stateDirectory({ XDG_STATE_HOME: "state" }, "/home/u"),
      "/home/u/.local/state/seedwatch",
    );
    assert.equal(
      stateDirectory({ STATE_DIRECTORY: "rel" }, "/home/u"),
      "/home/u/.local/state/seedwatch",
    );
  });
});

describe("makeStateDirectory", () => {
  it("creates the directory and its missing parents with mode 0700", () => {
    const root = mkdtempSync(join(tmpdir(), "seedwatch-state-"));
    try {
      const dir = join(root, ".local", "state", "seedwatch");
      assert.equal(makeStateDirectory(dir), dir);
      for (const path of [dir, join(root, ".local", "state"), join(root, ".local")])
        assert.equal(statSync(path).mode & 0o777, 0o700, path);
      assert.equal(makeStateDirectory(dir), dir, "an existing one is fine");
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it("says which directory it could not make, and what to do", () => {
    const root = mkdtempSync(join(tmpdir(), "seedwatch-state-"));
    try {
      writeFileSync(join(root, "file"), "");
      assert.throws(
        () => makeStateDirectory(join(root, "file", "seedwatch")),
        (error: unknown) =>
          error instanceof StateDirectoryError &&
          error.message.includes(join(root, "file", "seedwatch")) &&
          error.message.includes("XDG_STATE_HOME"),
      );
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
