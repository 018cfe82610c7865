/** Re-serializes a policy document the way AWS may hand one back: the same meaning in different text. */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const ACCOUNT_ID = /^\d{12}$/;

/**
 * Rewrites a stored document as AWS might return it: every object's keys in reverse order, tab
 * indentation, and bare 12-digit account IDs among AWS principals written as `arn:PARTITION:iam::ID:root`.
 * Single-element arrays stay arrays. Only the text changes, never the meaning.
 *
 * @example reformatPolicyDocument('{"Version":"2012-10-17","Statement":[]}') // '{\n\t"Statement": [],\n\t"Version": "2012-10-17"\n}'
 */
export function reformatPolicyDocument(policyDocument: string, partition = "aws"): string {
  const parsed = JSON.parse(policyDocument) as Json;
  return JSON.stringify(reverseKeys(withRootPrincipals(parsed, partition)), null, "\t");
}

function reverseKeys(value: Json): Json {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value)
      .reverse()
      .map(([key, inner]) => [key, reverseKeys(inner)]),
  );
}

function withRootPrincipals(document: Json, partition: string): Json {
  if (!isObject(document) || document.Statement === undefined) return document;
  const statement = document.Statement;
  const rewrite = (entry: Json): Json => rewriteStatement(entry, partition);
  return { ...document, Statement: Array.isArray(statement) ? statement.map(rewrite) : rewrite(statement) };
}

function rewriteStatement(statement: Json, partition: string): Json {
  if (!isObject(statement)) return statement;
  const rewritten = { ...statement };
  for (const key of ["Principal", "NotPrincipal"]) {
    const principal = rewritten[key];
    if (isObject(principal) && principal.AWS !== undefined) {
      rewritten[key] = { ...principal, AWS: rootArns(principal.AWS, partition) };
    }
  }
  return rewritten;
}

function rootArns(value: Json, partition: string): Json {
  if (Array.isArray(value)) return value.map((entry) => rootArns(entry, partition));
  return typeof value === "string" && ACCOUNT_ID.test(value) ? `arn:${partition}:iam::${value}:root` : value;
}

function isObject(value: Json): value is { [key: string]: Json } {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
