/** The canonical form of a policy document, and semantic equality built on it. */
import { AwsampError } from "../errors";
import { arnPartition, DEFAULT_PARTITION, isAccountId, rootArn } from "./arns";
import { describeSyntaxError, parseJson, parseJsonOrUndefined } from "./json";
import { RecentMemo } from "./recent";
import type { PolicyInput } from "./types";
import { hasKey, isRecord, STATEMENT_KEYS } from "./walk";

/** Policy text that is not JSON, where a document was needed. */
export class PolicyDocumentSyntaxError extends AwsampError {
  constructor(action: string, reason: string) {
    super(`${action}: the policy document is not valid JSON: ${reason}; fix its syntax`);
  }
}

const VALUE_LIST_KEYS = new Set(["Resource", "NotResource"]);
const ACTION_LIST_KEYS = new Set(["Action", "NotAction"]);
const PRINCIPAL_KEYS = new Set(["Principal", "NotPrincipal"]);

/**
 * The canonical JSON text of a document: two documents that grant the same have the same canonical text
 * (but for account IDs in a document whose ARNs name no partition: see equivalent).
 *
 * What it folds together, because IAM reads them alike:
 * - key order and whitespace;
 * - a single value and a one-element list (every list element comes out as a list);
 * - the order of statements and of the values in Action, NotAction, Resource, NotResource, principal
 *   lists and condition value lists, and duplicates among them (lists are sorted sets; identical
 *   statements collapse into one);
 * - the case of actions (IAM matches action names in any case): actions come out wholly in lower case;
 * - a 12-digit account ID and `arn:PARTITION:iam::ID:root` (what IAM stores for it): account IDs come out as
 *   root ARNs in the document's partition, the one its Resource ARNs name, else the one its principal ARNs
 *   name, else `aws` (see documentPartition; and equivalent, for a document that names none);
 * - the case of condition key names (IAM matches them in any case): they come out in lower case, but for
 *   keys of one operator block that differ only in case, which are kept as written;
 * - a condition value's boolean or number and its text (IAM compares condition values as text);
 * - an absent Sid and `"Sid": ""`, as iam.getPolicyDocument writes for a statement without one; Terraform's
 *   awspolicyequivalence treats the two alike too.
 *
 * What it keeps apart: Version (an absent Version is not "2008-10-17"), Id, Sid, Effect, every action,
 * principal, resource and condition value, each in its case (even under StringEqualsIgnoreCase: a false
 * difference costs a preview line, a false equality would hide a change), root ARNs of different
 * partitions, condition operators in different cases (IAM refuses an operator not spelt as it documents
 * it: "Invalid Condition type"), and `"*"` vs `{"AWS": "*"}` (some services treat them differently). Parts
 * it does not recognize are kept as they are, with sorted keys.
 *
 * @throws PolicyDocumentSyntaxError when given text that is not JSON.
 * @example
 * canonicalize('{"Statement":{"Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"aps:RemoteWrite"}}');
 * // '{"Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::123456789012:root"]},"Action":["aps:remotewrite"]}]}'
 */
export function canonicalize(document: PolicyInput): string {
  if (typeof document === "string") {
    const text = textOf(document);
    if (!text.json) throw syntaxError(document);
    return canonicalTextIn(document, text, text.stated ?? DEFAULT_PARTITION);
  }
  return canonicalDocument(document, documentPartition(document));
}

/**
 * True when two documents grant the same (see canonicalize for what counts as the same). Never throws:
 * text that is not JSON equals only the same text, and never a document.
 *
 * Where a document's ARNs name no partition at all, its account IDs are read in the partition of the
 * other document: the two are versions of one resource's policy, so they live in the same partition.
 * `"123456789012"` thus equals `arn:aws-us-gov:iam::123456789012:root` where no Resource names another
 * partition; the root ARNs of two partitions never equal each other.
 *
 * @example
 * equivalent('{"Version":"2012-10-17","Statement":[…]}', policyObject);
 */
