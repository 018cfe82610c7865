/** A policy document written as an object (an SDK's PolicyDocument type), as the JSON text AWS takes. */
import { DOCUMENT_KEYS, isRecord, STATEMENT_KEYS } from "./walk";

/**
 * The document's JSON text, with IAM's keys in IAM's order (Version, Id, Statement; Sid, Effect, Principal,
 * …), since the engine sends an object's keys sorted. Keys IAM does not know follow, in the order given;
 * below a statement (principals, conditions) every key stays where the program put it.
 */
export function policyDocumentText(document: Record<string, unknown>): string {
  const statements = document.Statement;
  const ordered = inKeyOrder(document, DOCUMENT_KEYS);
  if ("Statement" in ordered) {
    ordered.Statement = Array.isArray(statements)
      ? statements.map((statement) => inKeyOrder(statement, STATEMENT_KEYS))
      : inKeyOrder(statements, STATEMENT_KEYS);
  }
  return JSON.stringify(ordered);
}

function inKeyOrder<T>(value: T, keys: readonly string[]): T {
  if (!isRecord(value)) return value;
  const rank = (key: string) => {
    const index = keys.indexOf(key);
    return index < 0 ? keys.length : index;
  };
  const sorted = Object.keys(value).sort((a, b) => rank(a) - rank(b));
  return Object.fromEntries(sorted.map((key) => [key, value[key]])) as T;
}
