/** Warnings about documents AMP accepts but that likely do not do what their author meant. */
import {
  PROMETHEUS_COMPATIBLE_ACTIONS,
  type PrometheusCompatibleAction,
  prometheusActionsMatching,
} from "./actions";
import { accountOfAwsPrincipal, isAccountId, parseWorkspaceArn } from "./arns";
import { keyPath, listOf, warning } from "./problems";
import type { PolicyCheck, PolicyContext, PolicyDocument, PolicyProblem } from "./types";
import { validatePolicyDocument } from "./validate";
import { hasKey, isRecord, type Located, statementsOf, stringsOf } from "./walk";

const FIVE = listOf(PROMETHEUS_COMPATIBLE_ACTIONS, "and");
const ONLY_FIVE = `the five Prometheus-compatible actions (${FIVE}), the only ones AMP takes`;

/**
 * Checks a document the way a provider's Check does: validation, then (where it passes) the lint.
 *
 * @example
 * const { errors, warnings } = checkPolicyDocument(text, { workspaceId: "ws-…" });
 */
export function checkPolicyDocument(text: string, context: PolicyContext = {}): PolicyCheck {
  const result = validatePolicyDocument(text, context);
  if (!result.ok) {
    return {
      errors: result.problems.filter((problem) => problem.severity === "error"),
      warnings: result.problems.filter((problem) => problem.severity === "warning"),
    };
  }
  return {
    errors: [],
    warnings: [...result.warnings, ...lintPolicyDocument(result.document, context)],
    document: result.document,
  };
}

/**
 * Warnings (never errors) about a document: grants to anyone, Allow with NotPrincipal, and grants to other accounts, which need KMS grants where the workspace
 * uses a customer-managed key. Reads only what is well-formed, so it never throws on a document that has
 * not been validated.
 */
export function lintPolicyDocument(document: PolicyDocument, context: PolicyContext = {}): PolicyProblem[] {
  const workspaceAccount = workspaceAccountOf(document, context);
  return statementsOf(document).flatMap(({ value: statement, path }) =>
    isRecord(statement) ? statementWarnings(statement, path, workspaceAccount) : [],
  );
}

function statementWarnings(
  statement: Record<string, unknown>,
  path: string,
  workspaceAccount: string | undefined,
): PolicyProblem[] {
  const allows = statement.Effect === "Allow";
  const notActions = stringsOf(statement.NotAction, keyPath(path, "NotAction"));
  return [
    ...(allows && hasKey(statement, "NotAction") ? [allowWithNotActionWarning(notActions, path)] : []),
    ...(allows ? anyoneWarnings(statement, path) : []),
    ...(allows && hasKey(statement, "NotPrincipal") ? [allowWithNotPrincipalWarning(path)] : []),
    ...(allows && workspaceAccount ? crossAccountWarnings(statement, path, workspaceAccount) : []),
  ];
}

function allowWithNotActionWarning(notActions: Located<string>[], path: string): PolicyProblem {
  const excluded = new Set(notActions.flatMap(({ value }) => prometheusActionsMatching(value)));
  const granted = PROMETHEUS_COMPATIBLE_ACTIONS.filter((action) => !excluded.has(action));
  const grants = granted.length > 0 ? listOf(granted, "and") : "none of them";
  return warning(
    "allow-not-action",
    keyPath(path, "NotAction"),
    `Allow with NotAction grants every action except these; among ${ONLY_FIVE}, that is ${grants}. ` +
      `List the actions you mean in Action instead`,
  );
}

function anyoneWarnings(statement: Record<string, unknown>, path: string): PolicyProblem[] {
  if (hasCondition(statement)) return [];
  const principal = statement.Principal;
  const principalPath = keyPath(path, "Principal");
  const anyone: string[] = [];
  if (principal === "*") anyone.push(principalPath);
  else if (isRecord(principal)) {
    for (const { value, path: awsPath } of stringsOf(principal.AWS, keyPath(principalPath, "AWS"))) {
      if (value === "*") anyone.push(awsPath);
    }
  }
  const could = whatAnyoneCould(grantedActions(statement));
  return anyone.map((anyonePath) =>
    warning(
      "public-grant",
      anyonePath,
      `Allow to "*" with no Condition: anyone with an AWS account could ${could}; add a Condition (such as ` +
        `aws:PrincipalOrgID or aws:PrincipalAccount) or name the accounts`,
    ),
  );
}

function hasCondition(statement: Record<string, unknown>): boolean {
  const condition = statement.Condition;
  return isRecord(condition) && Object.keys(condition).length > 0;
}

function grantedActions(statement: Record<string, unknown>): PrometheusCompatibleAction[] {
  if (hasKey(statement, "NotAction")) {
    const excluded = new Set(
      stringsOf(statement.NotAction, "").flatMap(({ value }) => prometheusActionsMatching(value)),
    );
    return PROMETHEUS_COMPATIBLE_ACTIONS.filter((action) => !excluded.has(action));
  }
  return [
    ...new Set(stringsOf(statement.Action, "").flatMap(({ value }) => prometheusActionsMatching(value))),
  ];
}

function whatAnyoneCould(actions: PrometheusCompatibleAction[]): string {
  const writes = actions.includes("aps:RemoteWrite");
  const reads = actions.some((action) => action !== "aps:RemoteWrite");
  if (writes && reads) return "write metrics to this workspace and read them";
  if (writes) return "write metrics to this workspace";
  if (reads) return "read this workspace's metrics";
  return "do what this statement allows";
}

function allowWithNotPrincipalWarning(path: string): PolicyProblem {
  return warning(
    "allow-not-principal",
    keyPath(path, "NotPrincipal"),
    `Allow with NotPrincipal grants to everyone except these principals, anonymous callers included; ` +
      `name the principals you mean in Principal instead`,
  );
}

function crossAccountWarnings(
  statement: Record<string, unknown>,
  path: string,
  workspaceAccount: string,
): PolicyProblem[] {
  const principal = statement.Principal;
  if (!isRecord(principal)) return [];
  const awsPath = keyPath(keyPath(path, "Principal"), "AWS");
  return stringsOf(principal.AWS, awsPath).flatMap(({ value, path: principalPath }) => {
    const account = accountOfAwsPrincipal(value);
    if (account === undefined || account === workspaceAccount) return [];
    return [
      warning(
        "cross-account-kms",
        principalPath,
        `this grants to account ${account}, not the workspace's account ${workspaceAccount}: if the ` +
          `workspace is encrypted with a customer-managed KMS key, that account's principals also need KMS ` +
          `grants on the key`,
      ),
    ];
  });
}

/** The workspace's account: from the context's ARN, else from a workspace ARN in the document's Resource. */
function workspaceAccountOf(document: PolicyDocument, context: PolicyContext): string | undefined {
  const fromContext = context.workspaceArn ? parseWorkspaceArn(context.workspaceArn)?.accountId : undefined;
  if (fromContext && isAccountId(fromContext)) return fromContext;
  for (const { value: statement, path } of statementsOf(document)) {
    if (!isRecord(statement)) continue;
    for (const { value } of stringsOf(statement.Resource, path)) {
      const account = parseWorkspaceArn(value)?.accountId;
      if (account && isAccountId(account)) return account;
    }
  }
  return undefined;
}
