/** @awsamp/core fields: properties as every adapter hands them to the core. */
import { ABSENT, fieldOf, stringField, stringOf, typeOf } from "@awsamp/core/fields";
import { expect } from "chai";

describe("fields", () => {
  it("reads a key left out as absent", () => {
    expect(fieldOf({}, "region")).to.deep.equal(ABSENT);
    expect(fieldOf({ region: stringField("us-east-1") }, "region")).to.deep.equal({
      kind: "string",
      value: "us-east-1",
      secret: false,
    });
  });

  it("gives the string of a string field only", () => {
    expect(stringOf(stringField("x", true))).to.equal("x");
    expect(stringOf({ kind: "unknown", secret: false })).to.equal(undefined);
    expect(stringOf({ kind: "list", items: [stringField("x")], secret: false })).to.equal(undefined);
  });

  it("names what a field holds, for messages", () => {
    expect(
      [
        ABSENT,
        { kind: "unknown", secret: false } as const,
        stringField("x"),
        { kind: "list", items: [], secret: false } as const,
        { kind: "object", entries: {}, secret: false } as const,
        { kind: "other", type: "a number", value: 1, secret: false } as const,
      ].map(typeOf),
    ).to.deep.equal(["nothing", "a value not known yet", "a string", "a list", "an object", "a number"]);
  });
});
