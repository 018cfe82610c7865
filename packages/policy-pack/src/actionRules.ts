/** The rule on what a policy grants: only Prometheus-compatible actions, the allowed ones, read-only where asked. */
import {
  accountOfAwsPrincipal,
  hasKey,
  isAccountId,
  keyPath,
  listOf,
  type PolicyCheck,
  type PolicyDocument,
  PROMETHEUS_COMPATIBLE_ACTIONS,
  type PrometheusCompatibleAction,
  prometheusActionsMatching,
  stringsOf,
} from "@awsamp/core/policy";
import type { PrometheusActionsConfig } from "./config";
import { type AllowStatement, allowStatementsOf, type PrincipalRef } from "./statements";
import type { Violation } from "./violation";

const CONFIG = "prometheus-actions in the pack's config";
const WRITE: PrometheusCompatibleAction = "aps:RemoteWrite";
const READS = PROMETHEUS_COMPATIBLE_ACTIONS.filter((action) => action !== WRITE);

/**
 * Every action of an Allow that is not one of the five Prometheus-compatible actions (with Check's "did you
 * mean"), that grants one the config does not allow, or that grants aps:RemoteWrite (by name, by a wildcard
 * or through NotAction) in a statement naming a read-only principal.
 */
export function prometheusActionViolations(
  document: PolicyDocument,
  check: PolicyCheck,
  config: PrometheusActionsConfig,
): Violation[] {
  const lint = new Map(check.warnings.map((warning) => [warning.path, warning.message]));
  return allowStatementsOf(document).flatMap((statement) => {
    const readOnly = statement.principals.filter((principal) => isReadOnly(principal, config));
    return grantingElementsOf(statement).flatMap(({ what, path, action, grants }) => {
      if (grants.length === 0) return [{ path, message: notPrometheusMessage(action, lint.get(path)) }];
      const violations: Violation[] = [];
      const disallowed = grants.filter((granted) => !config.allowedActions.includes(granted));
      if (disallowed.length > 0) {
        violations.push({
          path,
          message:
            `${what} grants ${listOf(disallowed, "and")}, which ${disallowed.length > 1 ? "are" : "is"} not ` +
            `among the allowed actions (${allowedList(config)}); remove it or add it to allowedActions in ${CONFIG}`,
        });
      }
      if (readOnly.length > 0 && grants.includes(WRITE)) {
        violations.push(readOnlyViolation(what, path, readOnly, statement));
      }
      return violations;
    });
  });
}

/** A part of a statement that grants actions: one value of its Action, or its NotAction as a whole. */
interface GrantingElement {
  /** How a message names it: `"aps:*"`, or `Allow with NotAction`. */
  what: string;
  path: string;
  /** The Action value; undefined for NotAction. */
  action: string | undefined;
  grants: readonly PrometheusCompatibleAction[];
}

function grantingElementsOf(statement: AllowStatement): GrantingElement[] {
  const actions = stringsOf(statement.statement.Action, keyPath(statement.path, "Action")).map(
    ({ value, path }) => ({
      what: `"${value}"`,
      path,
      action: value,
      grants: prometheusActionsMatching(value),
    }),
  );
  if (!hasKey(statement.statement, "NotAction")) return actions;
  const path = keyPath(statement.path, "NotAction");
  return [...actions, { what: "Allow with NotAction", path, action: undefined, grants: statement.access }];
}

function notPrometheusMessage(value: string | undefined, lint: string | undefined): string {
  if (value === undefined)
    return "Allow with NotAction grants none of the five Prometheus-compatible actions";
  // Check's own lint says why, with the action meant where it can tell.
  return (
    lint ??
    `"${value}" is not one of the five Prometheus-compatible actions (${listOf(PROMETHEUS_COMPATIBLE_ACTIONS, "and")}); remove it`
  );
}

function readOnlyViolation(
  what: string,
  path: string,
  readOnly: PrincipalRef[],
  statement: AllowStatement,
): Violation {
  const names = listOf(
    readOnly.map(({ value }) => `"${value}"`),
    "and",
  );
  const reads = READS.filter((action) => statement.access.includes(action));
  return {
    path,
    message:
      `${what === `"${WRITE}"` ? what : `${what}, which grants ${WRITE},`} gives write access to ${names}, ` +
      `which may only read (readOnlyPrincipals in ${CONFIG}); ` +
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
