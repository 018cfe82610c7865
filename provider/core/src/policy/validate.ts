/** Validation of a resource policy document's JSON text against IAM's grammar and AMP's rules. */
import { closestName, isWellFormedAction, matchesWildcard } from "./actions";
import { ampActionProblems } from "./ampActions";
import {
  awsPrincipalProblem,
  canonicalUserProblem,
  federatedPrincipalProblem,
  hasWildcard,
  parseArnParts,
  parseWorkspaceArn,
  servicePrincipalProblem,
  type WorkspaceRef,
} from "./arns";
import { describeSyntaxError, type JsonSyntaxError, parseJson, parseJsonOrUndefined } from "./json";
import { error, indexPath, keyPath, listOf, ROOT_PATH, warning } from "./problems";
import type { PolicyContext, PolicyDocument, PolicyProblem, ValidationResult } from "./types";
import {
  DOCUMENT_KEYS,
  describeValue,
  hasKey,
  isRecord,
  type Located,
  STATEMENT_KEYS,
  statementsOf,
} from "./walk";

/**
 * The longest document accepted, in characters (whitespace included). AMP documents no limit, and IAM's
 * resource-based policy limits vary by service; 10,240 is the limit several services set for resource
 * policies (Secrets Manager, Lambda layers, ECR repositories…), so a document within it is not refused for
 * its size, and one past it is almost surely a mistake.
 */
export const MAX_POLICY_DOCUMENT_LENGTH = 10_240;

/** The policy language versions IAM accepts. */
export const POLICY_VERSIONS = ["2012-10-17", "2008-10-17"] as const;

const PRINCIPAL_KINDS = ["AWS", "Service", "Federated", "CanonicalUser"];
const CONDITION_OPERATORS = [
  "StringEquals",
  "StringNotEquals",
  "StringEqualsIgnoreCase",
  "StringNotEqualsIgnoreCase",
  "StringLike",
  "StringNotLike",
  "NumericEquals",
  "NumericNotEquals",
  "NumericLessThan",
  "NumericLessThanEquals",
  "NumericGreaterThan",
  "NumericGreaterThanEquals",
  "DateEquals",
  "DateNotEquals",
  "DateLessThan",
  "DateLessThanEquals",
  "DateGreaterThan",
  "DateGreaterThanEquals",
  "Bool",
  "BinaryEquals",
  "IpAddress",
  "NotIpAddress",
  "ArnEquals",
  "ArnLike",
  "ArnNotEquals",
  "ArnNotLike",
  "Null",
];
const WORKSPACE_ARN_EXAMPLE = "arn:aws:aps:REGION:ACCOUNT:workspace/ws-…";

/** The workspace a policy is for, as far as the caller knows it. */
interface TargetWorkspace {
  workspaceId?: string;
  ref?: WorkspaceRef;
  arn?: string;
}

/**
 * Parses and validates a resource policy document. Errors make IAM or AMP refuse the document (or make it
 * grant something other than it seems); warnings are for what they may refuse or what deserves a look.
 * Where the workspace is known, a resource naming another workspace is an error.
 *
 * @example
 * const result = validatePolicyDocument(text, { workspaceId: "ws-12345678-90ab-cdef-1234-567890abcdef" });
 * if (!result.ok) for (const p of result.problems) console.log(`${p.severity} ${p.path}: ${p.message}`);
 */
export function validatePolicyDocument(text: string, context: PolicyContext = {}): ValidationResult {
  const problems: PolicyProblem[] = lengthProblems(text);
  const parsed = parseJson(text);
  if (!parsed.ok) {
    problems.push(syntaxProblem(parsed.error));
    return { ok: false, problems };
  }
  for (const path of parsed.duplicateKeyPaths) {
    problems.push(
      warning(
        "duplicate-key",
        path,
        "this key appears more than once in its object; only the last one counts, so remove the others",
      ),
    );
  }
  problems.push(...validateDocumentValue(parsed.value, targetWorkspace(context)));
  if (problems.some((problem) => problem.severity === "error")) return { ok: false, problems };
  return { ok: true, document: parsed.value as PolicyDocument, warnings: problems };
}

/**
 * The errors validatePolicyDocument finds, in its order, without its warnings: for a document whose
 * warnings were said already, so the scan for duplicate keys (which only warns) is skipped.
 */
export function policyDocumentErrors(text: string, context: PolicyContext = {}): PolicyProblem[] {
  const problems = lengthProblems(text);
  const parsed = parseJsonOrUndefined(text);
  if (!parsed) {
    // Only a failed parse needs the scan, to say where the syntax error is.
    const located = parseJson(text);
    if (!located.ok) problems.push(syntaxProblem(located.error));
    return problems;
  }
  problems.push(...validateDocumentValue(parsed.value, targetWorkspace(context)));
  return problems.filter((problem) => problem.severity === "error");
}

