/** A validated document's Allow statements as the rules read them: principals, organisation conditions, access. */
import {
  grantsOf,
  hasKey,
  hasWildcard,
  isRecord,
  keyPath,
  type Located,
  listOf,
  type PolicyDocument,
  PROMETHEUS_COMPATIBLE_ACTIONS,
  type PrometheusCompatibleAction,
  statementsOf,
  stringsOf,
} from "@awsamp/core/policy";

/** One Allow statement, where it is, and what it is made of. */
export interface AllowStatement {
  statement: Record<string, unknown>;
  path: string;
  principals: PrincipalRef[];
  /** The statement's NotPrincipal, which in an Allow grants to everyone but those named. */
  notPrincipalPath: string | undefined;
  organizations: OrganizationCondition;
  /** The Prometheus-compatible actions the statement grants, in their listed order. */
  access: PrometheusCompatibleAction[];
}

/** A principal named in Principal: `"*"` (Principal "*" or AWS "*"), or one value of one kind. */
export interface PrincipalRef {
  /** `"*"`, or the key it is listed under: `AWS`, `Service`, `Federated`, `CanonicalUser`. */
  kind: string;
  value: string;
  path: string;
}

/**
 * What a statement's Condition says of the principal's organisation. `narrowing` holds the organisation IDs
 * of the conditions that let only an organisation's principals through; `loose` says why each other
 * condition on the organisation does not (a negated operator, IfExists, a wildcard).
 */
export interface OrganizationCondition {
  narrowing: Located<string>[];
  loose: string[];
}

// Each passes only when the request's aws:PrincipalOrgID equals (or matches) a value: an anonymous caller,
// who has no organisation, never passes. Negated operators, IfExists and ForAllValues pass without the key.
const NARROWING_OPERATORS = new Set([
  "StringEquals",
  "StringEqualsIgnoreCase",
  "StringLike",
  "ForAnyValue:StringEquals",
  "ForAnyValue:StringEqualsIgnoreCase",
  "ForAnyValue:StringLike",
]);

export const ORGANIZATION_KEY = "aws:PrincipalOrgID";

export function allowStatementsOf(document: PolicyDocument): AllowStatement[] {
  return statementsOf(document).flatMap(({ value: statement, path }) =>
    isRecord(statement) && statement.Effect === "Allow" ? [allowStatement(statement, path)] : [],
  );
}

function allowStatement(statement: Record<string, unknown>, path: string): AllowStatement {
  return {
    statement,
    path,
    principals: principalsOf(statement.Principal, keyPath(path, "Principal")),
    notPrincipalPath: hasKey(statement, "NotPrincipal") ? keyPath(path, "NotPrincipal") : undefined,
    organizations: organizationConditionOf(statement.Condition, keyPath(path, "Condition")),
    access: accessOf(statement),
  };
}

function principalsOf(principal: unknown, path: string): PrincipalRef[] {
  if (principal === "*") return [{ kind: "*", value: "*", path }];
  if (!isRecord(principal)) return [];
  return Object.keys(principal).flatMap((kind) =>
    stringsOf(principal[kind], keyPath(path, kind)).map(({ value, path: at }) => ({
      kind: kind === "AWS" && value === "*" ? "*" : kind,
      value,
      path: at,
    })),
  );
}

function organizationConditionOf(condition: unknown, path: string): OrganizationCondition {
  const found: OrganizationCondition = { narrowing: [], loose: [] };
  if (!isRecord(condition)) return found;
  for (const operator of Object.keys(condition)) {
    const block = condition[operator];
    if (!isRecord(block)) continue;
    for (const key of Object.keys(block)) {
      // IAM reads condition keys in any case.
      if (key.toLowerCase() !== ORGANIZATION_KEY.toLowerCase()) continue;
      const values = stringsOf(block[key], keyPath(keyPath(path, operator), key));
      const wildcards = values.filter(({ value }) => operator.includes("Like") && hasWildcard(value));
      if (!NARROWING_OPERATORS.has(operator)) {
        found.loose.push(`${operator} on ${key} lets principals outside the organisation through`);
      } else if (values.length === 0 || wildcards.length > 0) {
        found.loose.push(`${operator} on ${key} with a wildcard matches any organisation`);
      } else {
        found.narrowing.push(...values);
      }
    }
  }
  return found;
}

function accessOf(statement: Record<string, unknown>): PrometheusCompatibleAction[] {
  // The core's summary already expands NotAction; one anonymous principal stands for all.
  const granted = new Set(
    grantsOf({
      Statement: [{ ...statement, Principal: "*", NotPrincipal: undefined }],
    } as PolicyDocument).map((grant) => grant.action),
  );
  return PROMETHEUS_COMPATIBLE_ACTIONS.filter((action) => granted.has(action));
}

/** How a message says what a statement grants: `aps:QueryMetrics and aps:GetSeries`. */
export function describeAccess(access: readonly string[]): string {
  return access.length > 0 ? listOf(access, "and") : "none of the five Prometheus-compatible actions";
}
