import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { compare } from "bcryptjs";
import { bcryptCost, DEFAULT_BCRYPT_COST, hashPassword } from "./hash-password.ts";

describe("hashPassword", () => {
  it("makes a bcrypt hash of the default cost that verifies, and a new salt each time", async () => {
    const first = await hashPassword("correct horse");
    assert.equal(bcryptCost(first), DEFAULT_BCRYPT_COST);
    assert.equal(await compare("correct horse", first), true);
    assert.equal(await compare("correct horsE", first), false);
    const cheap = await hashPassword("correct horse", 4);
    assert.match(cheap, /^\$2b\$04\$/);
    assert.notEqual(cheap.slice(7, 29), first.slice(7, 29));
  });

  it("refuses bad input without repeating the password", async () => {
    await assert.rejects(hashPassword("", 4), {
      message: "password: expected a non-empty password",
    });
    await assert.rejects(hashPassword("é".repeat(37), 4), {
      message: "password: expected at most 72 bytes (bcrypt ignores the rest), got 74",
    });
    await assert.rejects(hashPassword("secret-pw", 3), {
      message: "bcrypt cost: expected an integer from 4 to 31, got 3",
    });
    await assert.rejects(
      hashPassword("secret-pw", 10.5),
      (error: Error) => !error.message.includes("secret-pw"),
    );
  });
});

describe("bcryptCost", () => {
  it("accepts the $2a$, $2b$ and $2y$ forms and refuses the rest", () => {
    const body = "QOauhQNbBCuQDKes6eFzPeMqBSjb7Mr5DUmpZ/VcEd00UAV/LDeSi";
    assert.equal(bcryptCost(`$2y$10$${body}`), 10);
    assert.equal(bcryptCost(`$2a$04$${body}`), 4);
    assert.equal(bcryptCost(`$2b$31$${body}`), 31);
    for (const bad of [
      `$2x$10$${body}`,
      `$2y$03$${body}`,
      `$2y$32$${body}`,
      `$2y$10$${body}x`,
      "hunter2",
      "",
    ]) {
      assert.equal(bcryptCost(bad), undefined, bad);
    }
  });
});