function lengthProblems(text: string): PolicyProblem[] {
  if (text.length <= MAX_POLICY_DOCUMENT_LENGTH) return [];
  return [
    error(
      ROOT_PATH,
      `the document is ${text.length} characters long, over the limit of ${MAX_POLICY_DOCUMENT_LENGTH} ` +
        `(whitespace included); remove whitespace or merge statements that share principals and actions`,
    ),
  ];
}

function syntaxProblem(syntaxError: JsonSyntaxError): PolicyProblem {
  return error(ROOT_PATH, `the document is not valid JSON: ${describeSyntaxError(syntaxError)}`);
}

function targetWorkspace(context: PolicyContext): TargetWorkspace {
  const ref = context.workspaceArn === undefined ? undefined : parseWorkspaceArn(context.workspaceArn);
  const workspaceId = context.workspaceId ?? ref?.workspaceId;
  const arn = ref ? context.workspaceArn : undefined;
  return { workspaceId, ref, arn };
}

function validateDocumentValue(document: unknown, target: TargetWorkspace): PolicyProblem[] {
  if (!isRecord(document)) {
    return [
      error(
        ROOT_PATH,
        `the document must be a JSON object with Version and Statement, such as ` +
          `{"Version": "2012-10-17", "Statement": [...]}; found ${describeValue(document)}`,
      ),
    ];
  }
  return [
    ...unknownKeyProblems(document, ROOT_PATH, DOCUMENT_KEYS, "at the top of the document"),
    ...versionProblems(document),
    ...idProblems(document),
    ...statementListProblems(document, target),
  ];
}

function versionProblems(document: Record<string, unknown>): PolicyProblem[] {
  const path = keyPath(ROOT_PATH, "Version");
  if (!hasKey(document, "Version")) {
    return [
      warning(
        "no-version",
        path,
        `there is no Version, so IAM applies the 2008-10-17 rules, which know no policy variables ` +
          `such as \${aws:PrincipalAccount}; add "Version": "2012-10-17"`,
      ),
    ];
  }
  const version = document.Version;
  if (typeof version === "string" && (POLICY_VERSIONS as readonly string[]).includes(version)) return [];
  return [error(path, `Version must be "2012-10-17" or "2008-10-17"; found ${describeValue(version)}`)];
}

function idProblems(document: Record<string, unknown>): PolicyProblem[] {
  if (!hasKey(document, "Id") || typeof document.Id === "string") return [];
  return [error(keyPath(ROOT_PATH, "Id"), `Id must be a string; found ${describeValue(document.Id)}`)];
}

function statementListProblems(document: Record<string, unknown>, target: TargetWorkspace): PolicyProblem[] {
  const path = keyPath(ROOT_PATH, "Statement");
  const statement = document.Statement;
  if (!hasKey(document, "Statement")) {
    return [error(path, "there is no Statement; add a list of statements that say who may do what")];
  }
  if (Array.isArray(statement) && statement.length === 0) {
    return [error(path, "Statement is an empty list; add at least one statement")];
  }
  if (!Array.isArray(statement) && !isRecord(statement)) {
    return [
      error(
        path,
        `Statement must be a statement object or a list of them; found ${describeValue(statement)}`,
      ),
    ];
  }
  const sidOwners = new Map<string, string>();
  return statementsOf(document).flatMap((located) => statementProblems(located, target, sidOwners));
}

function statementProblems(
  { value: statement, path }: Located<unknown>,
  target: TargetWorkspace,
  sidOwners: Map<string, string>,
): PolicyProblem[] {
  if (!isRecord(statement)) {
    return [
      error(
        path,
        `a statement must be an object with Effect, Principal and Action; found ${describeValue(statement)}`,
      ),
    ];
  }
  return [
    ...unknownKeyProblems(statement, path, STATEMENT_KEYS, "in a statement"),
    ...sidProblems(statement, path, sidOwners),
    ...effectProblems(statement, path),
    ...principalElementProblems(statement, path),
    ...actionElementProblems(statement, path),
    ...resourceElementProblems(statement, path, target),
    ...(hasKey(statement, "Condition")
      ? conditionProblems(statement.Condition, keyPath(path, "Condition"))
      : []),
  ];
}