export function equivalent(a: PolicyInput, b: PolicyInput): boolean {
  if (typeof a === "string" && typeof b === "string") return equivalentTexts(a, b);
  const valueA = parsedValue(a);
  const valueB = parsedValue(b);
  const canonicalA = valueA && canonicalOrUndefined(valueA.value, valueB?.value);
  const canonicalB = valueB && canonicalOrUndefined(valueB.value, valueA?.value);
  if (canonicalA !== undefined && canonicalB !== undefined) return canonicalA === canonicalB;
  if (canonicalA === undefined && canonicalB === undefined) return a === b;
  return false;
}

/** equivalent for two texts, the hot path (Check, Diff, Read), over what the memo keeps of each text. */
function equivalentTexts(a: string, b: string): boolean {
  // The same text grants the same, JSON or not: an unchanged document, in Check and in Diff, is not parsed.
  if (a === b) return true;
  const textA = textOf(a);
  const textB = textOf(b);
  // As documentPartition: a document's own partition, else its peer's (text that is not JSON names none).
  const canonicalA = textA.json
    ? canonicalTextOrUndefined(a, textA, textA.stated ?? textB.stated ?? DEFAULT_PARTITION)
    : undefined;
  const canonicalB = textB.json
    ? canonicalTextOrUndefined(b, textB, textB.stated ?? textA.stated ?? DEFAULT_PARTITION)
    : undefined;
  if (canonicalA !== undefined && canonicalB !== undefined) return canonicalA === canonicalB;
  if (canonicalA === undefined && canonicalB === undefined) return a === b;
  return false;
}

/**
 * What the memo keeps of a text: whether it is JSON, the partition its own ARNs name, and its canonical
 * text in each partition asked for. Only strings: the parsed value is not kept, so nothing shared can be
 * changed by a caller.
 */
interface TextFacts {
  json: boolean;
  stated: string | undefined;
  canonical: Map<string, string>;
}

/**
 * 128 texts cover the resources a preview has in flight many times over; texts past 32 KiB (three times
 * what validation accepts) are not kept, so the memo holds a few MB at most.
 */
const RECENT_TEXTS = new RecentMemo<TextFacts>(128, 32 * 1024);

function textOf(text: string): TextFacts {
  return RECENT_TEXTS.get(text, () => {
    const parsed = parseJsonOrUndefined(text);
    if (!parsed) return { json: false, stated: undefined, canonical: new Map() };
    const stated = statedPartition(parsed.value);
    const facts: TextFacts = { json: true, stated, canonical: new Map() };
    // Nearly every document names its partition (AMP wants the workspace's ARN as Resource), and that is
    // the partition it is read in: worked out now, from this parse, it needs no second one.
    const partition = stated ?? DEFAULT_PARTITION;
    try {
      facts.canonical.set(partition, canonicalDocument(parsed.value, partition));
    } catch {
      // Too deep to canonicalize: canonicalTextIn meets the same failure when a caller asks.
    }
    return facts;
  });
}

/** The canonical text of JSON text in a partition, worked out at the first call that asks. */
function canonicalTextIn(text: string, facts: TextFacts, partition: string): string {
  const kept = facts.canonical.get(partition);
  if (kept !== undefined) return kept;
  const parsed = parseJsonOrUndefined(text);
  if (!parsed) throw syntaxError(text);
  const canonical = canonicalDocument(parsed.value, partition);
  facts.canonical.set(partition, canonical);
  return canonical;
}

function canonicalTextOrUndefined(text: string, facts: TextFacts, partition: string): string | undefined {
  try {
    return canonicalTextIn(text, facts, partition);
  } catch {
    // JSON nested deeper than the stack allows: compared as it is, as canonicalOrUndefined does.
    return undefined;
  }
}

/** A document's parsed value, or undefined for text that is not JSON. */
function parsedValue(document: PolicyInput): { value: unknown } | undefined {
  return typeof document === "string" ? parseJsonOrUndefined(document) : { value: document };
}

function syntaxError(text: string): PolicyDocumentSyntaxError {
  const parsed = parseJson(text);
  return new PolicyDocumentSyntaxError(
    "canonicalizing a policy document",
    parsed.ok ? "unreadable" : describeSyntaxError(parsed.error),
  );
}

