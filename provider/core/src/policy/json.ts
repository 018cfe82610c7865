/** Parsing a document's JSON text: where a syntax error is, and which keys appear twice. */
import { indexPath, keyPath, ROOT_PATH } from "./problems";

/** Where and why the text is not JSON; line and column count from 1. */
export interface JsonSyntaxError {
  offset: number;
  line: number;
  column: number;
  reason: string;
}

/** The parsed value and the paths of keys that appear twice in one object, or the syntax error. */
export type ParsedJson =
  | { ok: true; value: unknown; duplicateKeyPaths: string[] }
  | { ok: false; error: JsonSyntaxError };

/** Parses JSON text; never throws. JSON.parse does the parsing; a scan of the text finds what it does not say. */
export function parseJson(text: string): ParsedJson {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    return { ok: false, error: locateSyntaxError(text, cause) };
  }
  return { ok: true, value, duplicateKeyPaths: scan(text).duplicateKeyPaths };
}

/** JSON text's value, or undefined when the text is not JSON. */
export function parseJsonOrUndefined(text: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) };
  } catch {
    return undefined;
  }
}

/** Describes a syntax error as line, column and offset. */
export function describeSyntaxError(error: JsonSyntaxError): string {
  return `${error.reason} at line ${error.line}, column ${error.column} (character ${error.offset + 1})`;
}

function locateSyntaxError(text: string, cause: unknown): JsonSyntaxError {
  const found = scan(text).failure;
  // The scan and JSON.parse agree on what JSON is; should they ever not, JSON.parse's own words still help.
  const offset = found?.offset ?? positionInMessage(cause) ?? 0;
  const reason = found?.reason ?? (cause instanceof Error ? cause.message : "not valid JSON");
  return { offset, ...lineAndColumn(text, offset), reason };
}

function positionInMessage(cause: unknown): number | undefined {
  const match = cause instanceof Error ? /position (\d+)/.exec(cause.message) : null;
  return match ? Number(match[1]) : undefined;
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

class ScanFailure {
  constructor(
    readonly offset: number,
    readonly reason: string,
  ) {}
}

interface ScanResult {
  failure?: ScanFailure;
  duplicateKeyPaths: string[];
}

function scan(text: string): ScanResult {
  const scanner = new JsonScanner(text);
  try {
    scanner.document();
    return { duplicateKeyPaths: scanner.duplicateKeyPaths };
  } catch (thrown) {
    // A document nested deeper than the stack allows is still JSON; only its duplicate keys go unreported.
    if (thrown instanceof ScanFailure)
      return { failure: thrown, duplicateKeyPaths: scanner.duplicateKeyPaths };
    return { duplicateKeyPaths: scanner.duplicateKeyPaths };
  }
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPE = /\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})/y;

/** A recognizer of JSON (RFC 8259) that tracks the path it is at, so it can name duplicate keys. */
class JsonScanner {
  private pos = 0;
  readonly duplicateKeyPaths: string[] = [];

  constructor(private readonly text: string) {}

  document(): void {
    this.value(ROOT_PATH);
    this.skipWhitespace();
    if (this.pos < this.text.length) this.fail("unexpected text after the end of the document");
  }

  private value(path: string): void {
    this.skipWhitespace();
    const c = this.text[this.pos];
    if (c === "{") this.object(path);
    else if (c === "[") this.array(path);
    else if (c === '"') this.string();
    else if (c === "t") this.literal("true");
    else if (c === "f") this.literal("false");
    else if (c === "n") this.literal("null");
    else if (c === "-" || (c !== undefined && c >= "0" && c <= "9")) this.number();
    else if (c === undefined) this.fail("the text ends where a value should be");
    else this.fail(`unexpected ${describeCharacter(c)} where a value should be`);
  }

  private object(path: string): void {
    this.pos++;
    this.skipWhitespace();
    if (this.text[this.pos] === "}") {
      this.pos++;
      return;
    }
    const seen = new Set<string>();
    for (;;) {
      this.skipWhitespace();
      if (this.text[this.pos] !== '"') this.fail("expected a property name in double quotes");
      const key = this.string();
      if (seen.has(key)) this.duplicateKeyPaths.push(keyPath(path, key));
      seen.add(key);
      this.skipWhitespace();
      this.expect(":", "expected ':' after a property name");
      this.value(keyPath(path, key));
      this.skipWhitespace();
      if (this.text[this.pos] === ",") {
        this.pos++;
        continue;
      }
      this.expect("}", "expected ',' or '}' after a property value");
      return;
    }
  }

  private array(path: string): void {
    this.pos++;
    this.skipWhitespace();
    if (this.text[this.pos] === "]") {
      this.pos++;
      return;
    }
    for (let index = 0; ; index++) {
      this.value(indexPath(path, index));
      this.skipWhitespace();
      if (this.text[this.pos] === ",") {
        this.pos++;
        continue;
      }
      this.expect("]", "expected ',' or ']' after a list element");
      return;
    }
  }

  /** Reads a string token and returns its value. */
  private string(): string {
    const start = this.pos;
    this.pos++;
    for (;;) {
      const code = this.text.charCodeAt(this.pos);
      if (Number.isNaN(code)) this.fail("the text ends inside a string");
      if (code === 34) break;
      if (code === 92) {
        ESCAPE.lastIndex = this.pos;
        if (!ESCAPE.test(this.text)) this.fail("invalid escape sequence in a string");
        this.pos = ESCAPE.lastIndex;
        continue;
      }
      if (code < 32) this.fail("unescaped control character (such as a line break) in a string");
      this.pos++;
    }
    this.pos++;
    return JSON.parse(this.text.slice(start, this.pos)) as string;
  }

  private number(): void {
    NUMBER.lastIndex = this.pos;
    const match = NUMBER.exec(this.text);
    if (!match) this.fail("malformed number");
    this.pos = NUMBER.lastIndex;
  }

  private literal(word: string): void {
    if (!this.text.startsWith(word, this.pos)) this.fail(`unexpected text where a value should be`);
    this.pos += word.length;
  }

  private expect(c: string, reason: string): void {
    if (this.text[this.pos] !== c)
      this.fail(this.pos >= this.text.length ? `the text ends early: ${reason}` : reason);
    this.pos++;
  }

  private skipWhitespace(): void {
    for (;;) {
      const code = this.text.charCodeAt(this.pos);
      if (code !== 32 && code !== 9 && code !== 10 && code !== 13) return;
      this.pos++;
    }
  }

  private fail(reason: string): never {
    throw new ScanFailure(this.pos, reason);
  }
}

function describeCharacter(c: string): string {
  const code = c.codePointAt(0) ?? 0;
  return code > 32 && code < 127
    ? `'${c}'`
    : `character U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
}