function unknownKeyProblems(
  record: Record<string, unknown>,
  path: string,
  allowed: readonly string[],
  where: string,
): PolicyProblem[] {
  return Object.keys(record)
    .filter((key) => !allowed.includes(key))
    .map((key) => {
      const sameButCase = allowed.find((name) => name.toLowerCase() === key.toLowerCase());
      const suggestion = sameButCase ?? closestName(key, allowed);
      const hint = suggestion
        ? ` (did you mean "${suggestion}"?${sameButCase ? " Keys are case-sensitive." : ""})`
        : "";
      return error(
        keyPath(path, key),
        `unknown key "${key}" ${where}${hint}; the allowed keys are ${listOf(allowed, "and")}`,
      );
    });
}

function sidProblems(
  statement: Record<string, unknown>,
  path: string,
  sidOwners: Map<string, string>,
): PolicyProblem[] {
  if (!hasKey(statement, "Sid")) return [];
  const sid = statement.Sid;
  const sidPath = keyPath(path, "Sid");
  if (typeof sid !== "string") return [error(sidPath, `Sid must be a string; found ${describeValue(sid)}`)];
  // An empty Sid is what iam.getPolicyDocument writes for a statement without one; it names nothing.
  if (sid === "") return [];
  const owner = sidOwners.get(sid);
  if (owner !== undefined) {
    return [error(sidPath, `Sid "${sid}" is already used by ${owner}; give each statement its own Sid`)];
  }
  sidOwners.set(sid, path);
  return [];
}

function effectProblems(statement: Record<string, unknown>, path: string): PolicyProblem[] {
  const effectPath = keyPath(path, "Effect");
  if (!hasKey(statement, "Effect"))
    return [error(effectPath, 'Effect is missing; set it to "Allow" or "Deny"')];
  const effect = statement.Effect;
  if (effect === "Allow" || effect === "Deny") return [];
  return [error(effectPath, `Effect must be "Allow" or "Deny", spelled so; found ${describeValue(effect)}`)];
}

/** Which of two alternative keys (Principal or NotPrincipal, say) a statement names. */
function whichOf(
  statement: Record<string, unknown>,
  positive: string,
  negative: string,
): { key: string } | "both" | "neither" {
  const hasPositive = hasKey(statement, positive);
  const hasNegative = hasKey(statement, negative);
  if (hasPositive && hasNegative) return "both";
  if (!hasPositive && !hasNegative) return "neither";
  return { key: hasPositive ? positive : negative };
}

function bothProblem(path: string, positive: string, negative: string): PolicyProblem {
  return error(path, `the statement has both ${positive} and ${negative}; keep one of them`);
}

function principalElementProblems(statement: Record<string, unknown>, path: string): PolicyProblem[] {
  const which = whichOf(statement, "Principal", "NotPrincipal");
  if (which === "both") return [bothProblem(path, "Principal", "NotPrincipal")];
  if (which === "neither") {
    return [
      error(
        path,
        "the statement names no Principal: a resource-based policy must name who it applies to; add Principal " +
          'with an account, role or service, such as {"AWS": "arn:aws:iam::123456789012:root"}',
      ),
    ];
  }
  return principalProblems(statement[which.key], keyPath(path, which.key), which.key);
}

function principalProblems(principal: unknown, path: string, element: string): PolicyProblem[] {
  if (principal === "*") return [];
  if (!isRecord(principal)) {
    return [
      error(
        path,
        `${element} must be "*" or an object such as {"AWS": "arn:aws:iam::123456789012:root"} or ` +
          `{"Service": "grafana.amazonaws.com"}; found ${describeValue(principal)}`,
      ),
    ];
  }
  const kinds = Object.keys(principal);
  if (kinds.length === 0) {
    return [
      error(path, `${element} names no principals; add ${listOf(PRINCIPAL_KINDS)} with one or more of them`),
    ];
  }
  return [
    ...unknownKeyProblems(principal, path, PRINCIPAL_KINDS, `in ${element} (a principal kind)`),
    ...kinds
      .filter((kind) => PRINCIPAL_KINDS.includes(kind))
      .flatMap((kind) => principalValueProblems(principal[kind], keyPath(path, kind), element, kind)),
  ];
}

const PRINCIPAL_CHECKS: Record<string, (value: string) => string | undefined> = {
  AWS: awsPrincipalProblem,
  Service: servicePrincipalProblem,
  Federated: federatedPrincipalProblem,
  CanonicalUser: canonicalUserProblem,
};

function principalValueProblems(
  value: unknown,
  path: string,
  element: string,
  kind: string,
): PolicyProblem[] {
  const check = PRINCIPAL_CHECKS[kind];
  const { strings, problems } = oneOrManyStrings(value, path, `${element}.${kind}`);
  for (const located of strings) {
    const reason = check(located.value);
    if (reason !== undefined) problems.push(error(located.path, reason));
  }
  return problems;
}