function canonicalOrUndefined(document: unknown, peer: unknown): string | undefined {
  try {
    return canonicalDocument(document, documentPartition(document, peer));
  } catch {
    // An object JSON cannot hold (a cycle, a BigInt): compared as it is.
    return undefined;
  }
}

function canonicalDocument(document: unknown, partition: string): string {
  if (!isRecord(document)) return canonicalJson(document);
  const members: string[] = [];
  if (hasKey(document, "Version")) members.push(member("Version", canonicalJson(document.Version)));
  if (hasKey(document, "Id")) members.push(member("Id", canonicalJson(document.Id)));
  if (hasKey(document, "Statement"))
    members.push(member("Statement", canonicalStatements(document.Statement, partition)));
  members.push(...otherMembers(document, ["Version", "Id", "Statement"]));
  return `{${members.join(",")}}`;
}

/**
 * The partition whose root ARN an account ID principal stands for. IAM uses the partition the policy
 * lives in, which a document tells only through its ARNs: first those of its resources, then those of its
 * principals, where each group agrees (`aws` where one names several, as no single partition fits). A
 * document whose ARNs name none takes its peer's (the other version of the same resource's policy), else
 * `aws`.
 *
 * Canonicalization leaves resources as they are and turns account IDs into root ARNs of this very
 * partition, so a canonical document tells the same partition as its original: canonicalization is
 * idempotent, and a document with both an ID and a root ARN of one account collapses them.
 */
export function documentPartition(document: unknown, peer?: unknown): string {
  return statedPartition(document) ?? statedPartition(peer) ?? DEFAULT_PARTITION;
}

function statedPartition(document: unknown): string | undefined {
  if (!isRecord(document)) return undefined;
  const statements = Array.isArray(document.Statement) ? document.Statement : [document.Statement];
  const records = statements.filter(isRecord);
  return (
    agreedPartition(records, ["Resource", "NotResource"], (value) => value) ??
    agreedPartition(records, ["Principal", "NotPrincipal"], principalValues)
  );
}

/** The partition the ARNs among these statements' values name, `aws` where they name several. */
function agreedPartition(
  statements: Record<string, unknown>[],
  keys: readonly string[],
  valuesOf: (element: unknown) => unknown,
): string | undefined {
  let found: string | undefined;
  for (const statement of statements) {
    for (const key of keys) {
      const values = valuesOf(statement[key]);
      for (const value of Array.isArray(values) ? values : [values]) {
        const partition = typeof value === "string" ? arnPartition(value) : undefined;
        if (partition === undefined) continue;
        if (found !== undefined && found !== partition) return DEFAULT_PARTITION;
        found = partition;
      }
    }
  }
  return found;
}

/** The values of every kind of a Principal element, in one list. */
function principalValues(principal: unknown): unknown[] {
  if (!isRecord(principal)) return [];
  return Object.values(principal).flatMap((values) => (Array.isArray(values) ? values : [values]));
}

function canonicalStatements(statements: unknown, partition: string): string {
  if (isRecord(statements)) return `[${canonicalStatement(statements, partition)}]`;
  if (!Array.isArray(statements)) return canonicalJson(statements);
  return sortedSet(statements.map((statement) => canonicalStatement(statement, partition)));
}

function canonicalStatement(statement: unknown, partition: string): string {
  if (!isRecord(statement)) return canonicalJson(statement);
  const members: string[] = [];
  for (const key of STATEMENT_KEYS) {
    if (!hasKey(statement, key)) continue;
    const value = statement[key];
    if (key === "Sid" && value === "") continue;
    members.push(member(key, canonicalStatementValue(key, value, partition)));
  }
  members.push(...otherMembers(statement, STATEMENT_KEYS));
  return `{${members.join(",")}}`;
}

function canonicalStatementValue(key: string, value: unknown, partition: string): string {
  if (ACTION_LIST_KEYS.has(key)) return canonicalSet(value, (action) => action.toLowerCase());
  if (VALUE_LIST_KEYS.has(key)) return canonicalSet(value, (resource) => resource);
  if (PRINCIPAL_KEYS.has(key)) return canonicalPrincipal(value, partition);
  if (key === "Condition") return canonicalCondition(value);
  return canonicalJson(value);
}

