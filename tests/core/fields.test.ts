/** @awsamp/core fields: properties as every adapter hands them to the core. */
import {
  ABSENT,
  fieldFromValue,
  fieldOf,
  fieldsFromValues,
  stringField,
  stringOf,
  typeOf,
  type ValueEncoding,
  valueFromField,
} from "@awsamp/core/fields";
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

  describe("translating an adapter's values, in the adapter's own encoding", () => {
    /** A toy encoding: "?" is unknown, a secret is { hidden: value }. */
    const TOY: ValueEncoding<unknown> = {
      absent: undefined,
      unknown: "?",
      isUnknown: (value) => value === "?",
      unwrap: (value) =>
        typeof value === "object" && value !== null && "hidden" in value
          ? { value: (value as { hidden: unknown }).hidden, secret: true }
          : { value, secret: false },
      wrap: (value) => ({ hidden: value }),
    };

    it("reads unknowns and secrets as the encoding marks them, at any depth", () => {
      expect(fieldFromValue({ hidden: "?" }, TOY)).to.deep.equal({ kind: "unknown", secret: true });
      expect(fieldFromValue(["a", { hidden: 2 }], TOY)).to.deep.equal({
        kind: "list",
        items: [stringField("a"), { kind: "other", type: "a number", value: 2, secret: true }],
        secret: false,
      });
      expect(fieldFromValue({ on: true, off: null }, TOY)).to.deep.equal({
        kind: "object",
        entries: { on: { kind: "other", type: "a boolean", value: true, secret: false }, off: ABSENT },
        secret: false,
      });
    });

    it("leaves out the adapter's own keys", () => {
      expect(fieldsFromValues({ workspaceId: "ws-1", __own: "x" }, TOY, ["__own"])).to.deep.equal({
        workspaceId: stringField("ws-1"),
      });
    });

    it("writes every field back as the value it was read from", () => {
      for (const value of [
        "text",
        "?",
        { hidden: "s" },
        ["a", { hidden: 1 }],
        { m: { hidden: "?" }, n: false },
      ]) {
        expect(valueFromField(fieldFromValue(value, TOY), TOY)).to.deep.equal(value);
      }
      expect(valueFromField(ABSENT, TOY)).to.equal(undefined);
    });
  });
});
