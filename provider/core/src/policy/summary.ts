/** The access a document grants, as principal-action pairs, and how it changes between two documents. */
import {
  PROMETHEUS_COMPATIBLE_ACTIONS,
  type PrometheusCompatibleAction,
  prometheusActionsMatching,
} from "./actions";
import { isAccountId, rootArn } from "./arns";
import { documentPartition } from "./canonical";
import { parseJsonOrUndefined } from "./json";
import type { AccessChange, Grant, PolicyInput } from "./types";
import { hasKey, isRecord, statementsOf, stringsOf } from "./walk";

const PRINCIPAL_PREFIXES: Record<string, string> = {
  Service: "service:",
  Federated: "federated:",
  CanonicalUser: "canonical-user:",
};

/**
 * How access changes from one document to another, for reviewers of a preview: the grants only the new
 * document has (added) and only the old one has (removed), with a line for each. Either side may be absent
 * (a create or a delete). Only the five Prometheus-compatible actions count, as AMP takes no others;
 * wildcards and NotAction are expanded over them. A statement with a Condition gives conditional grants,
 * so a change of its condition values alone shows no line. Text that is not JSON grants nothing.
 *
 * @example
 * summarizeAccessChange(undefined, policy).lines;
 * // ["+ allow arn:aws:iam::123456789012:root aps:RemoteWrite", …]
 */
export function summarizeAccessChange(oldDocument?: PolicyInput, newDocument?: PolicyInput): AccessChange {
  const oldValue = parsedValue(oldDocument);
  const newValue = parsedValue(newDocument);
  // As in equivalent: a document whose ARNs name no partition lives in the other's.
  const before = keyed(grantsIn(oldValue, documentPartition(oldValue, newValue)));
  const after = keyed(grantsIn(newValue, documentPartition(newValue, oldValue)));
  const removed = [...before].filter(([key]) => !after.has(key)).map(([, grant]) => grant);
  const added = [...after].filter(([key]) => !before.has(key)).map(([, grant]) => grant);
  const lines = [
    ...removed.map((grant) => ({ sign: "-", grant })),
    ...added.map((grant) => ({ sign: "+", grant })),
  ]
    .sort((a, b) => compareGrants(a.grant, b.grant) || compareText(a.sign, b.sign))
    .map(({ sign, grant }) => `${sign} ${describeGrant(grant)}`);
  return { added: added.sort(compareGrants), removed: removed.sort(compareGrants), lines };
}

/**
 * Every grant of one of the five Prometheus-compatible actions a document makes, sorted and without
 * duplicates. Statements too malformed to read (no Effect, no principal) grant nothing.
 */
export function grantsOf(document?: PolicyInput): Grant[] {
  const value = parsedValue(document);
  return grantsIn(value, documentPartition(value));
}

/**
 * The access a document grants, as one entry per principal and Prometheus-compatible action (wildcards and
 * NotAction expanded), valued by its effect: what a preview shows reviewers as the resource's `access`, so
 * the engine's own diff of it says who gains and loses what. A principal and action that two statements
 * give with and without a condition, or both allow and deny, hold both, joined with "; ".
 *
 * @example
 * accessOf(policy);
 * // { "arn:aws:iam::123456789012:root aps:RemoteWrite": "allow", "service:grafana.amazonaws.com aps:QueryMetrics": "allow (with conditions)" }
 */
export function accessOf(document?: PolicyInput): Record<string, string> {
  const access: Record<string, string> = {};
  for (const grant of grantsOf(document)) {
    const key = `${grant.principal} ${grant.action}`;
    const anyone = grant.principal === "*" || grant.principal === "aws:*" ? " (anyone)" : "";
    const effect = `${grant.effect}${anyone}${grant.conditional ? " (with conditions)" : ""}`;
    access[key] = access[key] === undefined ? effect : `${access[key]}; ${effect}`;
  }
  return access;
}

function parsedValue(document?: PolicyInput): unknown {
  return typeof document === "string" ? parseJsonOrUndefined(document)?.value : document;
}

function keyed(grants: Grant[]): Map<string, Grant> {
  return new Map(grants.map((grant) => [grantKey(grant), grant]));
}

function grantsIn(value: unknown, partition: string): Grant[] {
  if (!isRecord(value)) return [];
  const grants = new Map<string, Grant>();
  for (const { value: statement } of statementsOf(value)) {
    if (!isRecord(statement)) continue;
    for (const grant of statementGrants(statement, partition)) grants.set(grantKey(grant), grant);
  }
  return [...grants.values()].sort(compareGrants);
}

function statementGrants(statement: Record<string, unknown>, partition: string): Grant[] {
  const effect = statement.Effect === "Allow" ? "allow" : statement.Effect === "Deny" ? "deny" : undefined;
  if (!effect) return [];
  const conditional = isRecord(statement.Condition) && Object.keys(statement.Condition).length > 0;
  const actions = statementActions(statement);
  return statementPrincipals(statement, partition).flatMap((principal) =>
    actions.map((action) => ({ effect, principal, action, conditional })),
  );
}

function statementActions(statement: Record<string, unknown>): PrometheusCompatibleAction[] {
  const matching = (key: string) =>
    new Set(stringsOf(statement[key], "").flatMap(({ value }) => prometheusActionsMatching(value)));
  if (hasKey(statement, "Action"))
    return PROMETHEUS_COMPATIBLE_ACTIONS.filter((a) => matching("Action").has(a));
  if (hasKey(statement, "NotAction")) {
    const excluded = matching("NotAction");
    return PROMETHEUS_COMPATIBLE_ACTIONS.filter((action) => !excluded.has(action));
  }
  return [];
}

function statementPrincipals(statement: Record<string, unknown>, partition: string): string[] {
  if (hasKey(statement, "Principal")) return principalNames(statement.Principal, partition);
  if (hasKey(statement, "NotPrincipal")) {
    const excluded = principalNames(statement.NotPrincipal, partition);
    // Everyone except everyone is no one.
    if (excluded.length === 0 || excluded.includes("*")) return [];
    return [`everyone except ${excluded.join(", ")}`];
  }
  return [];
}

/** The principals of a Principal element as a summary names them, sorted. */
function principalNames(principal: unknown, partition: string): string[] {
  if (principal === "*") return ["*"];
  if (!isRecord(principal)) return [];
  const names = new Set<string>();
  for (const kind of Object.keys(principal)) {
    for (const { value } of stringsOf(principal[kind], "")) names.add(principalName(kind, value, partition));
  }
  return [...names].sort(compareText);
}

function principalName(kind: string, value: string, partition: string): string {
  if (kind !== "AWS") return `${PRINCIPAL_PREFIXES[kind] ?? `${kind.toLowerCase()}:`}${value}`;
  if (value === "*") return "aws:*";
  return isAccountId(value) ? rootArn(value, partition) : value;
}

function describeGrant(grant: Grant): string {
  const anyone = grant.principal === "*" || grant.principal === "aws:*" ? " (anyone)" : "";
  const conditions = grant.conditional ? " (with conditions)" : "";
  return `${grant.effect} ${grant.principal}${anyone} ${grant.action}${conditions}`;
}

function grantKey(grant: Grant): string {
  return [grant.effect, grant.principal, grant.action, String(grant.conditional)].join("\u0000");
}

function compareGrants(a: Grant, b: Grant): number {
  return (
    compareText(a.principal, b.principal) ||
    compareText(a.action, b.action) ||
    compareText(a.effect, b.effect) ||
    Number(a.conditional) - Number(b.conditional)
  );
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