/** The strings of a value that must be a string or a non-empty list of strings, and its problems. */
function oneOrManyStrings(
  value: unknown,
  path: string,
  what: string,
): { strings: Located<string>[]; problems: PolicyProblem[] } {
  if (typeof value === "string") return { strings: [{ value, path }], problems: [] };
  if (!Array.isArray(value)) {
    return {
      strings: [],
      problems: [error(path, `${what} must be a string or a list of strings; found ${describeValue(value)}`)],
    };
  }
  if (value.length === 0)
    return { strings: [], problems: [error(path, `${what} is an empty list; list at least one`)] };
  const strings: Located<string>[] = [];
  const problems: PolicyProblem[] = [];
  value.forEach((element, index) => {
    const elementPath = indexPath(path, index);
    if (typeof element === "string") strings.push({ value: element, path: elementPath });
    else
      problems.push(
        error(elementPath, `each entry of ${what} must be a string; found ${describeValue(element)}`),
      );
  });
  return { strings, problems };
}

function actionElementProblems(statement: Record<string, unknown>, path: string): PolicyProblem[] {
  const which = whichOf(statement, "Action", "NotAction");
  if (which === "both") return [bothProblem(path, "Action", "NotAction")];
  if (which === "neither") {
    return [
      error(
        path,
        "the statement names no Action; add Action with what it allows or denies, such as aps:RemoteWrite",
      ),
    ];
  }
  const { strings, problems } = oneOrManyStrings(statement[which.key], keyPath(path, which.key), which.key);
  for (const located of strings) {
    if (isWellFormedAction(located.value)) problems.push(...ampActionProblems(located, which.key));
    else {
      problems.push(
        error(
          located.path,
          `"${located.value}" is not an action: write service:Action, such as aps:RemoteWrite`,
        ),
      );
    }
  }
  return problems;
}

function resourceElementProblems(
  statement: Record<string, unknown>,
  path: string,
  target: TargetWorkspace,
): PolicyProblem[] {
  const workspaceArn = target.arn ?? WORKSPACE_ARN_EXAMPLE;
  const which = whichOf(statement, "Resource", "NotResource");
  if (which === "both") return [bothProblem(path, "Resource", "NotResource")];
  if (which === "neither") {
    // IAM accepts a resource-based policy statement without Resource, so AMP may too: only a warning.
    return [
      warning(
        "resource-not-workspace",
        path,
        `the statement names no Resource; AMP requires the policy's resource to be the workspace it is ` +
          `attached to, so add "Resource": "${workspaceArn}"`,
      ),
    ];
  }
  const elementPath = keyPath(path, which.key);
  const { strings, problems } = oneOrManyStrings(statement[which.key], elementPath, which.key);
  if (which.key === "NotResource") {
    problems.push(
      warning(
        "resource-not-workspace",
        elementPath,
        `NotResource applies the statement to every resource except these; AMP requires the policy's ` +
          `resource to be the workspace it is attached to, so use "Resource": "${workspaceArn}"`,
      ),
    );
    for (const located of strings) problems.push(...arnFormatProblems(located));
    return problems;
  }
  for (const located of strings) problems.push(...resourceProblems(located, target));
  return problems;
}

function arnFormatProblems({ value, path }: Located<string>): PolicyProblem[] {
  if (value === "*" || parseArnParts(value)) return [];
  return [
    error(
      path,
      `"${value}" is not a well-formed ARN (arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE); ` +
        `use the workspace's ARN, such as arn:aws:aps:us-east-1:123456789012:workspace/ws-…`,
    ),
  ];
}

function resourceProblems(located: Located<string>, target: TargetWorkspace): PolicyProblem[] {
  const { value, path } = located;
  const useInstead = target.arn ? `; use ${target.arn}` : "";
  const mustBeWorkspace = "AMP requires the policy's resource to be the workspace it is attached to";
  if (value === "*")
    return [
      warning(
        "resource-not-workspace",
        path,
        `Resource "*": ${mustBeWorkspace} and may refuse "*"${useInstead}`,
      ),
    ];
  const format = arnFormatProblems(located);
  if (format.length > 0) return format;
  const parts = parseArnParts(value);
  if (parts?.service !== "aps") {
    return [
      warning(
        "resource-not-workspace",
        path,
        `"${value}" is not an AMP workspace: ${mustBeWorkspace} and may refuse it${useInstead}`,
      ),
    ];
  }
  const named = parseWorkspaceArn(value);
  if (!named) {
    return [
      warning(
        "resource-not-workspace",
        path,
        `"${value}" names an AMP resource that is not a workspace: ${mustBeWorkspace}${useInstead}`,
      ),
    ];
  }
  return workspaceMismatchProblems(located, named, target);
}

