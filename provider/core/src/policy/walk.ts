/** Reading the parts of a document that may not have been validated, each with its JSON path. */
import { indexPath, keyPath, ROOT_PATH } from "./problems";

/** A value found in a document and where it was found. */
export interface Located<T> {
  value: T;
  path: string;
}

/** True for a plain JSON object (not null, not a list). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** True where an object has the key as its own (JSON parsing makes every key own; `in` would see the prototype). */
export function hasKey(record: Record<string, unknown>, key: string): boolean {
  return Object.hasOwn(record, key) && record[key] !== undefined;
}

/** A document's statements: one object or each element of a list. */
export function statementsOf(document: unknown): Located<unknown>[] {
  if (!isRecord(document) || !hasKey(document, "Statement")) return [];
  const path = keyPath(ROOT_PATH, "Statement");
  const statement = document.Statement;
  if (Array.isArray(statement))
    return statement.map((value, index) => ({ value, path: indexPath(path, index) }));
  return [{ value: statement, path }];
}

/** The strings of a one-or-many value: the string itself, or each string element of a list. */
export function stringsOf(value: unknown, path: string): Located<string>[] {
  if (typeof value === "string") return [{ value, path }];
  if (!Array.isArray(value)) return [];
  return value.flatMap((element, index) =>
    typeof element === "string" ? [{ value: element, path: indexPath(path, index) }] : [],
  );
}

/** How a value reads in a message: `null`, `a list`, `the number 3`, `the string "x"`. */
export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "string") return `the string ${JSON.stringify(value)}`;
  if (typeof value === "object") return "an object";
  return `the ${typeof value} ${String(value)}`;
}

/** The keys a document may have at its top, in the order IAM documents them. */
export const DOCUMENT_KEYS: readonly string[] = ["Version", "Id", "Statement"];

/** The keys a statement may have, in the order IAM documents them (and the canonical form writes them). */
export const STATEMENT_KEYS: readonly string[] = [
  "Sid",
  "Effect",
  "Principal",
  "NotPrincipal",
  "Action",
  "NotAction",
  "Resource",
  "NotResource",
  "Condition",
];
