/** @awsamp/core policy/json: parsing a document's text, where a syntax error is, and which keys appear twice. */

import {
  describeSyntaxError,
  type JsonSyntaxError,
  type ParsedJson,
  parseJson,
  parseJsonOrUndefined,
} from "@awsamp/core/policy/json";
import { expect } from "chai";

/** The syntax error of text that must not parse. */
function errorOf(text: string): JsonSyntaxError {
  const parsed: ParsedJson = parseJson(text);
  if (parsed.ok) throw new Error(`${JSON.stringify(text)} parsed, but it was expected not to`);
  return parsed.error;
}

describe("core policy/json: parseJson", () => {
  it("returns the value JSON.parse gives, and no duplicate keys where there are none", () => {
    const text = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow"}],"n":-1.5e3,"t":true,"z":null}';
    expect(parseJson(text)).to.deep.equal({ ok: true, value: JSON.parse(text), duplicateKeyPaths: [] });
  });

  it("names every key that appears twice in one object by its path, and keeps the last value as JSON.parse does", () => {
    const text = '{"a":1,"a":2,"b":{"c":1,"c":2},"d":[{"x":1,"x":1}],"aws:k":1,"aws:k":2}';
    const parsed = parseJson(text);
    expect(parsed).to.deep.equal({
      ok: true,
      value: { a: 2, b: { c: 2 }, d: [{ x: 1 }], "aws:k": 2 },
      duplicateKeyPaths: ["$.a", "$.b.c", "$.d[0].x", '$["aws:k"]'],
    });
  });

  it("does not count the same key in two different objects as a duplicate", () => {
    expect(parseJson('[{"Sid":"a"},{"Sid":"b"}]')).to.deep.include({ ok: true, duplicateKeyPaths: [] });
  });

  it("counts lines and columns from 1, across line breaks", () => {
    expect(errorOf('{\n  "a": 1,\n  "b" 2}')).to.deep.equal({
      offset: 18,
      line: 3,
      column: 7,
      reason: "expected ':' after a property name",
    });
  });

  const cases: [text: string, offset: number, reason: string][] = [
    ["", 0, "the text ends where a value should be"],
    ["[1,]", 3, "unexpected ']' where a value should be"],
    ["[1 2]", 3, "expected ',' or ']' after a list element"],
    ['{"a":1', 6, "the text ends early: expected ',' or '}' after a property value"],
    ["{a:1}", 1, "expected a property name in double quotes"],
    ['{"a":"abc', 9, "the text ends inside a string"],
    ['{"a":"x\ny"}', 7, "unescaped control character (such as a line break) in a string"],
    ['"\\q"', 1, "invalid escape sequence in a string"],
    ['{"a": -}', 6, "malformed number"],
    ["tru", 0, "unexpected text where a value should be"],
    ["01", 1, "unexpected text after the end of the document"],
    ["{} x", 3, "unexpected text after the end of the document"],
    ["\u00a0", 0, "unexpected character U+00A0 where a value should be"],
  ];
  for (const [text, offset, reason] of cases) {
    it(`refuses ${JSON.stringify(text)} at character ${offset + 1}: ${reason}`, () => {
      expect(errorOf(text)).to.deep.include({ offset, reason });
    });
  }

  it("still parses a document nested deeper than its scan can go, leaving only duplicate keys unreported", () => {
    const depth = 100_000;
    const parsed = parseJson(`${"[".repeat(depth)}{"a":1,"a":2}${"]".repeat(depth)}`);
    expect(parsed.ok).to.equal(true);
    expect(parsed.ok && parsed.duplicateKeyPaths).to.deep.equal([]);
    expect(parseJson('[[[{"a":1,"a":2}]]]')).to.deep.include({ duplicateKeyPaths: ["$[0][0][0].a"] });
  });

  it("falls back on JSON.parse's position and words where its scan cannot go", () => {
    const depth = 100_000;
    const error = errorOf(`${"[".repeat(depth)}${"]".repeat(depth - 1)}`);
    expect(error).to.deep.include({ offset: 2 * depth - 1, line: 1, column: 2 * depth });
    expect(error.reason).to.match(/position \d+/);
  });
});

describe("core policy/json: parseJsonOrUndefined", () => {
  it("wraps the value, so that a JSON null is told apart from text that is not JSON", () => {
    expect(parseJsonOrUndefined('{"a":[1]}')).to.deep.equal({ value: { a: [1] } });
    expect(parseJsonOrUndefined("null")).to.deep.equal({ value: null });
    expect(parseJsonOrUndefined("{")).to.equal(undefined);
  });
});

describe("core policy/json: describeSyntaxError", () => {
  it("says the reason, the line and column, and the character counted from 1", () => {
    expect(describeSyntaxError({ offset: 4, line: 2, column: 3, reason: "bad" })).to.equal(
      "bad at line 2, column 3 (character 5)",
    );
    expect(describeSyntaxError(errorOf("[1,]"))).to.equal(
      "unexpected ']' where a value should be at line 1, column 4 (character 4)",
    );
  });
});