function workspaceMismatchProblems(
  { value, path }: Located<string>,
  named: WorkspaceRef,
  target: TargetWorkspace,
): PolicyProblem[] {
  const expected =
    target.arn ?? (target.workspaceId ? `the ARN of workspace ${target.workspaceId}` : undefined);
  const other = (what: string) =>
    error(
      path,
      `"${value}" names ${what}, but this policy is for ${target.arn ?? `workspace ${target.workspaceId}`}; ` +
        `AMP requires the policy's resource to be the workspace it is attached to: use ${expected}`,
    );
  if (target.workspaceId !== undefined && !matchesWildcard(named.workspaceId, target.workspaceId, false)) {
    return [other(`workspace ${named.workspaceId}`)];
  }
  const ref = target.ref;
  if (ref) {
    const mismatches = (["partition", "region", "accountId"] as const).filter(
      (part) => !matchesWildcard(named[part], ref[part], false),
    );
    if (mismatches.length > 0) {
      const described = mismatches.map((part) => `${part === "accountId" ? "account" : part} ${named[part]}`);
      return [other(`a workspace in ${listOf(described, "and")}`)];
    }
  }
  if (hasWildcard(value)) {
    return [
      warning(
        "resource-not-workspace",
        path,
        `"${value}" holds a wildcard; AMP requires the policy's resource to be the workspace it is ` +
          `attached to and may refuse a pattern: name the workspace exactly${expected ? ` (${expected})` : ""}`,
      ),
    ];
  }
  return [];
}

function conditionProblems(condition: unknown, path: string): PolicyProblem[] {
  if (!isRecord(condition)) {
    return [
      error(
        path,
        `Condition must be an object of operators, such as {"StringEquals": {"aws:SourceAccount": ` +
          `"123456789012"}}; found ${describeValue(condition)}`,
      ),
    ];
  }
  return Object.entries(condition).flatMap(([operator, block]) =>
    operatorProblems(operator, block, keyPath(path, operator)),
  );
}

function operatorProblems(operator: string, block: unknown, path: string): PolicyProblem[] {
  const problems: PolicyProblem[] = [];
  if (!isKnownOperator(operator)) {
    const suggestion = closestName(operator, CONDITION_OPERATORS);
    problems.push(
      warning(
        "unknown-condition-operator",
        path,
        `"${operator}" is not a condition operator IAM documents` +
          `${suggestion ? ` (did you mean "${suggestion}"?)` : ""}; IAM refuses policies with unknown operators`,
      ),
    );
  }
  if (!isRecord(block)) {
    problems.push(
      error(
        path,
        `the ${operator} block must be an object of condition keys and values, such as ` +
          `{"aws:SourceAccount": "123456789012"}; found ${describeValue(block)}`,
      ),
    );
    return problems;
  }
  if (Object.keys(block).length === 0) {
    problems.push(
      warning(
        "empty-condition",
        path,
        `the ${operator} block names no condition keys, so it tests nothing; remove it`,
      ),
    );
  }
  for (const [key, value] of Object.entries(block))
    problems.push(...conditionValueProblems(value, keyPath(path, key)));
  return problems;
}

function isConditionScalar(value: unknown): boolean {
  return typeof value === "string" || typeof value === "boolean" || typeof value === "number";
}

function conditionValueProblems(value: unknown, path: string): PolicyProblem[] {
  const expected = "a condition value must be a string, boolean or number, or a non-empty list of them";
  if (isConditionScalar(value)) return [];
  if (!Array.isArray(value)) return [error(path, `${expected}; found ${describeValue(value)}`)];
  if (value.length === 0) return [error(path, `${expected}; found an empty list`)];
  return value.flatMap((element, index) =>
    isConditionScalar(element)
      ? []
      : [error(indexPath(path, index), `${expected}; found ${describeValue(element)}`)],
  );
}

function isKnownOperator(operator: string): boolean {
  const unqualified = operator.replace(/^For(?:AllValues|AnyValue):/, "");
  if (CONDITION_OPERATORS.includes(unqualified)) return true;
  const base = unqualified.endsWith("IfExists") ? unqualified.slice(0, -"IfExists".length) : undefined;
  return base !== undefined && base !== "Null" && CONDITION_OPERATORS.includes(base);
}
