/** @awsamp/plugin values: property values as the engine sends them, with unknown sentinels and secret wrappers. */

import {
  fromStruct,
  isSecret,
  isUnknown,
  type PropertyObject,
  readField,
  SECRET_SIG,
  SECRET_SIG_KEY,
  secret,
  secretKeysOf,
  toStruct,
  UNKNOWN,
  unwrapSecret,
  valueOfField,
  withSecrets,
} from "@awsamp/plugin/values";
import { expect } from "chai";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";

describe("plugin values: Structs", () => {
  it("round-trips JSON values through a Struct, secrets and unknowns included", () => {
    const properties: PropertyObject = {
      text: "a",
      number: 1.5,
      flag: false,
      nothing: null,
      list: [1, "two", [true]],
      nested: { inner: { deep: "x" } },
      hidden: secret("s"),
      later: UNKNOWN,
    };
    const struct = toStruct(properties);
    expect(struct).to.be.instanceOf(Struct);
    expect(fromStruct(Struct.deserializeBinary(struct.serializeBinary()))).to.deep.equal(properties);
  });

  it("decodes an absent Struct as an empty map", () => {
    expect(fromStruct(undefined)).to.deep.equal({});
    expect(fromStruct(new Struct())).to.deep.equal({});
  });
});

describe("plugin values: unknowns and secrets", () => {
  it("recognises every typed unknown sentinel the engine sends, and only those", () => {
    for (const sentinel of [
      UNKNOWN,
      "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
      "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
      "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
      "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
    ]) {
      expect(isUnknown(sentinel), sentinel).to.equal(true);
    }
    expect(["text", undefined, null, [UNKNOWN]].filter(isUnknown)).to.deep.equal([]);
  });

  it("wraps a value as the engine's secret, and recognises only that signature as a secret", () => {
    expect(secret("s")).to.deep.equal({ [SECRET_SIG_KEY]: SECRET_SIG, value: "s" });
    expect(isSecret(secret(null))).to.equal(true);
    expect(isSecret({ [SECRET_SIG_KEY]: "another signature", value: "s" })).to.equal(false);
    expect(["s", null, undefined, [secret("s")]].filter(isSecret)).to.deep.equal([]);
  });

  it("unwraps any number of secret wrappers, and a wrapper without a value as null", () => {
    expect(unwrapSecret(secret(secret({ a: 1 })))).to.deep.equal({ a: 1 });
    expect(unwrapSecret("plain")).to.equal("plain");
    expect(unwrapSecret({ [SECRET_SIG_KEY]: SECRET_SIG })).to.equal(null);
  });

  it("wraps the named properties that are present and not yet secret, leaving the map given alone", () => {
    const properties: PropertyObject = { a: "x", b: secret("y"), c: null, d: "z" };
    const out = withSecrets(properties, ["a", "b", "c", "missing"]);
    expect(out).to.deep.equal({ a: secret("x"), b: secret("y"), c: secret(null), d: "z" });
    expect(properties.a).to.equal("x");
    expect(secretKeysOf(out)).to.deep.equal(["a", "b", "c"]);
  });
});

describe("plugin values: fields", () => {
  it("reads absent, null, unknown and string properties, and whether they were secret", () => {
    const properties: PropertyObject = { none: null, later: secret(UNKNOWN), text: "t", hidden: secret("h") };
    expect(readField(properties, "missing")).to.deep.equal({ kind: "absent" });
    expect(readField(properties, "none")).to.deep.equal({ kind: "absent" });
    expect(readField(properties, "later")).to.deep.equal({ kind: "unknown", secret: true });
    expect(readField(properties, "text")).to.deep.equal({ kind: "string", value: "t", secret: false });
    expect(readField(properties, "hidden")).to.deep.equal({ kind: "string", value: "h", secret: true });
  });

  it("reads a key inherited from Object.prototype as absent", () => {
    expect(readField({}, "toString")).to.deep.equal({ kind: "absent" });
  });

  it("reads lists and objects element by element, and numbers and booleans by their type", () => {
    expect(readField({ l: [secret("a"), 2] }, "l")).to.deep.equal({
      kind: "list",
      items: [
        { kind: "string", value: "a", secret: true },
        { kind: "other", type: "a number", value: 2, secret: false },
      ],
      secret: false,
    });
    expect(readField({ o: secret({ on: true }) }, "o")).to.deep.equal({
      kind: "object",
      entries: { on: { kind: "other", type: "a boolean", value: true, secret: false } },
      secret: true,
    });
  });

  it("writes string, unknown and object fields back as the engine's values, secrets wrapped", () => {
    const properties: PropertyObject = { m: { a: secret("x"), b: UNKNOWN }, s: secret(UNKNOWN), t: "plain" };
    for (const key of Object.keys(properties)) {
      expect(valueOfField(readField(properties, key)), key).to.deep.equal(properties[key]);
    }
  });

  it("writes lists, numbers and booleans back as they came, and an absent field as null", () => {
    const properties: PropertyObject = { l: ["a", secret(2)], n: 1, b: secret(false) };
    for (const key of Object.keys(properties)) {
      expect(valueOfField(readField(properties, key)), key).to.deep.equal(properties[key]);
    }
    expect(valueOfField({ kind: "absent" })).to.equal(null);
  });
});
