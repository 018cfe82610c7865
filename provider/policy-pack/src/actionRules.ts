/**
 * The rule on what a policy grants: only the actions the config allows, and no write to read-only principals.
 * It reads only documents Check accepts, where every action is one of the five Prometheus-compatible ones
 * named in full: any other action, a wildcard or a misspelling is Check's error, which valid-policy-document
 * reports, so this rule never says it again.
 */
import {
  accountOfAwsPrincipal,
  hasKey,
  isAccountId,
  keyPath,
  listOf,
  type PolicyDocument,
  PROMETHEUS_COMPATIBLE_ACTIONS,
  type PrometheusCompatibleAction,
  prometheusActionNamed,
  stringsOf,
} from "@awsamp/core/policy";
import type { PrometheusActionsConfig } from "./policyConfig";
import { type AllowStatement, allowStatementsOf, type PrincipalRef } from "./statements";
import type { Violation } from "./violation";

const CONFIG = "prometheus-actions in the pack's config";
const WRITE: PrometheusCompatibleAction = "aps:RemoteWrite";
const READS = PROMETHEUS_COMPATIBLE_ACTIONS.filter((action) => action !== WRITE);

/**
 * In the Allow statements of a document Check accepts (PolicyCheck.document): every action the config does
 * not allow, by name or through NotAction; every grant of aps:RemoteWrite in a statement naming a read-only
 * principal; and every Allow with NotAction that grants none of the five.
 */
export function prometheusActionViolations(
  document: PolicyDocument,
  config: PrometheusActionsConfig,
): Violation[] {
  return allowStatementsOf(document).flatMap((statement) => {
    const readOnly = statement.principals.filter((principal) => isReadOnly(principal, config));
    return grantingElementsOf(statement).flatMap((element) => {
      if (element.grants.length === 0) return [grantsNothingViolation(element)];
      const violations: Violation[] = [];
      const disallowed = element.grants.filter((granted) => !config.allowedActions.includes(granted));
      if (disallowed.length > 0) violations.push(disallowedViolation(element, disallowed, config));
      if (readOnly.length > 0 && element.grants.includes(WRITE)) {
        violations.push(readOnlyViolation(element, readOnly, statement));
      }
      return violations;
    });
  });
}

/** A part of a statement that grants actions: one value of its Action, or its NotAction as a whole. */
interface GrantingElement {
  path: string;
  /** The Action value as written (its case may differ from the action's); undefined for NotAction. */
  written: string | undefined;
  grants: readonly PrometheusCompatibleAction[];
}

function grantingElementsOf(statement: AllowStatement): GrantingElement[] {
  // Check lets through only the five, named in full in any case, so each value grants the one it names.
  const actions = stringsOf(statement.statement.Action, keyPath(statement.path, "Action")).flatMap(
    ({ value, path }) => {
      const action = prometheusActionNamed(value);
      return action ? [{ path, written: value, grants: [action] }] : [];
    },
  );
  if (!hasKey(statement.statement, "NotAction")) return actions;
  const path = keyPath(statement.path, "NotAction");
  return [...actions, { path, written: undefined, grants: statement.access }];
}

function grantsNothingViolation({ path }: GrantingElement): Violation {
  return {
    path,
    message:
      "Allow with NotAction grants none of the five Prometheus-compatible actions; list in Action the " +
      "actions you mean, or remove the statement",
  };
}

function disallowedViolation(
  { path, written }: GrantingElement,
  disallowed: readonly PrometheusCompatibleAction[],
  config: PrometheusActionsConfig,
): Violation {
  const allowed = `not among the allowed actions (${allowedList(config)})`;
  if (written !== undefined) {
    return {
      path,
      message: `"${written}" is ${allowed}; remove it or add it to allowedActions in ${CONFIG}`,
    };
  }
  const several = disallowed.length > 1;
  return {
    path,
    message:
      `Allow with NotAction grants ${listOf(disallowed, "and")}, which ${several ? "are" : "is"} ${allowed}; ` +
      `list in Action the allowed actions you mean, or add ${several ? "them" : "it"} to allowedActions in ${CONFIG}`,
  };
}

function readOnlyViolation(
  { path, written }: GrantingElement,
  readOnly: PrincipalRef[],
  statement: AllowStatement,
): Violation {
  const names = listOf(
    readOnly.map(({ value }) => `"${value}"`),
    "and",
  );
  const reads = READS.filter((action) => statement.access.includes(action));
  const what = written === undefined ? `Allow with NotAction, which grants ${WRITE},` : `"${written}"`;
  return {
    path,
    message:
      `${what} gives write access to ${names}, which may only read (readOnlyPrincipals in ${CONFIG}); ` +
      `list only read actions${reads.length > 0 ? ` (${listOf(reads, "and")})` : ""}, or grant write in a ` +
      `statement of its own to another principal`,
  };
}

function isReadOnly({ kind, value }: PrincipalRef, config: PrometheusActionsConfig): boolean {
  if (kind === "*") return false;
  return config.readOnlyPrincipals.some(
    (entry) =>
      entry === value || (kind === "AWS" && isAccountId(entry) && accountOfAwsPrincipal(value) === entry),
  );
}

function allowedList(config: PrometheusActionsConfig): string {
  return config.allowedActions.length > 0 ? listOf(config.allowedActions, "and") : "none";
}