function canonicalPrincipal(principal: unknown, partition: string): string {
  if (!isRecord(principal)) return canonicalJson(principal);
  const kinds = Object.keys(principal)
    .filter((kind) => principal[kind] !== undefined)
    .sort();
  const normalize = (kind: string) => (value: string) =>
    kind === "AWS" && isAccountId(value) ? rootArn(value, partition) : value;
  return `{${kinds.map((kind) => member(kind, canonicalSet(principal[kind], normalize(kind)))).join(",")}}`;
}

function canonicalCondition(condition: unknown): string {
  if (!isRecord(condition)) return canonicalJson(condition);
  const operators = Object.keys(condition)
    .filter((operator) => condition[operator] !== undefined)
    .sort();
  return `{${operators.map((operator) => member(operator, canonicalConditionBlock(condition[operator]))).join(",")}}`;
}

function canonicalConditionBlock(block: unknown): string {
  if (!isRecord(block)) return canonicalJson(block);
  const keys = Object.keys(block).filter((key) => block[key] !== undefined);
  const lower = keys.map((key) => key.toLowerCase());
  // IAM ANDs the keys of a block, so two spellings of one key cannot merge into one value list (that
  // would OR their values); kept as written, they equal only the same spellings, never a looser block.
  const named = keys.map((key, i) => ({
    key,
    name: lower.indexOf(lower[i]) === lower.lastIndexOf(lower[i]) ? lower[i] : key,
  }));
  named.sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
  return `{${named
    .map(({ key, name }) =>
      member(
        name,
        canonicalSet(block[key], (value) => value, true),
      ),
    )
    .join(",")}}`;
}

/**
 * A one-or-many value as a sorted list without duplicates, each string normalized. Condition values'
 * booleans and numbers become their text; any other element is kept as canonical JSON.
 */
function canonicalSet(value: unknown, normalize: (value: string) => string, scalarsAsText = false): string {
  const elements = Array.isArray(value) ? value : [value];
  return sortedSet(
    elements.map((element) => {
      if (typeof element === "string") return JSON.stringify(normalize(element));
      if (scalarsAsText && (typeof element === "boolean" || typeof element === "number")) {
        return JSON.stringify(String(element));
      }
      return canonicalJson(element);
    }),
  );
}

/** Canonical JSON texts as a sorted list without duplicates (sorting first makes duplicates neighbours). */
function sortedSet(items: string[]): string {
  if (items.length < 2) return `[${items.join("")}]`;
  items.sort();
  let joined = items[0];
  for (let i = 1; i < items.length; i++) {
    if (items[i] !== items[i - 1]) joined += `,${items[i]}`;
  }
  return `[${joined}]`;
}

/** The quoted names of the keys every document has, so the hot path skips quoting them. */
const QUOTED_KEYS = new Map(
  ["Version", "Id", "Statement", ...STATEMENT_KEYS, "AWS", "Service"].map((key) => [
    key,
    JSON.stringify(key),
  ]),
);

function member(key: string, canonicalValue: string): string {
  return `${QUOTED_KEYS.get(key) ?? JSON.stringify(key)}:${canonicalValue}`;
}

function otherMembers(record: Record<string, unknown>, known: readonly string[]): string[] {
  return Object.keys(record)
    .filter((key) => !known.includes(key) && record[key] !== undefined)
    .sort()
    .map((key) => member(key, canonicalJson(record[key])));
}

/** JSON with object keys sorted at every level; list order is kept. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((element) => canonicalJson(element ?? null)).join(",")}]`;
  if (isRecord(value)) {
    const keys = Object.keys(value)
      .filter((key) => value[key] !== undefined)
      .sort();
    return `{${keys.map((key) => member(key, canonicalJson(value[key]))).join(",")}}`;
  }
  if (typeof value === "bigint") throw new TypeError("a BigInt has no JSON form");
  return JSON.stringify(value) ?? "null";
}
